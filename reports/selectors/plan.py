"""The planner of a schedule's periods: what they should become today, without writing.

One planner serves every path (reports.services.periods applies its plan under the
schedule's row lock). The paths differ only in what the plan may touch:

* **generate** (the hourly beat, a first confirmation, a change that moves no
  period): adds the periods that are missing and opens the reports of the periods
  that have started. It never deletes a period or moves a due date.
* **change** (a coordinator changed how often, the due day, the first day, the term
  dates or the custom dates, saw the preview and confirmed it): periods that have
  not started and in which nobody has written are replaced; due dates that have not
  passed move, and the reminders planned for the old dates (not yet sent) go, so the
  sweep plans them again for the new dates; periods that have started and reports
  someone wrote stay as they are.

New periods never overlap a period that stays (a new period is cut to the days no
kept period covers), never start before the schedule's first day or before the
signed agreement took effect, and are made a year ahead so the calendar and the
schedule page show what is coming. Reports are opened only for periods that have
started.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field, replace

from django.db.models import Count, Q
from django.utils import timezone

from network.models import Membership, Network
from reports import periods as P
from reports.models import (
    CommitteeReport,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
    ReportNarrative,
)

from .agreement_reads import agreement_start

log = logging.getLogger(__name__)

# Periods are made this far ahead: a year of due dates on the calendar.
LOOKAHEAD_DAYS = 366
# A member that joins late owes the reports of periods due within this many days
# (as the reminder plan's horizon: the reminders stop there too).
LATE_JOINER_DAYS = 45
# The fields that decide which periods exist and when they are due: changing one
# of them on a confirmed schedule goes through the preview.
SHAPING_FIELDS = (
    "frequency",
    "starts_on",
    "due_day",
    "custom_end_dates",
    "custom_names",
    "semester1_starts",
    "semester1_ends",
    "semester2_starts",
    "semester2_ends",
)


@dataclass(frozen=True)
class NewPeriod:
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date
    name_th: str
    name_en: str
    reports: int  # opened now (0 until the period starts)

    @property
    def label(self) -> str:
        return P.localized_name(self.name_th, self.name_en)

    @property
    def started(self) -> bool:
        return self.reports > 0


@dataclass(frozen=True)
class Move:
    period: ReportingPeriod
    old_due: dt.date
    new_due: dt.date


@dataclass(frozen=True)
class Kept:
    period: ReportingPeriod
    reason: str  # "started" or "written"
    reports: int
    written: int


@dataclass
class Plan:
    """What a schedule's periods become: the preview shows it, the service does it."""

    today: dt.date
    mode: str  # "generate" or "change"
    first_day: dt.date
    created: list[NewPeriod] = field(default_factory=list)
    replaced: list[ReportingPeriod] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    # Due dates that stay because the new date would already have passed.
    passed: list[Move] = field(default_factory=list)
    renamed: list[tuple[ReportingPeriod, str, str]] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    reports_removed: int = 0
    # Existing started periods: organisation ids still owed a report (late joiners).
    owed: dict[int, list[int]] = field(default_factory=dict)
    reports_opened: int = 0
    late_on_arrival: int = 0
    # The members as the plan read them (organisation id → joined on): the service
    # opens reports for exactly these, so what happens is what the preview counted.
    members: dict[int, dt.date] = field(default_factory=dict)
    # Filled when applied: unsent reminders removed so the sweep plans them anew.
    reminders_replanned: int = 0

    @property
    def reports_kept(self) -> int:
        return sum(k.reports for k in self.kept)

    @property
    def changes_periods(self) -> bool:
        return bool(self.created or self.replaced or self.moved or self.renamed)

    def digest(self, values: dict | None = None) -> str:
        """A fingerprint of everything the preview shows (and of the values behind
        it): confirming checks that this is still what would happen."""
        body = {
            "values": values or {},
            "created": [
                [n.starts_on, n.ends_on, n.due_on, n.name_th, n.name_en, n.reports]
                for n in self.created
            ],
            "replaced": sorted(p.pk for p in self.replaced),
            "moved": [[m.period.pk, m.old_due, m.new_due] for m in self.moved],
            "passed": [[m.period.pk, m.old_due, m.new_due] for m in self.passed],
            "renamed": [[p.pk, th, en] for p, th, en in self.renamed],
            # How many of a started period's reports are written changes nothing the
            # change does, so a partner saving a draft meanwhile does not void the preview.
            "kept": [[k.period.pk, k.reason, k.reports] for k in self.kept],
            "removed": self.reports_removed,
            "opened": self.reports_opened,
        }
        text = json.dumps(body, default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the parts of a plan ----------------------------------------------------------------
def first_day(schedule: ReportingSchedule, agreement_from: dt.date | None) -> dt.date:
    """Periods start on the schedule's first day, or later if the agreement does."""
    if agreement_from and agreement_from > schedule.starts_on:
        return agreement_from
    return schedule.starts_on


def wanted_spans(schedule: ReportingSchedule, *, first: dt.date, until: dt.date) -> list[P.Span]:
    terms = P.DEFAULT_TERMS
    if schedule.frequency == ReportingSchedule.Frequency.SEMESTER:
        try:
            terms = schedule.terms
        except P.TermsError:
            # Only a hand-edited row gets here (the form refuses such dates); one
            # network's bad row must not stop the beat for every other network.
            log.warning("schedule %s: term dates make no year; using the defaults", schedule.pk)
    return list(
        P.periods_between(
            frequency=schedule.frequency,
            starts_on=first,
            until=until,
            custom_end_dates=schedule.custom_end_dates or (),
            custom_names=schedule.custom_names or {},
            terms=terms,
        )
    )


def uncovered(span: P.Span, covered: list[tuple[dt.date, dt.date]]) -> list[P.Span]:
    """The parts of ``span`` no kept period covers (each keeps the span's names)."""
    day = dt.timedelta(days=1)
    pieces = [(span.starts_on, span.ends_on)]
    for start, end in covered:
        rest = []
        for a, b in pieces:
            if end < a or start > b:
                rest.append((a, b))
                continue
            if a < start:
                rest.append((a, start - day))
            if end < b:
                rest.append((end + day, b))
        pieces = rest
    return [replace(span, starts_on=a, ends_on=b) for a, b in pieces]


def _written_counts(period_ids: list[int]) -> dict[int, int]:
    """Per period: reports someone has written in (text, a submission, a review)."""
    if not period_ids:
        return {}
    has_text = ReportNarrative.objects.exclude(text="").values("report_id")
    rows = (
        ProgressReport.objects.filter(period_id__in=period_ids)
        .filter(
            ~Q(status=ProgressReport.Status.DRAFT)
            | ~Q(problems="")
            | ~Q(help_needed="")
            | Q(submitted_at__isnull=False)
            | Q(review_round__gt=0)
            | Q(id__in=has_text)
        )
        .values("period_id")
        .annotate(n=Count("id"))
    )
    return {row["period_id"]: row["n"] for row in rows}


def _still_open(period: ReportingPeriod, today: dt.date) -> bool:
    return period.due_on >= today or period.ends_on >= today


def _keep_for_change(plan: Plan, existing: list[ReportingPeriod], counts: dict, *, lock: bool):
    """(periods that stay, upcoming periods free to replace by their dates) of a change.

    Started periods stay, and upcoming ones someone wrote in or made a committee PDF
    of. With ``lock`` the upcoming periods' reports are locked first, so a partner
    saving one waits, and is then seen as written.
    """
    today = plan.today
    upcoming = [p for p in existing if p.starts_on > today]
    if lock and upcoming:
        list(
            ProgressReport.objects.select_for_update()
            .filter(period_id__in=[p.pk for p in upcoming])
            .values_list("id", flat=True)
        )
    written = _written_counts([p.pk for p in existing if _still_open(p, today)])
    with_pdf = set(
        CommitteeReport.objects.filter(period__in=upcoming).values_list("period_id", flat=True)
    )
    keep_upcoming = [p for p in upcoming if written.get(p.pk) or p.pk in with_pdf]
    fixed = [p for p in existing if p.starts_on <= today] + keep_upcoming
    reusable = {(p.starts_on, p.ends_on): p for p in upcoming if p not in keep_upcoming}
    for p in fixed:
        if _still_open(p, today):
            reason = "written" if p.starts_on > today else "started"
            plan.kept.append(Kept(p, reason, counts.get(p.pk, 0), written.get(p.pk, 0)))
    return fixed, reusable


def _add_new_periods(plan: Plan, schedule: ReportingSchedule, fixed, reusable) -> dict:
    """Plan the periods the schedule wants and no kept period covers; a free upcoming
    period with the very same dates is reused. Returns {period id: (period, piece)}."""
    covered = [(p.starts_on, p.ends_on) for p in fixed]
    reused: dict[int, tuple[ReportingPeriod, P.Span]] = {}
    until = plan.today + dt.timedelta(days=LOOKAHEAD_DAYS)
    for span in wanted_spans(schedule, first=plan.first_day, until=until):
        for piece in uncovered(span, covered):
            match = reusable.get((piece.starts_on, piece.ends_on))
            if match is not None:
                reused[match.pk] = (match, piece)
                continue
            started = piece.starts_on <= plan.today
            owed = (
                sum(1 for joined in plan.members.values() if joined <= piece.ends_on)
                if started
                else 0
            )
            due = P.due_date(piece.ends_on, schedule.due_day)
            plan.created.append(
                NewPeriod(piece.starts_on, piece.ends_on, due, piece.name_th, piece.name_en, owed)
            )
            plan.reports_opened += owed
            if due < plan.today:
                plan.late_on_arrival += owed
    return reused


def _plan_renames_and_moves(plan: Plan, schedule: ReportingSchedule, fixed, reused) -> None:
    """A change: reused periods take their new names; due dates not passed move."""
    for period, piece in reused.values():
        if (period.name_th, period.name_en) != (piece.name_th, piece.name_en):
            plan.renamed.append((period, piece.name_th, piece.name_en))
    for period in fixed + [p for p, _piece in reused.values()]:
        new_due = P.due_date(period.ends_on, schedule.due_day)
        if new_due == period.due_on or period.due_on < plan.today:
            continue  # unchanged, or already passed: a passed due date never moves
        move = Move(period, period.due_on, new_due)
        (plan.moved if new_due >= plan.today else plan.passed).append(move)
    plan.moved.sort(key=lambda m: m.period.starts_on)
    plan.passed.sort(key=lambda m: m.period.starts_on)


def _plan_late_joiners(plan: Plan, periods: list[ReportingPeriod]) -> None:
    """Started periods still within the horizon owe a report to members without one."""
    horizon = plan.today - dt.timedelta(days=LATE_JOINER_DAYS)
    candidates = [p for p in periods if p.starts_on <= plan.today and p.due_on >= horizon]
    if not (candidates and plan.members):
        return
    have: dict[int, set[int]] = {p.pk: set() for p in candidates}
    for period_id, org_id in ProgressReport.objects.filter(
        period__in=[p.pk for p in candidates]
    ).values_list("period_id", "organisation_id"):
        have[period_id].add(org_id)
    for p in candidates:
        orgs = [
            org
            for org, joined in plan.members.items()
            if joined <= p.ends_on and org not in have[p.pk]
        ]
        if orgs:
            plan.owed[p.pk] = orgs
            plan.reports_opened += len(orgs)


def schedule_plan(
    *,
    schedule: ReportingSchedule,
    today: dt.date,
    mode: str = "generate",
    agreement_from: dt.date | None = None,
    lock: bool = False,
) -> Plan:
    """What the (possibly unsaved) schedule's periods become today; writes nothing.

    With ``lock`` (inside the applying transaction) the reports the plan would
    remove are locked, so a partner saving one waits, and is then seen as written.
    """
    plan = Plan(today=today, mode=mode, first_day=first_day(schedule, agreement_from))
    existing = list(
        ReportingPeriod.objects.filter(network_id=schedule.network_id)
        .annotate(report_count=Count("reports"))
        .order_by("starts_on", "id")
    )
    counts = {p.pk: p.report_count for p in existing}
    if mode == "change":
        fixed, reusable = _keep_for_change(plan, existing, counts, lock=lock)
    else:
        fixed, reusable = existing, {}
    plan.members = dict(
        Membership.objects.current()
        .filter(network_id=schedule.network_id)
        .values_list("organisation_id", "joined_on")
    )
    reused = _add_new_periods(plan, schedule, fixed, reusable)
    plan.replaced = [p for p in reusable.values() if p.pk not in reused]
    plan.reports_removed = sum(counts.get(p.pk, 0) for p in plan.replaced)
    if mode == "change":
        _plan_renames_and_moves(plan, schedule, fixed, reused)
    _plan_late_joiners(plan, fixed + [p for p, _piece in reused.values()])
    return plan


# --- changes and their preview --------------------------------------------------------------
def shaping_fields(frequency: str) -> tuple[str, ...]:
    """The fields that shape this frequency's periods: term dates matter only to
    semesters and the listed dates only to custom periods."""
    return tuple(
        name
        for name in SHAPING_FIELDS
        if not (name.startswith("semester") and frequency != ReportingSchedule.Frequency.SEMESTER)
        and not (name.startswith("custom_") and frequency != ReportingSchedule.Frequency.CUSTOM)
    )


def is_change(schedule: ReportingSchedule, values: dict) -> bool:
    """True when ``values`` change a field that shapes the schedule's periods."""
    frequency = values.get("frequency", schedule.frequency)
    return any(
        name in values and getattr(schedule, name) != values[name]
        for name in shaping_fields(frequency)
    )


def with_values(schedule: ReportingSchedule, values: dict) -> ReportingSchedule:
    """The schedule with the form's values set on it (not saved)."""
    for name, value in values.items():
        setattr(schedule, name, value)
    return schedule


def schedule_preview(
    *, network: Network, values: dict, raw: dict, today: dt.date | None = None
) -> tuple[Plan, str]:
    """(the plan, its fingerprint) of the waiting change; writes nothing."""
    today = today or timezone.localdate()
    schedule = ReportingSchedule.objects.get(network=network)
    plan = schedule_plan(
        schedule=with_values(schedule, values),
        today=today,
        mode="change",
        agreement_from=agreement_start(network),
    )
    return plan, plan.digest(raw)
