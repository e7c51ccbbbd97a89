"""Reminders as they leave: words that fit the moment, stale ones superseded, and what
the report page says about the coordinator's "remind now".

* A reminder's text is worked out when it is sent, from the days really left (or
  late) then, not from the kind it was planned as: a "before:7" row that only goes
  out after an outage, or two days before the date, says "due tomorrow", "due today"
  or "3 days overdue" as the case is.
* A partner reminder of an earlier stage (before < due < after) is skipped as
  ``superseded`` when a reminder of a later stage for the same report and person is
  due as well: after an outage the person gets the one that fits, not three.
* "Remind now" is a coordinator's explicit nudge on a late report: rows of kind
  ``manual:<n>`` in the same claim-once table, at most one round per report every
  24 hours and three per report (reports.services.remind_now).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from reports.models import ProgressReport, Reminder

# The partner reminders in the order they come; a later one makes an earlier one stale.
STAGES = {"before": 0, "due": 1, "after": 2}
# Kinds that speak of how late a report is.
LATE_KINDS = frozenset({"escalation", "escalation_chair", "manual"})

MANUAL = "manual"
REMIND_NOW_GAP = dt.timedelta(hours=24)
REMIND_NOW_PER_REPORT = 3


def claim_stale_after() -> dt.timedelta:
    """A claim older than this belongs to a worker that died: another may take the row."""
    return dt.timedelta(seconds=getattr(settings, "REPORTS_CLAIM_STALE_SECONDS", 600))


def offer_again_after() -> dt.timedelta:
    """An offer the broker lost (e.g. Redis restarted empty) is repeated after this."""
    return dt.timedelta(seconds=getattr(settings, "REPORTS_OFFER_STALE_SECONDS", 1800))


@dataclass(frozen=True)
class Wording:
    """What a reminder says: ``kind`` picks the text, ``days`` fills it in."""

    kind: str
    days: int


def wording(*, kind: str, due: dt.date, now: dt.datetime) -> Wording:
    """The text for a reminder of ``kind`` (its base kind) sent at ``now``."""
    days = (due - timezone.localdate(now)).days
    if kind in STAGES:
        if days > 0:
            return Wording("before", days)
        if days == 0:
            return Wording("due", 0)
        return Wording("after", -days)
    if kind in LATE_KINDS:
        return Wording(kind, max(-days, 0))
    return Wording(kind, 0)


def _stage_q(stage: int) -> Q:
    """Reminder kinds of a later stage than ``stage``."""
    q = Q(pk__in=[])
    for name, order in STAGES.items():
        if order > stage:
            q |= Q(kind=name) | Q(kind__startswith=f"{name}:")
    return q


def superseded(row: Reminder, now: dt.datetime) -> bool:
    """True when a later-stage reminder for the same report and person is due too."""
    stage = STAGES.get(row.base_kind)
    if stage is None or stage == max(STAGES.values()):
        return False
    return (
        Reminder.objects.filter(
            report_id=row.report_id,
            recipient_id=row.recipient_id,
            due_at__gt=row.due_at,
            due_at__lte=now,
        )
        .filter(_stage_q(stage))
        .exists()
    )


# --- remind now ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RemindState:
    """What the report page says about the coordinator's reminders."""

    rounds: int
    last_at: dt.datetime | None
    next_at: dt.datetime | None  # when another may go; None when none is left

    @property
    def left(self) -> int:
        return max(REMIND_NOW_PER_REPORT - self.rounds, 0)


def remind_state(*, report: ProgressReport) -> RemindState:
    rows = Reminder.objects.filter(report=report, kind__startswith=f"{MANUAL}:")
    kinds = set(rows.values_list("kind", flat=True))
    last_at = rows.aggregate(last=Max("due_at"))["last"]
    rounds = len(kinds)
    if rounds >= REMIND_NOW_PER_REPORT:
        next_at = None
    else:
        next_at = last_at + REMIND_NOW_GAP if last_at else None
    return RemindState(rounds=rounds, last_at=last_at, next_at=next_at)


def remindable(report: ProgressReport, today: dt.date) -> bool:
    """A late report: still open after its due date, in a network that is not dissolved."""
    return (
        report.is_editable
        and today > report.period.due_on
        and not report.period.network.is_dissolved
    )
