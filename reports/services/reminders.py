"""Sending the reminders and decision notices of the dispatch table, each once.

Delivery discipline (core.delivery):

* The sweep *creates* reminder rows (reports.services.reminder_plan); the unique
  constraint (report, kind, recipient) makes each exist once however many sweeps run.
* A worker *claims* a row with ``claim_lease`` (claimed_at NULL or stale, a token),
  committed on its own, so two workers never both hold it.
* Inside one transaction the worker locks the row (SELECT … FOR UPDATE), checks its
  claim token, writes ``sent_at``, and only then hands the email to the mail backend;
  COMMIT follows. A worker that dies before COMMIT leaves no ``sent_at``: the claim
  goes stale (REPORTS_CLAIM_STALE_SECONDS) and the next sweep sends it, so nothing is
  lost. A row with ``sent_at`` is never sent again.
* The choice: at-least-once for one window only — a crash after the mail server
  accepted the message and before the COMMIT round trip completes (about a
  millisecond). There the message would go again after the stale timeout. The
  alternative (commit ``sent_at`` first, then send) is at-most-once and would
  silently lose every reminder whose worker dies during the much longer SMTP
  conversation; a lost due-date reminder costs more than a rare duplicate.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.delivery import claim_lease
from core.notify import Kind, person_notify
from network.models import Network
from reports import periods as P
from reports.models import Notification, ProgressReport, Reminder, ReminderPreference
from reports.selectors.reminders import (
    claim_stale_after,
    offer_again_after,
    superseded,
    wording,
)
from reports.selectors.reports import report_url

from .reminder_plan import reminders_plan

# Kinds a person may opt out of or take as a digest; the rest always arrive.
NON_ESSENTIAL = frozenset({"before"})
# Reminder kinds counted by the weekly cap (decisions and escalations are not capped).
CAPPED = frozenset({"before", "due", "after"})
# Reminders about an open report; once it is submitted they are moot.
ABOUT_OPEN_REPORT = frozenset(
    {"before", "due", "after", "escalation", "escalation_chair", "manual"}
)
# Ids marked offered per UPDATE.
OFFER_BATCH = 5000


# --- the sweep --------------------------------------------------------------------------
def reminders_due_ids(*, now: dt.datetime | None = None, limit: int | None = None) -> list[int]:
    """Offer the rows that are due and not held: never claimed (or claimed by a worker
    that died), and not already offered recently. Marks them offered."""
    now = now or timezone.now()
    stale = now - claim_stale_after()
    rows = (
        Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .filter(Q(offered_at__isnull=True) | Q(offered_at__lt=now - offer_again_after()))
        .order_by("due_at", "id")
        .values_list("id", flat=True)
    )
    ids = list(rows[:limit] if limit else rows)
    for start in range(0, len(ids), OFFER_BATCH):
        Reminder.objects.filter(id__in=ids[start : start + OFFER_BATCH]).update(offered_at=now)
    return ids


def reminders_unoffer(*, ids: list[int]) -> None:
    """The broker refused these: let the very next sweep offer them again."""
    for start in range(0, len(ids), OFFER_BATCH):
        Reminder.objects.filter(id__in=ids[start : start + OFFER_BATCH]).update(offered_at=None)


def reminder_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """The 15-minute sweep: plan what fell due, return the ids to send."""
    now = now or timezone.now()
    reminders_plan(now=now)
    return reminders_due_ids(now=now)


# --- one row ----------------------------------------------------------------------------
def reminder_claim(*, reminder_id: int, now: dt.datetime | None = None) -> str | None:
    """The lease on one due, unsent row: its token when this worker now holds it."""
    now = now or timezone.now()
    return claim_lease(
        Reminder.objects.filter(
            id=reminder_id, status=Reminder.Status.PENDING, sent_at__isnull=True, due_at__lte=now
        ),
        now=now,
        stale_after=claim_stale_after(),
        attempts=F("attempts") + 1,
    )


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
        return _deliver(row, now)


def _held_back(row: Reminder, schedule, now: dt.datetime) -> str | None:
    """Why a reminder about an open report does not go now, or None when it does."""
    if not row.report.is_editable:
        return _finish(row, Reminder.Status.SKIPPED, "submitted")
    if P.in_quiet_hours(now, schedule.quiet_start, schedule.quiet_end):
        # Caught up during quiet hours (e.g. after an outage): wait for the morning.
        row.due_at = P.after_quiet_hours(now, schedule.quiet_start, schedule.quiet_end)
        row.claimed_at = None
        row.claim_token = ""
        row.save(update_fields=["due_at", "claimed_at", "claim_token"])
        return "quiet"
    if superseded(row, now):
        # Caught up late: a later reminder (due today, overdue) says it better.
        return _finish(row, Reminder.Status.SKIPPED, "superseded")
    return None


def _over_weekly_cap(row: Reminder, schedule, now: dt.datetime) -> bool:
    week = Reminder.objects.filter(
        recipient_id=row.recipient_id,
        status=Reminder.Status.SENT,
        sent_at__gte=now - dt.timedelta(days=7),
        kind__regex=r"^(before|due|after)",
    ).count()
    return week >= schedule.weekly_cap


def _deliver(row: Reminder, now: dt.datetime) -> str:
    report = row.report
    network = report.period.network
    schedule = getattr(network, "reporting_schedule", None)  # a reverse one-to-one
    base = row.base_kind
    if schedule and base in ABOUT_OPEN_REPORT:
        held = _held_back(row, schedule, now)
        if held:
            return held
    pref = getattr(row.recipient, "reminder_preference", None)  # a reverse one-to-one
    mode = pref.mode if pref else ReminderPreference.Mode.ALL
    _notice(row, network, now)
    if base in NON_ESSENTIAL and mode == ReminderPreference.Mode.ESSENTIAL:
        return _finish(row, Reminder.Status.SKIPPED, "opted_out")
    if base in NON_ESSENTIAL and mode == ReminderPreference.Mode.DIGEST:
        return _finish(row, Reminder.Status.DIGEST, "")
    if schedule and base in CAPPED and _over_weekly_cap(row, schedule, now):
        return _finish(row, Reminder.Status.SKIPPED, "weekly_cap")
    # sent_at is written first, in the transaction that holds the row lock; the email
    # is handed over last, so only the COMMIT separates "handed over" from "recorded".
    # If the hand-over raises, the transaction rolls back and the row stays due.
    row.sent_at = now
    row.status = Reminder.Status.SENT
    row.save(update_fields=["sent_at", "status"])
    _email(row, report, network, now)
    return "sent"


def _finish(row: Reminder, status: str, reason: str) -> str:
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
                kind=wording(kind=row.base_kind, due=row.report.period.due_on, now=now).kind,
                comment=row.report.review_comment if row.base_kind == "returned" else "",
            )
        ],
        ignore_conflicts=True,
    )


def line_kind(base_kind: str) -> str:
    """The person's channel choice this reminder follows (``core.notify``)."""
    if base_kind.startswith("escalation"):
        return Kind.ESCALATION
    if base_kind in {"before", "due", "after", "manual"}:
        return Kind.REPORT_REMINDER
    return Kind.NOTICE  # submitted, accepted, returned


def _email(row: Reminder, report: ProgressReport, network: Network, now: dt.datetime) -> None:
    user = row.recipient
    # The words come from the days left (or late) now, not from the planned kind.
    words = wording(kind=row.base_kind, due=report.period.due_on, now=now)
    person_notify(
        user=user,
        kind=line_kind(row.base_kind),
        topic=f"reports:reminder:{row.pk}",
        template="reports_reminder",
        url=report_url(report),
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
