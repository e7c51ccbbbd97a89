"""What the reports app holds about a person (read by privacy/registry.py).

A progress report is the organisation's report to its network: once submitted (and
accepted) it stays as it was, its author shown by the neutral name after an erasure.
The person's own things go: notices, reminder preferences, the calendar address, the
reminder and digest rows addressed to them. Delivered-message rows are thinned after
the retention period, but only once their work is done: a row that is the "sent once"
claim for something that can still fall due stays. Plain data and functions only: this
module imports nothing from privacy (and, like everything, nothing imports it but
privacy's registry, which finds it by name).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import (
    CalendarToken,
    CommitteeReport,
    DigestDispatch,
    Notification,
    ProgressReport,
    Reminder,
    ReminderPreference,
    ReportingSchedule,
)

# The reminder sweep plans reminders for periods due up to reports.services'
# PLAN_HORIZON_DAYS (45) ago and skips a row that exists; a sent row of a period due
# within this many days could be planned (and sent) again if it were gone.
# tests/privacy checks this stays above the sweep's horizon.
REPLAN_GUARD_DAYS = 90
DONE = (Reminder.Status.SENT, Reminder.Status.SKIPPED, Reminder.Status.DIGESTED)
OPEN = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)


def _delete(queryset) -> int:
    deleted, _ = queryset.delete()
    return deleted


def _reminders(subject):
    return Reminder.objects.filter(recipient_id=subject.user_id)


def _reminders_thin(cutoff) -> int:
    """Sent, skipped or digested rows older than the period, of a report accepted or
    of a period too old to be planned again; a coordinator's "remind now" rows of a
    report still open stay (they count the rounds left)."""
    guard = timezone.localdate() - dt.timedelta(days=REPLAN_GUARD_DAYS)
    settled = Q(report__status=ProgressReport.Status.ACCEPTED) | Q(
        report__period__due_on__lt=min(guard, timezone.localdate(cutoff))
    )
    manual_open = Q(kind__startswith="manual:", report__status__in=OPEN)
    return _delete(
        Reminder.objects.filter(status__in=DONE, created_at__lt=cutoff)
        .filter(settled)
        .exclude(manual_open)
    )


HOLDINGS = (
    {
        "model": ProgressReport,
        "rows": lambda subject: ProgressReport.objects.filter(
            Q(submitted_by_id=subject.user_id) | Q(reviewed_by_id=subject.user_id)
        ),
        "fields": (
            "period__network__name_th",
            "period__name_th",
            "organisation__name_th",
            "status",
            "submitted_at",
            "problems",
            "help_needed",
            "reviewed_at",
            "review_comment",
        ),
        "kept": "accepted_report",
    },
    {"model": ProgressReport.history.model, "kept": "change_history"},
    {
        "model": ReminderPreference,
        "rows": lambda subject: ReminderPreference.objects.filter(user_id=subject.user_id),
        "fields": ("mode", "digest_consented_at", "updated_at"),
        "erase": lambda subject: _delete(
            ReminderPreference.objects.filter(user_id=subject.user_id)
        ),
    },
    {
        "model": Notification,
        "rows": lambda subject: Notification.objects.filter(user_id=subject.user_id),
        "fields": ("network__name_th", "kind", "comment", "created_at", "read_at"),
        "erase": lambda subject: _delete(Notification.objects.filter(user_id=subject.user_id)),
        "thin": lambda cutoff: _delete(Notification.objects.filter(read_at__lt=cutoff)),
    },
    {
        "model": Reminder,
        "rows": _reminders,
        "fields": ("report__period__network__name_th", "kind", "status", "due_at", "sent_at"),
        "erase": lambda subject: _delete(_reminders(subject)),
        "thin": _reminders_thin,
    },
    {
        "model": DigestDispatch,
        "rows": lambda subject: DigestDispatch.objects.filter(user_id=subject.user_id),
        "fields": ("week_of", "sent_at", "items"),
        "erase": lambda subject: _delete(DigestDispatch.objects.filter(user_id=subject.user_id)),
        # One digest per person and week: an old week is never planned again.
        "thin": lambda cutoff: _delete(DigestDispatch.objects.filter(sent_at__lt=cutoff)),
    },
    {
        "model": CalendarToken,
        "rows": lambda subject: CalendarToken.objects.filter(user_id=subject.user_id),
        "fields": ("rotated_at",),
        "erase": lambda subject: _delete(CalendarToken.objects.filter(user_id=subject.user_id)),
    },
    {
        "model": CommitteeReport,
        "rows": lambda subject: CommitteeReport.objects.filter(requested_by_id=subject.user_id),
        "fields": ("network__name_th", "period__name_th", "language", "requested_at"),
        "kept": "network_record",
    },
    {"model": ReportingSchedule, "kept": "network_record"},
    {"model": ReportingSchedule.history.model, "kept": "change_history"},
)
