"""The reminder plan: the rows of the dispatch table that have fallen due.

When a reminder falls due depends only on the schedule and the period's due date, so
the timing (send time, quiet hours, Bangkok time) is worked out in Python once per
period (``_plan_items``); who gets it and for which open report is a join the
database does. The unique constraint (report, kind, recipient) makes each row exist
once however many sweeps run at once; reports.services.reminders claims and sends them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.db import connection
from django.utils import timezone

from network.models import Network, Person, Role
from reports import periods as P
from reports.models import (
    REMINDER_UNIQUE,
    ProgressReport,
    Reminder,
    ReportingPeriod,
    ReportingSchedule,
)

# How far back the sweep still plans reminders for open reports.
PLAN_HORIZON_DAYS = 45
# One planned kind for one period: every open report of the period gets it, for the
# people the kind goes to. (period id, network id, kind, due at, role) where role is
# None for the organisation's own representatives, or the role of the network's people
# an escalation goes to (its coordinators, its chair).
PlanItem = tuple[int, int, str, dt.datetime, str | None]
KindDue = tuple[str, dt.datetime, str | None]
# Periods per INSERT … SELECT; the rows one statement inserts stay in the database.
PLAN_PERIODS_PER_STATEMENT = 500
# Reports per chunk of the portable path: what it holds in memory at once.
PLAN_REPORTS_PER_CHUNK = 5000


def reminders_plan(*, now: dt.datetime | None = None) -> int:
    """Create the reminder rows that have fallen due (idempotent); returns rows inserted
    (on the portable path: attempted; a concurrent sweep may have won some of them).

    On PostgreSQL that is one INSERT … SELECT … ON CONFLICT DO NOTHING per few hundred
    periods: no reminder is built in Python, and memory does not grow with the number
    of reports. Elsewhere (SQLite) the same plan is applied to the reports in chunks
    of ``PLAN_REPORTS_PER_CHUNK``.
    """
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return reminders_plan_sql(now=now)
    return reminders_plan_chunked(now=now)


def _planned_periods(today: dt.date):
    """Periods whose open reports may still get reminders: the network has a confirmed
    schedule, is not dissolved, and the due date is within the plan horizon."""
    return ReportingPeriod.objects.filter(
        network__reporting_schedule__status=ReportingSchedule.Status.CONFIRMED,
        due_on__gte=today - dt.timedelta(days=PLAN_HORIZON_DAYS),
        # Periods made ahead for the calendar have no reports until they start.
        starts_on__lte=today,
    ).exclude(network__status=Network.Status.DISSOLVED)


def _plan_items(now: dt.datetime) -> list[PlanItem]:
    """Every (period, kind) due by ``now``, with its due time; one entry per period and
    kind, however many reports the period has."""
    today = timezone.localdate(now)
    periods = list(_planned_periods(today).values_list("id", "network_id", "due_on"))
    schedules = {
        s.network_id: s
        for s in ReportingSchedule.objects.filter(network_id__in={n for _p, n, _d in periods})
    }
    return [
        (period_id, network_id, kind, when, role)
        for period_id, network_id, due in periods
        for kind, when, role in kinds_due(schedules[network_id], due, now, today)
    ]


def _partner_kinds(
    s: ReportingSchedule, due: dt.date, today: dt.date, at: Callable[[dt.date], dt.datetime]
) -> Iterator[KindDue]:
    """The organisation's own reminders: days before, on the day, days after."""
    if today < due:
        for days in s.remind_days_before or []:
            yield f"before:{int(days)}", at(due - dt.timedelta(days=int(days))), None
    if s.remind_on_due_day and today == due:
        yield "due", at(due), None
    for days in s.remind_days_after or []:
        yield f"after:{int(days)}", at(due + dt.timedelta(days=int(days))), None


def _escalations(
    s: ReportingSchedule, due: dt.date, at: Callable[[dt.date], dt.datetime]
) -> Iterator[KindDue]:
    """A report still missing reaches the coordinators, then the committee chair."""
    if s.escalate_after_days:
        yield (
            "escalation",
            at(due + dt.timedelta(days=s.escalate_after_days)),
            Role.Kind.COORDINATOR.value,
        )
    if s.escalate_chair_after_days:
        yield (
            "escalation_chair",
            at(due + dt.timedelta(days=s.escalate_chair_after_days)),
            Role.Kind.CHAIR.value,
        )


def kinds_due(
    s: ReportingSchedule, due: dt.date, now: dt.datetime, today: dt.date
) -> Iterator[KindDue]:
    """(kind, due_at, role) for every reminder of one report due by ``now``: role None for
    the organisation's representatives, else the role of the network's people told."""

    def at(day: dt.date) -> dt.datetime:
        # A reminder that falls in quiet hours waits until they end.
        return P.after_quiet_hours(P.at_local(day, s.send_time), s.quiet_start, s.quiet_end)

    for kind, when, role in (*_partner_kinds(s, due, today, at), *_escalations(s, due, at)):
        if when <= now:
            yield kind, when, role


def reminders_plan_sql(*, now: dt.datetime) -> int:
    """PostgreSQL: the plan joined with open reports and recipients, inserted set-based.

    The recipients are the same as on the portable path: for a report's reminders,
    every user who speaks for the report's organisation in the network (its partner
    representatives and the coordinators among its people); for an escalation, the
    network's people of the plan's role (its coordinators; its chair for the second
    level). NOT EXISTS skips what is there (no sequence values spent on the next sweep,
    which finds everything planned); ON CONFLICT settles a race with a concurrent sweep.
    """
    items = _plan_items(now)
    qn = connection.ops.quote_name
    report, person = qn(ProgressReport._meta.db_table), qn(Person._meta.db_table)
    role, reminder = qn(Role._meta.db_table), qn(Reminder._meta.db_table)
    # Only quoted table and constraint names are formatted in; every value is a parameter.
    sql = f"""
        WITH plan (period_id, network_id, kind, due_at, role) AS (
            SELECT * FROM unnest(
                %(period)s::bigint[], %(network)s::bigint[], %(kind)s::text[],
                %(due_at)s::timestamptz[], %(role)s::text[]
            )
        ), wanted AS (
            SELECT r.id AS report_id, plan.kind, p.user_id, plan.due_at
            FROM plan
            JOIN {report} r ON r.period_id = plan.period_id
            JOIN {person} p ON p.organisation_id = r.organisation_id
            JOIN {role} ro ON ro.person_id = p.id AND ro.network_id = plan.network_id
            WHERE plan.role IS NULL
              AND ro.kind = ANY(%(speaking)s::text[])
              AND r.status = ANY(%(open)s::text[])
              AND p.user_id IS NOT NULL
            UNION
            SELECT r.id AS report_id, plan.kind, p.user_id, plan.due_at
            FROM plan
            JOIN {report} r ON r.period_id = plan.period_id
            JOIN {role} ro ON ro.network_id = plan.network_id
            JOIN {person} p ON p.id = ro.person_id
            WHERE ro.kind = plan.role
              AND r.status = ANY(%(open)s::text[])
              AND p.user_id IS NOT NULL
        )
        INSERT INTO {reminder} (
            report_id, kind, recipient_id, due_at, status, skip_reason, claim_token,
            attempts, created_at
        )
        SELECT w.report_id, w.kind, w.user_id, w.due_at, %(pending)s, '', '', 0, %(created)s
        FROM wanted w
        WHERE NOT EXISTS (
            SELECT 1 FROM {reminder} m
            WHERE m.report_id = w.report_id AND m.kind = w.kind AND m.recipient_id = w.user_id
        )
        ON CONFLICT ON CONSTRAINT {qn(REMINDER_UNIQUE)} DO NOTHING
    """  # noqa: S608
    fixed = {
        "speaking": [str(kind) for kind in Role.SPEAKING_KINDS],
        "open": [ProgressReport.Status.DRAFT.value, ProgressReport.Status.RETURNED.value],
        "pending": Reminder.Status.PENDING.value,
    }
    inserted = 0
    for start in range(0, len(items), PLAN_PERIODS_PER_STATEMENT):
        chunk = items[start : start + PLAN_PERIODS_PER_STATEMENT]
        params = fixed | {
            "period": [i[0] for i in chunk],
            "network": [i[1] for i in chunk],
            "kind": [i[2] for i in chunk],
            "due_at": [i[3] for i in chunk],
            "role": [i[4] for i in chunk],
            "created": timezone.now(),
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted += max(cursor.rowcount, 0)
    return inserted


def _overseers(by_period: dict[int, list[PlanItem]]) -> dict[tuple[int, str], set[int]]:
    """The network's people an escalation goes to, by (network, role)."""
    items = [item for plan in by_period.values() for item in plan]
    overseers: dict[tuple[int, str], set[int]] = defaultdict(set)
    for network_id, role, user_id in Role.objects.filter(
        network_id__in={item[1] for item in items},
        kind__in={item[4] for item in items if item[4]},
        person__user__isnull=False,
    ).values_list("network_id", "kind", "person__user_id"):
        overseers[(network_id, role)].add(user_id)
    return overseers


def _reporters(page, network_of: dict[int, int]) -> dict[tuple[int, int], set[int]]:
    """The people who speak for each organisation of the page, by (network, organisation)."""
    reporters: dict[tuple[int, int], set[int]] = defaultdict(set)
    for network_id, org_id, user_id in (
        Role.objects.speaking_for()
        .filter(
            network_id__in={network_of[p] for _r, _o, p in page},
            person__organisation_id__in={o for _r, o, _p in page},
            person__user__isnull=False,
        )
        .values_list("network_id", "person__organisation_id", "person__user_id")
    ):
        reporters[(network_id, org_id)].add(user_id)
    return reporters


def _plan_page(page, by_period, overseers, network_of) -> list[Reminder]:
    """The missing rows of one page of open reports (id, organisation, period)."""
    reporters = _reporters(page, network_of)
    # Reading what exists is far cheaper than re-inserting it every 15 minutes; the
    # unique constraint still settles any race with a concurrent sweep.
    existing = set(
        Reminder.objects.filter(report_id__in=[r for r, _o, _p in page]).values_list(
            "report_id", "kind", "recipient_id"
        )
    )
    batch: list[Reminder] = []
    for report_id, org_id, period_id in page:
        for _p, network_id, kind, when, role in by_period[period_id]:
            people = overseers[(network_id, role)] if role else reporters[(network_id, org_id)]
            batch.extend(
                Reminder(report_id=report_id, kind=kind, recipient_id=uid, due_at=when)
                for uid in people
                if (report_id, kind, uid) not in existing
            )
    return batch


def reminders_plan_chunked(*, now: dt.datetime, chunk: int = PLAN_REPORTS_PER_CHUNK) -> int:
    """Any database: the same plan applied to the open reports ``chunk`` at a time (by
    id), so memory is bounded by the chunk, not by how many reports fell due."""
    by_period: dict[int, list[PlanItem]] = defaultdict(list)
    for item in _plan_items(now):
        by_period[item[0]].append(item)
    if not by_period:
        return 0
    network_of = {items[0][0]: items[0][1] for items in by_period.values()}
    overseers = _overseers(by_period)
    # The same periods as the plan, as a subquery (no long list of ids in the SQL).
    candidates = ProgressReport.objects.open().filter(
        period__in=_planned_periods(timezone.localdate(now)).values("id")
    )
    offered = 0
    last_id = 0
    while True:
        page = list(
            candidates.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", "organisation_id", "period_id")[:chunk]
        )
        if not page:
            break
        last_id = page[-1][0]
        page = [row for row in page if row[2] in by_period]  # a period with nothing due
        if not page:
            continue
        batch = _plan_page(page, by_period, overseers, network_of)
        Reminder.objects.bulk_create(batch, ignore_conflicts=True, batch_size=1000)
        offered += len(batch)
    return offered
