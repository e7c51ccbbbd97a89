"""What reports' own pages list: the dashboard's reports, the reports list's order,
the schedule page's periods, one's notices, reminder setting and calendar address.

Reads only. Which reports a user may list is a permission (``reports.permissions.
reports_visible``); these take what it allows and shape it for the page.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import translation

from core import compiled
from core.line import line_enabled
from core.notify import delivery_failures, delivery_reach
from network.models import Network, Role
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
# The stand-in report id in the one reverse() of the dashboard's rows.
_URL_PK = 987654321
# The schedule page lists the periods of the last year and those ahead, this many at most.
PERIODS_SHOWN = 60
# The notifications page shows one's latest notices, this many.
NOTICES_SHOWN = 100


_ROW_COLUMNS = ("pk", "organisation__name_th", "organisation__name_en", "period__due_on")


# The dashboard is drawn again each time a report of its network changes (on the
# deadline day, after nearly every submission): its three reads are compiled once per
# process (core.compiled), as the committee report's are.
def _rows(reports: QuerySet[ProgressReport]) -> QuerySet:
    return reports.order_by("period__due_on", "organisation__name_th").values_list(*_ROW_COLUMNS)[
        :DASHBOARD_ROWS
    ]


def _late_query(network_id, today):
    return _rows(ProgressReport.objects.for_network(network_id).late(today))


def _soon_query(network_id, today, last):
    reports = ProgressReport.objects.for_network(network_id).open()
    return _rows(reports.filter(period__due_on__gte=today, period__due_on__lte=last))


def _totals_query(network_id):
    """All of the network's reports, those done and those waiting for a decision: one
    row (none when the network has no report)."""
    submitted, accepted = ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED
    return (
        ProgressReport.objects.for_network(network_id)
        .order_by()
        .values("period__network_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status__in=(submitted, accepted))),
            waiting=Count("id", filter=Q(status=submitted)),
        )
        .values_list("total", "done", "waiting")
    )


def _report_rows(rows, report_url: str) -> list[dict]:
    """The dashboard's list rows: link, organisation name (in the page's language, as
    ``Organisation.name``) and due date, from values (no model instances)."""
    english = not (translation.get_language() or "th").startswith("th")
    head, _pk, tail = report_url.rpartition(str(_URL_PK))
    return [
        {
            "url": f"{head}{pk}{tail}",
            "name": name_en if english and name_en else name_th,
            "due_on": due_on,
        }
        for pk, name_th, name_en, due_on in rows
    ]


def dashboard_reports(*, network: Network, today: dt.date) -> dict:
    """The dashboard's reports: ``late``, ``soon`` (due within two weeks), as rows of
    ``url``, ``name`` and ``due_on``, and the ``totals`` of the network (all, done,
    waiting for a decision). Three queries."""
    # One reverse() for all rows: the report's URL with a stand-in id, the id put in.
    report_url = reverse("reports:report", args=[network.slug, _URL_PK])
    last = today + dt.timedelta(days=SOON_DAYS)
    late = compiled.rows(_late_query, network_id=network.pk, today=today)
    soon = compiled.rows(_soon_query, network_id=network.pk, today=today, last=last)
    totals = next(compiled.rows(_totals_query, network_id=network.pk), (0, 0, 0))
    return {
        "late": _report_rows(late, report_url),
        "soon": _report_rows(soon, report_url),
        "totals": dict(zip(("total", "done", "waiting"), totals, strict=True)),
    }


def dashboard_delivery(*, network: Network, access) -> dict:
    """For coordinators, when LINE is configured: how many of the network's people
    (logins with a role in it) LINE reaches, email only, or neither, and the latest
    LINE pushes that failed. Two queries; empty otherwise."""
    if not (line_enabled() and access.can_manage):
        return {}
    people = get_user_model().objects.filter(
        is_active=True, pk__in=Role.objects.filter(network=network).values("person__user")
    )
    return {"reach": delivery_reach(people), "failures": delivery_failures(people)}


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


def digest_consent(*, user):
    """When the user chose the weekly digest (None when they are not on it)."""
    return (
        ReminderPreference.objects.filter(user=user, mode=ReminderPreference.Mode.DIGEST)
        .values_list("digest_consented_at", flat=True)
        .first()
    )


def calendar_token_get(*, user) -> CalendarToken | None:
    """The user's calendar address, if they made one."""
    return CalendarToken.objects.filter(user=user).first()
