"""The network at a glance: the dashboard and the trend over the last periods.

Both are for coordinators, the chair and the committee (``oversight_access``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from reports.permissions import oversight_access
from reports.selectors.dashboard import dashboard_body
from reports.selectors.pages import dashboard_delivery
from reports.selectors.trend import trend_chart, trend_rows


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
            # counts, late and due soon, the step and health charts: the same for every
            # viewer, drawn once per state of their rows (reports.selectors.dashboard)
            "body": dashboard_body(network=network, today=today),
            "delivery": dashboard_delivery(network=network, access=access),
        },
    )


@login_required
def trend(request: HttpRequest, slug: str) -> HttpResponse:
    """The network over its last periods: reports, obstacles, health and progress."""
    access = oversight_access(request, slug, "trend")
    rows = trend_rows(network=access.network)
    return render(
        request,
        "reports/trend.html",
        {
            "network": access.network,
            "access": access,
            "trend": rows,
            "periods": len(rows),
            "trend_chart": trend_chart(rows),
        },
    )
