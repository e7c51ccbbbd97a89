"""What reports' own pages list: the dashboard's reports, the reports list's order,
the schedule page's periods, one's notices, reminder setting and calendar address.

Reads only. Which reports a user may list is a permission (``reports.permissions.
reports_visible``); these take what it allows and shape it for the page.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from network.models import Network
from reports.models import (
    CalendarToken,
    Notification,
    ProgressReport,
    ReminderPreference,
    ReportingPeriod,
)

# Each of the dashboard's lists shows this many reports; the reports list has the rest.
DASHBOARD_ROWS = 50
# "Due soon": due within this many days.
SOON_DAYS = 14
# The schedule page lists the periods of the last year and those ahead, this many at most.
PERIODS_SHOWN = 60
# The notifications page shows one's latest notices, this many.
NOTICES_SHOWN = 100


def dashboard_reports(*, network: Network, today: dt.date) -> dict:
    """The dashboard's reports: ``late``, ``soon`` (due within two weeks) and the
    ``totals`` of the network (all, done, waiting for a decision). Three queries."""
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


def report_list(*, reports: QuerySet[ProgressReport], status: str = "") -> QuerySet:
    """The reports list: newest period first, then by organisation; the id last, a
    stable order, so paging shows no report on two pages or on none."""
    if status:
        reports = reports.filter(status=status)
    return reports.select_related("period", "organisation").order_by(
        "-period__starts_on", "organisation__name_th", "id"
    )


def periods_recent(*, network: Network, today: dt.date) -> QuerySet[ReportingPeriod]:
    """The schedule page's periods: those that ended within the last year and those
    ahead, with how many reports each has."""
    return (
        ReportingPeriod.objects.filter(network=network, ends_on__gte=today - dt.timedelta(days=365))
        .annotate(report_count=Count("reports"))
        .order_by("starts_on")[:PERIODS_SHOWN]
    )


def notification_list(*, user) -> list[Notification]:
    """The user's latest notices, newest first."""
    return list(
        Notification.objects.filter(user=user).select_related(
            "network", "report__period", "report__organisation"
        )[:NOTICES_SHOWN]
    )


def reminder_mode(*, user) -> str:
    """How the user wants reminder emails ("all" until they choose)."""
    current = ReminderPreference.objects.filter(user=user).first()
    return current.mode if current else "all"


def calendar_token_get(*, user) -> CalendarToken | None:
    """The user's calendar address, if they made one."""
    return CalendarToken.objects.filter(user=user).first()
