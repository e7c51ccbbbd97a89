"""Reminders as they leave: words that fit the moment, stale ones superseded, and the
coordinator's "remind now".

* A reminder's text is worked out when it is sent, from the days really left (or
  late) then, not from the kind it was planned as: a "before:7" row that only goes
  out after an outage, or two days before the date, says "due tomorrow", "due today"
  or "3 days overdue" as the case is.
* A partner reminder of an earlier stage (before < due < after) is skipped as
  ``superseded`` when a reminder of a later stage for the same report and person is
  due as well: after an outage the person gets the one that fits, not three.
* "Remind now" is a coordinator's explicit nudge on a late report: rows of kind
  ``manual:<n>`` in the same claim-once table, at most one round per report every
  24 hours and three per report (one report per organisation and period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_datetime

from .models import ProgressReport, Reminder

# The partner reminders in the order they come; a later one makes an earlier one stale.
STAGES = {"before": 0, "due": 1, "after": 2}
# Kinds that speak of how late a report is.
LATE_KINDS = frozenset({"escalation", "escalation_chair", "manual"})

MANUAL = "manual"
REMIND_NOW_GAP = dt.timedelta(hours=24)
REMIND_NOW_PER_REPORT = 3


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
class RemindRefused(Exception):
    """Why no reminder goes now, in the user's language."""


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
    kinds = {kind for kind in rows.values_list("kind", flat=True)}
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


def report_remind_now(*, report: ProgressReport, user, now: dt.datetime | None = None) -> int:
    """Remind the organisation's representatives of a late report now; returns how many.

    Raises ``RemindRefused`` (nothing changed) when the report is not late, when the
    last round was under 24 hours ago, when three rounds have gone, or when nobody
    can be reminded. The report row is locked, so two coordinators clicking at once
    make one round, not two.
    """
    from core.tasks import enqueue

    from . import services, tasks

    now = now or timezone.now()
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related("period__network", "organisation")
            .get(pk=report.pk)
        )
        if not report.is_editable:
            raise RemindRefused(_("This report has been submitted: there is nothing to remind."))
        if not remindable(report, timezone.localdate(now)):
            raise RemindRefused(
                _("This report is not late yet: the scheduled reminders will go out.")
            )
        state = remind_state(report=report)
        if state.rounds >= REMIND_NOW_PER_REPORT:
            raise RemindRefused(
                ngettext(
                    "The representatives have already been reminded %(n)d time for this "
                    "report, the most there may be.",
                    "The representatives have already been reminded %(n)d times for this "
                    "report, the most there may be.",
                    state.rounds,
                )
                % {"n": state.rounds}
            )
        if state.next_at and now < state.next_at:
            raise RemindRefused(
                _(
                    "The representatives were reminded on %(last)s. You can remind them "
                    "again from %(next)s."
                )
                % {"last": format_datetime(state.last_at), "next": format_datetime(state.next_at)}
            )
        recipients = set(services._reporter_ids(report.period.network_id, report.organisation_id))
        if not recipients:
            raise RemindRefused(
                _("Nobody at this organisation has an account to receive a reminder.")
            )
        kind = f"{MANUAL}:{state.rounds + 1}"
        Reminder.objects.bulk_create(
            [
                Reminder(report=report, kind=kind, recipient_id=uid, due_at=now)
                for uid in recipients
            ],
            ignore_conflicts=True,
        )
        for reminder_id in Reminder.objects.filter(
            report=report, kind=kind, status=Reminder.Status.PENDING
        ).values_list("id", flat=True):
            # After commit; a broker that is down loses nothing: the sweep sends it.
            enqueue(tasks.reminder_send, reminder_id)
    return len(recipients)
