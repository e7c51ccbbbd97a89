"""The network at a glance: the dashboard and the trend over the last periods.

Both are for coordinators, the chair and the committee (``oversight_access``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from network.models import Network
from reports.models import ProgressReport
from reports.permissions import oversight_access
from reports.selectors import roadmap_reads as sources
from reports.selectors import trend as trends

# Each of the dashboard's lists shows this many reports; the reports list has the rest.
DASHBOARD_ROWS = 50
# "Due soon": due within this many days.
SOON_DAYS = 14


def _dashboard_reports(network: Network, today: dt.date) -> dict:
    """The dashboard's reports: the late, those due soon, and the period totals."""
    base = ProgressReport.objects.for_network(network).select_related("period", "organisation")
    soon = base.open().filter(
        period__due_on__gte=today, period__due_on__lte=today + dt.timedelta(days=SOON_DAYS)
    )
    return {
        "late": list(
            base.late(today).order_by("period__due_on", "organisation__name_th")[:DASHBOARD_ROWS]
        ),
        "soon": list(soon.order_by("period__due_on", "organisation__name_th")[:DASHBOARD_ROWS]),
        "totals": base.aggregate(
            total=Count("id"),
            done=Count("id", filter=Q(status__in=("submitted", "accepted"))),
            waiting=Count("id", filter=Q(status="submitted")),
        ),
    }


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    access = oversight_access(request, slug, "dashboard")
    network = access.network
    today = timezone.localdate()
    return render(
        request,
        "reports/dashboard.html",
        {
            "network": network,
            "access": access,
            "today": today,
            # late, soon, totals
            **_dashboard_reports(network, today),
            "health_chart": sources.health_chart(network),
            # step_chart, progress, activities_soon: steps and activities read once
            **sources.roadmap_summary(network, today=today),
        },
    )


@login_required
def trend(request: HttpRequest, slug: str) -> HttpResponse:
    """The network over its last periods: reports, obstacles, health and progress."""
    access = oversight_access(request, slug, "trend")
    rows = trends.trend_rows(network=access.network)
    return render(
        request,
        "reports/trend.html",
        {
            "network": access.network,
            "access": access,
            "trend": rows,
            "periods": len(rows),
            "trend_chart": trends.trend_chart(rows),
        },
    )
