"""Every write reports makes: schedules, periods, reports, reminders, notices, committee PDFs.

Delivery discipline for reminder emails (documented choice):

* The sweep *creates* reminder rows; the unique constraint (report, kind,
  recipient) makes each exist once however many sweeps run at once.
* A worker *claims* a row with a conditional UPDATE (claimed_at NULL or stale),
  committed on its own, so two workers never both hold it.
* Inside one transaction the worker locks the row (SELECT … FOR UPDATE), checks
  its claim token, writes ``sent_at``, and only then hands the email to the mail
  backend; COMMIT follows. A worker that dies before COMMIT leaves no ``sent_at``:
  the claim goes stale (REPORTS_CLAIM_STALE_SECONDS) and the next sweep sends it,
  so nothing is lost. A row with ``sent_at`` is never sent again.
* The choice: at-least-once for one window only — a crash after the mail server
  accepted the message and before the COMMIT round trip completes (about a
  millisecond). There the message would go again after the stale timeout. The
  alternative (commit ``sent_at`` first, then send) is at-most-once and would
  silently lose every reminder whose worker dies during the much longer SMTP
  conversation; a lost due-date reminder costs more than a rare duplicate.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import email_send
from network.models import Membership, Network, Person, Role

from . import periods as P
from . import reminding, schedules, sources
from .models import (
    REMINDER_UNIQUE,
    CalendarToken,
    CommitteeReport,
    DigestDispatch,
    Notification,
    ProgressReport,
    Reminder,
    ReminderPreference,
    ReportingPeriod,
    ReportingSchedule,
    ReportNarrative,
)

log = logging.getLogger(__name__)

# Kinds a person may opt out of or take as a digest; the rest always arrive.
NON_ESSENTIAL = frozenset({"before"})
# Reminder kinds counted by the weekly cap (decisions and escalations are not capped).
CAPPED = frozenset({"before", "due", "after"})
# Reminders about an open report; once it is submitted they are moot.
ABOUT_OPEN_REPORT = frozenset(
    {"before", "due", "after", "escalation", "escalation_chair", "manual"}
)
# How far back the sweep still plans reminders for open reports.
PLAN_HORIZON_DAYS = 45


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "REPORTS_CLAIM_STALE_SECONDS", 600))


def _offer_again_after() -> dt.timedelta:
    """An offer the broker lost (e.g. Redis restarted empty) is repeated after this."""
    return dt.timedelta(seconds=getattr(settings, "REPORTS_OFFER_STALE_SECONDS", 1800))


# --- schedules ----------------------------------------------------------------------
def schedule_for(*, network: Network) -> ReportingSchedule:
    """The network's schedule, or an unsaved default one to start the form from."""
    schedule = ReportingSchedule.objects.filter(network=network).first()
    if schedule is None:
        schedule = ReportingSchedule(
            network=network, starts_on=network.founded_on or timezone.localdate()
        )
    return schedule


def schedule_save(*, network: Network, values: dict, raw: dict, user) -> schedules.Submitted:
    """Save (and confirm) the schedule the coordinator filled in; a change that moves
    or replaces periods waits for its preview (reports.schedules)."""
    return schedules.schedule_submit(network=network, values=values, raw=raw, user=user)


@transaction.atomic
def schedule_propose_from_agreement(*, network: Network) -> ReportingSchedule | None:
    """Read how often partners report from the signed agreement (IV-C/IV-D).

    The result is a *proposed* schedule: nothing opens until the coordinator
    confirms it. A confirmed schedule is never overwritten by a proposal.
    """
    # IV-D (reporting) says how often partners report; IV-C (monitoring) only when
    # IV-D does not ("ติดตามผลทุกภาคเรียน … รายงานผลประจำปี" is a yearly report).
    readings = (
        (section, P.frequency_reading(text))
        for section, text in zip(("IV-D", "IV-C"), schedules.agreement_texts(network), strict=True)
    )
    section, found = next(((s, r) for s, r in readings if r is not None), ("", None))
    if found is None:
        return None
    schedule = schedule_for(network=network)
    if schedule.pk and schedule.is_confirmed:
        return schedule
    schedule.frequency = found.frequency
    # The section and the sentence, as written: the page quotes them back
    # ("เสนอจากข้อตกลง หมวด IV-D: «…»") so the coordinator checks the reading.
    schedule.proposed_from = f"{section}: «{found.clause}»"
    schedule.status = ReportingSchedule.Status.PROPOSED
    schedule.save()
    return schedule


def schedules_propose_missing() -> int:
    """Propose a schedule for every active network that has none, from its agreement."""
    proposed = 0
    for network in Network.objects.active().filter(reporting_schedule__isnull=True):
        if schedule_propose_from_agreement(network=network) is not None:
            proposed += 1
    return proposed


# --- periods ------------------------------------------------------------------------
def periods_open(*, today: dt.date | None = None) -> int:
    """Make every confirmed schedule's missing periods (a year ahead) and open the
    reports of those that have started; returns reports created.

    Idempotent: the planner adds only what is missing, under each schedule's row lock.
    """
    today = today or timezone.localdate()
    created = 0
    confirmed = ReportingSchedule.objects.filter(status=ReportingSchedule.Status.CONFIRMED).exclude(
        network__status=Network.Status.DISSOLVED
    )
    for schedule in confirmed.select_related("network"):
        created += period_open_for(schedule=schedule, today=today)
    return created


def period_open_for(*, schedule: ReportingSchedule, today: dt.date) -> int:
    plan = schedules.periods_generate(schedule=schedule, today=today)
    return plan.reports_opened if plan else 0


# --- writing and reviewing reports ----------------------------------------------------
class ReportLocked(Exception):
    """The report is submitted or accepted: read-only."""


def report_subjects(*, report: ProgressReport) -> list[sources.Subject]:
    """The steps of the roadmap and the activities this organisation owns."""
    network = report.period.network
    return sources.steps(network) + sources.activities(network, [report.organisation_id])


@transaction.atomic
def report_save(
    *,
    report: ProgressReport,
    user,
    problems: str,
    help_needed: str,
    narratives: dict[tuple[str, int], str],
    submit: bool,
) -> ProgressReport:
    """Save the partner's draft; with ``submit``, hand it in (then it is read-only)."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ReportLocked
    report.problems = problems
    report.help_needed = help_needed
    titles = {(s.kind, s.id): s.title for s in report_subjects(report=report)}
    for (kind, subject_id), text in narratives.items():
        if (kind, subject_id) not in titles:
            continue  # not a subject of this report: ignore rather than store
        ReportNarrative.objects.update_or_create(
            report=report,
            subject_kind=kind,
            subject_id=subject_id,
            defaults={"text": text, "title": titles[(kind, subject_id)][:300]},
        )
    if submit:
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = user
    report.save()
    if submit:
        _notice_rows(
            report=report,
            kind=f"submitted:{report.review_round + 1}",
            recipients=_coordinator_ids(report.period.network_id),
        )
    return report


@transaction.atomic
def report_review(*, report: ProgressReport, user, accept: bool, comment: str) -> ProgressReport:
    """Accept a submitted report, or return it with a comment; the partner is told."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ProgressReport.Status.SUBMITTED:
        raise ReportLocked
    report.review_round += 1
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    report.review_comment = comment
    report.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
    report.save()
    kind = f"{'accepted' if accept else 'returned'}:{report.review_round}"
    _notice_rows(
        report=report,
        kind=kind,
        recipients=_reporter_ids(report.period.network_id, report.organisation_id),
    )
    return report


def activity_report_reason(*, activity) -> str | None:
    """Why an activity must stay: a sent (submitted or accepted) progress report
    includes its progress updates. Reports read the updates live, so deleting the
    activity would change a report already sent. None when no such report exists."""
    rows = sources.activity_update_days(activity)
    if not rows:
        return None
    reports = ProgressReport.objects.filter(
        period__network_id=activity.step.network_id,
        organisation_id__in={organisation for organisation, _day in rows},
    )
    if connection.in_atomic_block:
        # Inside the deletion: lock the reports of every status, so that a report
        # being submitted waits for the deletion (and then no longer includes the
        # updates), and a deletion waits for a submission in progress (and then
        # sees it sent). report_save locks its report row the same way.
        reports = reports.select_for_update(of=("self",))
    sent = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)
    for report in reports.select_related("period", "organisation").order_by(
        "period__starts_on", "id"
    ):
        period = report.period
        if report.status not in sent:
            continue
        if any(
            organisation == report.organisation_id and period.starts_on <= day <= period.ends_on
            for organisation, day in rows
        ):
            return _(
                "The progress report of %(organisation)s for %(period)s has been sent and "
                "includes this activity's progress updates, so the activity stays. "
                "Change its status instead."
            ) % {"organisation": report.organisation.name, "period": period.label}
    return None


def _notice_rows(*, report: ProgressReport, kind: str, recipients: Iterable[int]) -> None:
    """Decision notices go through the same dispatch table as reminders."""
    now = timezone.now()
    rows = [
        Reminder(report=report, kind=kind, recipient_id=uid, due_at=now) for uid in set(recipients)
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        Reminder.objects.filter(
            report=report, kind=kind, status=Reminder.Status.PENDING
        ).values_list("id", flat=True)
    )
    from . import tasks

    for reminder_id in ids:
        # After commit, and a broker that is down never fails the request: the
        # row is in the database and the next sweep sends it.
        from core.tasks import enqueue

        enqueue(tasks.reminder_send, reminder_id)


def _coordinator_ids(network_id: int) -> list[int]:
    return list(
        Role.objects.coordinators()
        .filter(network_id=network_id, person__user__isnull=False)
        .values_list("person__user_id", flat=True)
    )


def _reporter_ids(network_id: int, organisation_id: int) -> list[int]:
    """The people who speak for this organisation in this network."""
    return list(
        Role.objects.speaking_for()
        .filter(
            network_id=network_id,
            person__organisation_id=organisation_id,
            person__user__isnull=False,
        )
        .values_list("person__user_id", flat=True)
        .distinct()
    )


# --- the reminder sweep -----------------------------------------------------------------
# One planned kind for one period: every open report of the period gets it, for the
# people the kind goes to. (period id, network id, kind, due at, role) where role is
# None for the organisation's own representatives, or the role of the network's people
# an escalation goes to (its coordinators, its chair).
PlanItem = tuple[int, int, str, dt.datetime, str | None]
# Periods per INSERT … SELECT; the rows one statement inserts stay in the database.
PLAN_PERIODS_PER_STATEMENT = 500
# Reports per chunk of the portable path: what it holds in memory at once.
PLAN_REPORTS_PER_CHUNK = 5000


def reminders_plan(*, now: dt.datetime | None = None) -> int:
    """Create the reminder rows that have fallen due (idempotent); returns rows inserted
    (on the portable path: attempted; a concurrent sweep may have won some of them).

    When a reminder falls due depends only on the schedule and the period's due date,
    so the timing (send time, quiet hours, Bangkok time) is worked out in Python once
    per period (``_plan_items``); who gets it and for which open report is a join the
    database does. On PostgreSQL that is one INSERT … SELECT … ON CONFLICT DO NOTHING
    per few hundred periods: no reminder is built in Python, and memory does not grow
    with the number of reports. Elsewhere (SQLite) the same plan is applied to the
    reports in chunks of ``PLAN_REPORTS_PER_CHUNK``.
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
        for kind, when, role in _kinds_due(schedules[network_id], due, now, today)
    ]


def reminders_plan_sql(*, now: dt.datetime) -> int:
    """PostgreSQL: the plan joined with open reports and recipients, inserted set-based.

    The recipients are the same as on the portable path: for a report's reminders,
    every user who is a partner representative or coordinator of the network through a
    person of the report's organisation; for an escalation, the network's people of
    the plan's role (its coordinators; its chair for the second level).
    NOT EXISTS skips what is there (no sequence values spent on the next sweep, which
    finds everything planned); ON CONFLICT settles a race with a concurrent sweep.
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
              AND ro.kind IN (%(partner_rep)s, %(coordinator)s)
              AND r.status IN (%(draft)s, %(returned)s)
              AND p.user_id IS NOT NULL
            UNION
            SELECT r.id AS report_id, plan.kind, p.user_id, plan.due_at
            FROM plan
            JOIN {report} r ON r.period_id = plan.period_id
            JOIN {role} ro ON ro.network_id = plan.network_id
            JOIN {person} p ON p.id = ro.person_id
            WHERE ro.kind = plan.role
              AND r.status IN (%(draft)s, %(returned)s)
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
        "partner_rep": Role.Kind.PARTNER_REP.value,
        "coordinator": Role.Kind.COORDINATOR.value,
        "draft": ProgressReport.Status.DRAFT.value,
        "returned": ProgressReport.Status.RETURNED.value,
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


def reminders_plan_chunked(*, now: dt.datetime, chunk: int = PLAN_REPORTS_PER_CHUNK) -> int:
    """Any database: the same plan applied to the open reports ``chunk`` at a time (by
    id), so memory is bounded by the chunk, not by how many reports fell due."""
    by_period: dict[int, list[PlanItem]] = defaultdict(list)
    for item in _plan_items(now):
        by_period[item[0]].append(item)
    if not by_period:
        return 0
    today = timezone.localdate(now)
    network_of = {items[0][0]: items[0][1] for items in by_period.values()}
    # The network's people an escalation goes to, by (network, role).
    overseers: dict[tuple[int, str], set[int]] = defaultdict(set)
    for network_id, role, user_id in Role.objects.filter(
        network_id__in=set(network_of.values()),
        kind__in={item[4] for items in by_period.values() for item in items if item[4]},
        person__user__isnull=False,
    ).values_list("network_id", "kind", "person__user_id"):
        overseers[(network_id, role)].add(user_id)
    # The same periods as the plan, as a subquery (no long list of ids in the SQL).
    candidates = ProgressReport.objects.open().filter(
        period__in=_planned_periods(today).values("id")
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
                for uid in people:
                    if (report_id, kind, uid) not in existing:
                        batch.append(
                            Reminder(report_id=report_id, kind=kind, recipient_id=uid, due_at=when)
                        )
        Reminder.objects.bulk_create(batch, ignore_conflicts=True, batch_size=1000)
        offered += len(batch)
    return offered


def _kinds_due(s: ReportingSchedule, due: dt.date, now: dt.datetime, today: dt.date):
    """(kind, due_at, role) for every reminder of one report due by ``now``: role None for
    the organisation's representatives, else the role of the network's people told."""

    def at(day: dt.date) -> dt.datetime:
        # A reminder that falls in quiet hours waits until they end.
        return P.after_quiet_hours(P.at_local(day, s.send_time), s.quiet_start, s.quiet_end)

    if today < due:
        for days in s.remind_days_before or []:
            when = at(due - dt.timedelta(days=int(days)))
            if when <= now:
                yield f"before:{int(days)}", when, None
    if s.remind_on_due_day and today == due:
        when = at(due)
        if when <= now:
            yield "due", when, None
    for days in s.remind_days_after or []:
        when = at(due + dt.timedelta(days=int(days)))
        if when <= now:
            yield f"after:{int(days)}", when, None
    if s.escalate_after_days:
        when = at(due + dt.timedelta(days=s.escalate_after_days))
        if when <= now:
            yield "escalation", when, Role.Kind.COORDINATOR.value
    # The second level: a report still missing reaches the committee chair.
    if s.escalate_chair_after_days:
        when = at(due + dt.timedelta(days=s.escalate_chair_after_days))
        if when <= now:
            yield "escalation_chair", when, Role.Kind.CHAIR.value


def reminders_due_ids(*, now: dt.datetime | None = None, limit: int | None = None) -> list[int]:
    """Offer the rows that are due and not held: never claimed (or claimed by a worker
    that died), and not already offered recently. Marks them offered."""
    now = now or timezone.now()
    stale = now - _stale_after()
    rows = (
        Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(Q(offered_at__isnull=True) | Q(offered_at__lt=now - _offer_again_after()))
        .order_by("due_at", "id")
        .values_list("id", flat=True)
    )
    ids = list(rows[:limit] if limit else rows)
    for start in range(0, len(ids), 5000):
        Reminder.objects.filter(id__in=ids[start : start + 5000]).update(offered_at=now)
    return ids


def reminders_unoffer(*, ids: list[int]) -> None:
    """The broker refused these: let the very next sweep offer them again."""
    for start in range(0, len(ids), 5000):
        Reminder.objects.filter(id__in=ids[start : start + 5000]).update(offered_at=None)


def reminder_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """The 15-minute sweep: plan what fell due, return the ids to send."""
    now = now or timezone.now()
    reminders_plan(now=now)
    return reminders_due_ids(now=now)


def reminder_claim(*, reminder_id: int, now: dt.datetime | None = None) -> str | None:
    """A conditional UPDATE: the claim token when this worker now holds the row."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    won = (
        Reminder.objects.filter(
            id=reminder_id, status=Reminder.Status.PENDING, sent_at__isnull=True, due_at__lte=now
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _stale_after()))
        .update(claimed_at=now, claim_token=token, attempts=F("attempts") + 1)
    )
    return token if won else None


def reminder_send(*, reminder_id: int, now: dt.datetime | None = None) -> str:
    """Claim one row and deliver it (email + in-app notice); safe to run twice.

    Returns what happened: sent, skipped:<reason>, digest, quiet, or not-mine.
    """
    now = now or timezone.now()
    token = reminder_claim(reminder_id=reminder_id, now=now)
    if token is None:
        return "not-mine"
    try:
        return _send_claimed(reminder_id, token, now)
    except Exception:
        # Rolled back (e.g. "database is locked", the mail server down): nothing was
        # recorded, so give the claim back at once and let the task retry in seconds,
        # rather than leave the row held until the claim and the offer go stale.
        reminder_release(reminder_id=reminder_id, token=token)
        raise


def reminder_release(*, reminder_id: int, token: str) -> bool:
    """Give back a claim this worker holds on an unsent row; True when it did."""
    return bool(
        Reminder.objects.filter(id=reminder_id, claim_token=token, sent_at__isnull=True).update(
            claimed_at=None, claim_token=""
        )
    )


def _send_claimed(reminder_id: int, token: str, now: dt.datetime) -> str:
    with transaction.atomic():
        # One query for the row (locked alone) and everything the decision reads.
        row = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related(
                "report__period__network__reporting_schedule",
                "report__organisation",
                "recipient__reminder_preference",
            )
            .get(id=reminder_id)
        )
        if row.claim_token != token or row.sent_at is not None:
            return "not-mine"  # our claim went stale and another worker took over
        if row.base_kind in CAPPED:
            # Serialise capped sends per recipient so the weekly cap cannot be raced past.
            get_user_model().objects.select_for_update().filter(id=row.recipient_id).first()
        outcome = _deliver(row, now)
    return outcome


def _deliver(row: Reminder, now: dt.datetime) -> str:
    report = row.report
    network = report.period.network
    schedule = getattr(network, "reporting_schedule", None)
    base = row.base_kind
    if schedule and base in ABOUT_OPEN_REPORT:
        if not report.is_editable:
            return _finish(row, now, Reminder.Status.SKIPPED, "submitted")
        if P.in_quiet_hours(now, schedule.quiet_start, schedule.quiet_end):
            # Caught up during quiet hours (e.g. after an outage): wait for the morning.
            row.due_at = P.after_quiet_hours(now, schedule.quiet_start, schedule.quiet_end)
            row.claimed_at = None
            row.claim_token = ""
            row.save(update_fields=["due_at", "claimed_at", "claim_token"])
            return "quiet"
        if reminding.superseded(row, now):
            # Caught up late: a later reminder (due today, overdue) says it better.
            return _finish(row, now, Reminder.Status.SKIPPED, "superseded")
    pref = getattr(row.recipient, "reminder_preference", None)
    mode = pref.mode if pref else ReminderPreference.Mode.ALL
    _notice(row, network, now)
    if base in NON_ESSENTIAL and mode == ReminderPreference.Mode.ESSENTIAL:
        return _finish(row, now, Reminder.Status.SKIPPED, "opted_out")
    if base in NON_ESSENTIAL and mode == ReminderPreference.Mode.DIGEST:
        return _finish(row, now, Reminder.Status.DIGEST, "")
    if schedule and base in CAPPED:
        week = Reminder.objects.filter(
            recipient_id=row.recipient_id,
            status=Reminder.Status.SENT,
            sent_at__gte=now - dt.timedelta(days=7),
            kind__regex=r"^(before|due|after)",
        ).count()
        if week >= schedule.weekly_cap:
            return _finish(row, now, Reminder.Status.SKIPPED, "weekly_cap")
    # sent_at is written first, in the transaction that holds the row lock; the email
    # is handed over last, so only the COMMIT separates "handed over" from "recorded".
    # If the hand-over raises, the transaction rolls back and the row stays due.
    row.sent_at = now
    row.status = Reminder.Status.SENT
    row.save(update_fields=["sent_at", "status"])
    _email(row, report, network, now)
    return "sent"


def _finish(row: Reminder, now: dt.datetime, status: str, reason: str) -> str:
    row.status = status
    row.skip_reason = reason
    row.save(update_fields=["status", "skip_reason"])
    return f"skipped:{reason}" if status == Reminder.Status.SKIPPED else status


def _notice(row: Reminder, network: Network, now: dt.datetime) -> None:
    """The in-app notice; its one-to-one link to the reminder makes it exist once.
    Its kind is what the reminder says when sent (a late "before" says "overdue")."""
    Notification.objects.bulk_create(
        [
            Notification(
                reminder=row,
                user_id=row.recipient_id,
                network=network,
                report=row.report,
                kind=reminding.wording(
                    kind=row.base_kind, due=row.report.period.due_on, now=now
                ).kind,
                comment=row.report.review_comment if row.base_kind == "returned" else "",
            )
        ],
        ignore_conflicts=True,
    )


def report_url(report: ProgressReport) -> str:
    return settings.SITE_URL + reverse(
        "reports:report", args=[report.period.network.slug, report.pk]
    )


def _email(row: Reminder, report: ProgressReport, network: Network, now: dt.datetime) -> None:
    user = row.recipient
    # The words come from the days left (or late) now, not from the planned kind.
    words = reminding.wording(kind=row.base_kind, due=report.period.due_on, now=now)
    email_send(
        template="reports_reminder",
        to=[user.email],
        language=user.language,
        context={
            "kind": words.kind,
            "days": words.days,
            "report": report,
            "period": report.period,
            "network": network,
            "organisation": report.organisation,
            "recipient": user,
            "url": report_url(report),
            "comment": report.review_comment,
        },
    )


# --- weekly digest ------------------------------------------------------------------------
def digests_plan(*, now: dt.datetime | None = None) -> list[int]:
    """On Mondays from 08:00 (Bangkok), one digest row per person with waiting items."""
    now = now or timezone.now()
    local = now.astimezone(P.BANGKOK)
    if local.weekday() != 0 or local.hour < 8:
        return []
    week_of = local.date()
    users = set(
        Reminder.objects.filter(status=Reminder.Status.DIGEST).values_list(
            "recipient_id", flat=True
        )
    )
    DigestDispatch.objects.bulk_create(
        [DigestDispatch(user_id=u, week_of=week_of) for u in users], ignore_conflicts=True
    )
    return list(
        DigestDispatch.objects.filter(week_of=week_of, sent_at__isnull=True).values_list(
            "id", flat=True
        )
    )


def digest_send(*, digest_id: int, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    token = secrets.token_hex(16)
    won = (
        DigestDispatch.objects.filter(id=digest_id, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _stale_after()))
        .update(claimed_at=now, claim_token=token)
    )
    if not won:
        return "not-mine"
    with transaction.atomic():
        digest = DigestDispatch.objects.select_for_update().select_related("user").get(id=digest_id)
        if digest.claim_token != token or digest.sent_at:
            return "not-mine"
        items = list(
            Reminder.objects.select_for_update()
            .filter(recipient=digest.user, status=Reminder.Status.DIGEST)
            .select_related("report__period__network", "report__organisation")
        )
        # Several waiting reminders may be about one report ("before:7" and "before:1"):
        # the digest lists each open report once, and counts reports.
        open_items = list({r.report_id: r for r in items if r.report.is_editable}.values())
        open_items.sort(key=lambda r: (r.report.period.due_on, r.report.organisation.name))
        if open_items:
            email_send(
                template="reports_digest",
                to=[digest.user.email],
                language=digest.user.language,
                context={
                    "recipient": digest.user,
                    "items": [(r, report_url(r.report)) for r in open_items],
                },
            )
        Reminder.objects.filter(id__in=[r.id for r in items]).update(
            status=Reminder.Status.DIGESTED, sent_at=now
        )
        digest.sent_at = now
        digest.items = len(open_items)
        digest.save(update_fields=["sent_at", "items"])
    return "sent"


# --- notices and preferences --------------------------------------------------------------
def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notice (or, with no id, every notice) of this user as read."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(id=notification_id)
    return rows.update(read_at=timezone.now())


def preference_save(*, user, mode: str) -> ReminderPreference:
    pref, _created = ReminderPreference.objects.update_or_create(user=user, defaults={"mode": mode})
    return pref


# --- calendar -----------------------------------------------------------------------------
def calendar_token_for(*, user) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def calendar_token_rotate(*, user) -> CalendarToken:
    token = calendar_token_for(user=user)
    for _attempt in range(3):
        token.rotate()
        try:
            with transaction.atomic():
                token.save()
            return token
        except IntegrityError:  # a 24-byte token collided: astronomically rare; draw again
            continue
    raise RuntimeError("could not draw a unique calendar token")


def calendar_ics(*, user) -> bytes:
    """The due dates that concern this person (reports.calendar builds the feed)."""
    from .calendar import calendar_build

    return calendar_build(user=user)


# --- exports ----------------------------------------------------------------------------
def export_rows(*, network: Network, what: str) -> tuple[list[str], list[list]]:
    """(header, rows) of the network's reports or activities, in the current language.

    Dates stay dates (and times stay aware datetimes) here: export_csv writes them
    in ISO 8601 and export_xlsx as date cells, so a spreadsheet sorts them.
    """
    if what == "reports":
        header = [
            _("Period"),
            _("Due on"),
            _("Organisation"),
            _("Status"),
            _("Standing"),
            _("Submitted at"),
            _("Problems"),
            _("Help needed"),
        ]
        standing = standing_labels()
        rows = [
            [
                r.period.label,
                r.period.due_on,
                r.organisation.name,
                r.get_status_display(),
                standing[r.standing],
                r.submitted_at,
                r.problems,
                r.help_needed,
            ]
            for r in ProgressReport.objects.for_network(network).select_related(
                "period", "organisation"
            )
        ]
        return [str(h) for h in header], rows
    header = [_("Step"), _("Activity"), _("Owners"), _("Due on"), _("Status"), _("Percent")]
    rows = [
        [a["step"], a["title"], a["owners"], a["due_on"], a["status"], a["percent"]]
        for a in sources.activity_rows(network)
    ]
    return [str(h) for h in header], rows


def export_csv(*, header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        # A cell starting with = + - @ would be a formula in a spreadsheet.
        writer.writerow([_iso(_defuse(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads Thai as UTF-8


def export_xlsx(*, header: list[str], rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_spreadsheet_value(_defuse(v)) for v in row])
        # Real date cells with a number format: the column sorts and filters as dates.
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _defuse(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


def _iso(value):
    """ISO 8601 for CSV: 2026-10-07, and times in Bangkok with their offset."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _spreadsheet_value(value):
    """XLSX has no time zones: a time is written as Bangkok wall-clock time."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def standing_labels() -> dict[str, str]:
    return {
        "submitted": _("Submitted"),
        "late": _("Submitted late"),
        "missing": _("Missing"),
        "open": _("Not yet due"),
    }


# --- committee report -------------------------------------------------------------------
@transaction.atomic
def committee_report_request(
    *, network: Network, period: ReportingPeriod, user, language: str
) -> CommitteeReport:
    """Queue a committee PDF; a worker builds it while the page polls its progress."""
    job = CommitteeReport.objects.create(
        network=network, period=period, language=language, requested_by=user
    )
    from core.tasks import enqueue

    from . import tasks

    enqueue(tasks.committee_report_build, job.pk)
    return job


def committee_reports_stuck(*, now: dt.datetime | None = None) -> list[int]:
    """Jobs the broker lost (queued > 2 minutes) or whose worker died (running > 15)."""
    now = now or timezone.now()
    return list(
        CommitteeReport.objects.filter(
            Q(status=CommitteeReport.Status.QUEUED, requested_at__lt=now - dt.timedelta(minutes=2))
            | Q(
                status=CommitteeReport.Status.RUNNING,
                started_at__lt=now - dt.timedelta(minutes=15),
            )
        ).values_list("id", flat=True)
    )


def _progress(job: CommitteeReport, percent: int) -> None:
    CommitteeReport.objects.filter(pk=job.pk).update(progress=percent)


def committee_context(*, network: Network, period: ReportingPeriod) -> dict:
    reports = list(ProgressReport.objects.filter(period=period).select_related("organisation"))
    by_org = {r.organisation_id: r for r in reports}
    members = (
        Membership.objects.current()
        .filter(network=network)
        .select_related("organisation")
        .order_by("organisation__name_th")
    )
    labels = standing_labels()
    status_rows = []
    for m in members:
        report = by_org.get(m.organisation_id)
        standing = report.standing if report else "missing"
        status_rows.append(
            {
                "organisation": m.organisation,
                "standing": standing,
                "label": labels[standing],
                "submitted_at": report.submitted_at if report else None,
                "report": report,
            }
        )
    counts = defaultdict(int)
    for row in status_rows:
        counts[row["standing"]] += 1
    chair = (
        Role.objects.filter(network=network, kind=Role.Kind.CHAIR)
        .select_related("person__organisation")
        .first()
    )
    from . import obstacles, trend

    # The trend up to this report's period, so an old period's PDF shows its own past.
    trend_rows = trend.trend_rows(network=network, upto=period.starts_on)
    return {
        "network": network,
        "period": period,
        "obstacles": obstacles.obstacle_rows(network=network, today=timezone.localdate()),
        "trend": trend_rows,
        "trend_chart": _fit(trend.trend_chart(trend_rows)),
        "status_rows": status_rows,
        "counts": dict(counts),
        "progress": sources.roadmap_progress(network),
        "activities": sources.activity_rows(network),
        "wins": sources.wins(network),
        "step_chart": _fit(sources.chart("step_progress_svg", network)),
        "timeline_chart": _fit(sources.chart("timeline_svg", network)),
        "heatmap_chart": _fit(sources.chart("obstacle_heatmap_svg", network)),
        "health_chart": _fit(sources.chart("health_trend_svg", network)),
        "chair": chair.person if chair else None,
        "members": [m.organisation for m in members],
        "generated_at": timezone.now(),
    }


_SVG_SIZE = re.compile(r'^(<svg\b[^>]*?)\swidth="(\d+)"(\s+height="[^"]*")?')
# The A4 text column at 96 dpi (210 mm less 36 mm of margins).
_PAGE_WIDTH_PX = 650


def _fit(svg: str) -> str:
    """Charts drawn wide for phones (which scroll sideways) would run off a page: a
    chart wider than the text column is scaled to it, keeping its viewBox."""
    match = _SVG_SIZE.match(svg or "")
    if not match or int(match.group(2)) <= _PAGE_WIDTH_PX:
        return svg
    return _SVG_SIZE.sub(r'\1 width="100%"', svg, count=1)


def committee_pdf(*, network: Network, period: ReportingPeriod, language: str, extra=None) -> bytes:
    """Render the committee PDF through core.pdf, the one render path: its fetcher lock
    (static files only), Sarabun and the Thai text fixes. There is no other path."""
    from core.pdf import render_pdf_template

    with translation.override(language):
        context = committee_context(network=network, period=period) | (extra or {})
        return render_pdf_template("reports/committee_pdf.html", context, language=language)


def committee_report_build(*, committee_report_id: int) -> CommitteeReport | None:
    """Build, seal and store one committee PDF; a second run of a finished job is a no-op."""
    now = timezone.now()
    won = (
        CommitteeReport.objects.filter(pk=committee_report_id)
        .filter(
            Q(status=CommitteeReport.Status.QUEUED)
            | Q(
                status=CommitteeReport.Status.RUNNING,
                started_at__lt=now - dt.timedelta(minutes=15),
            )
        )
        .update(status=CommitteeReport.Status.RUNNING, started_at=now, progress=5)
    )
    if not won:
        return None
    job = CommitteeReport.objects.select_related("network", "period").get(pk=committee_report_id)
    try:
        sealing = _sealing()
        extra: dict = {}
        document = None
        if sealing is not None:
            with translation.override(job.language):
                title = _("Committee report: %(network)s, %(period)s") % {
                    "network": job.network.name,
                    "period": job.period.label,
                }
            document = sealing.sealed_document_reserve(
                kind="committee_report", title=title, language=job.language
            )
            url = sealing.verify_url(document)
            extra = {"verify_url": url, "qr": sealing.qr_data_uri(url), "document": document}
        _progress(job, 30)
        pdf = committee_pdf(
            network=job.network, period=job.period, language=job.language, extra=extra
        )
        _progress(job, 80)
        digest = hashlib.sha256(pdf).hexdigest()
        if sealing is not None and document is not None:
            stored = sealing.sealed_document_store(
                document=document,
                pdf=pdf,
                summary=_seal_summary(job),
                content_sha256=digest,
            )
            stored = stored or document
            job.sealed_document_id = stored.pk
            job.verify_url = extra["verify_url"]
            job.verify_code = str(getattr(stored, "code", "") or "")
            stored_pdf = _stored_pdf(stored)
            if stored_pdf:
                pdf = stored_pdf
        from django.core.files.base import ContentFile

        job.pdf.save(
            f"committee-{job.network.slug}-{job.period.pk}-{job.pk}.pdf",
            ContentFile(pdf),
            save=False,
        )
        # The hash of the very bytes we keep (a sealed PDF differs from the rendered one).
        job.sha256 = hashlib.sha256(pdf).hexdigest()
        job.status = CommitteeReport.Status.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.save()
    except Exception as exc:
        log.exception("committee report %s failed", committee_report_id)
        job.status = CommitteeReport.Status.FAILED
        job.error = str(exc)[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    return job


def _seal_summary(job: CommitteeReport) -> dict:
    """What the public verify page shows about this committee report."""
    with translation.override(job.language):
        counts = defaultdict(int)
        for report in ProgressReport.objects.filter(period=job.period):
            counts[report.standing] += 1
        labels = standing_labels()
        return {
            "network": job.network.name,
            "period": {
                "name": job.period.label,
                "start": job.period.starts_on.isoformat(),
                "end": job.period.ends_on.isoformat(),
            },
            "details": [[str(labels[k]), str(v)] for k, v in sorted(counts.items())],
        }


def _sealing():
    try:
        from core import sealing
    except ImportError:
        return None
    needed = ("sealed_document_reserve", "verify_url", "qr_data_uri", "sealed_document_store")
    return sealing if all(hasattr(sealing, n) for n in needed) else None


def _stored_pdf(document) -> bytes | None:
    """The sealed bytes, when the sealing layer signed the PDF (its hash is of those)."""
    for name in ("pdf", "file"):
        f = getattr(document, name, None)
        if f:
            try:
                f.open("rb")
                try:
                    return f.read()
                finally:
                    f.close()
            except Exception:
                return None
    return None
