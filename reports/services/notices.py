"""Decision notices (submitted, accepted, returned), one's notices read, one's settings.

A decision notice is a row of the reminders' dispatch table: the unique constraint
(report, kind, recipient) makes it exist once, and the same claimed send delivers it
(reports.services.reminders) after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core.queue import enqueue
from reports.models import Notification, ProgressReport, Reminder, ReminderPreference


def notices_queue(*, report: ProgressReport, kind: str, recipients: Iterable[int]) -> int:
    """One row per recipient of ``kind`` about ``report`` (once, ever), each sent by its
    own task after the commit; returns how many are waiting to go."""
    now = timezone.now()
    Reminder.objects.bulk_create(
        [
            Reminder(report=report, kind=kind, recipient_id=uid, due_at=now)
            for uid in set(recipients)
        ],
        ignore_conflicts=True,
    )
    ids = list(
        Reminder.objects.filter(
            report=report, kind=kind, status=Reminder.Status.PENDING
        ).values_list("id", flat=True)
    )
    for reminder_id in ids:
        # After commit, and a broker that is down never fails the request: the row is
        # in the database and the next sweep sends it.
        enqueue("reports.tasks.reminder_send", reminder_id)
    return len(ids)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notice (or, with no id, every notice) of this user as read."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(id=notification_id)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preference_save(*, user, mode: str) -> ReminderPreference:
    """Save how the person is reminded; choosing the weekly digest records when they
    consented to it (kept while they stay on it), leaving it clears the record."""
    pref, _created = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    digest = ReminderPreference.Mode.DIGEST
    if mode == digest and (pref.mode != digest or pref.digest_consented_at is None):
        pref.digest_consented_at = timezone.now()
    elif mode != digest:
        pref.digest_consented_at = None
    pref.mode = mode
    pref.save()
    return pref


def digest_withdraw(*, user) -> bool:
    """One click out of the weekly digest: back to every reminder. True when it was on."""
    pref = ReminderPreference.objects.filter(user=user).first()
    if pref is None or pref.mode != ReminderPreference.Mode.DIGEST:
        return False
    preference_save(user=user, mode=ReminderPreference.Mode.ALL)
    return True
