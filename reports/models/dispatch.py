"""The dispatch table and what it feeds: reminders, weekly digests, in-app notices,
each person's reminder settings and calendar address.

The unique constraint on ``Reminder`` makes each reminder exist once; a worker claims
a row before any email leaves (reports.services.reminders).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models import Network

from .reporting import ProgressReport


class ReminderPreference(models.Model):
    class Mode(models.TextChoices):
        ALL = "all", _("Every reminder")
        ESSENTIAL = "essential", _("Only essential reminders (due today, overdue, decisions)")
        DIGEST = "digest", _("A weekly digest instead of early reminders")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    mode = models.CharField(_("reminders"), max_length=16, choices=Mode.choices, default=Mode.ALL)
    # The digest is opt-in (PDPA: consent to an optional channel): when the person chose
    # it, cleared when they withdraw (reports.services.notices.digest_withdraw).
    digest_consented_at = models.DateTimeField(_("weekly digest chosen at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user} — {self.mode}"


# The sweep's INSERT … ON CONFLICT names it (reports.services.reminder_plan).
REMINDER_UNIQUE = "reminder_once_per_report_kind_user"


class Reminder(models.Model):
    """The dispatch table: one row per (report, kind, recipient), ever.

    ``kind`` is "before:7", "due", "after:3", "escalation", "submitted:1",
    "accepted:1", "returned:2"… A worker claims a row with a conditional UPDATE
    (``claimed_at`` from NULL or stale) and records ``sent_at`` in the transaction
    that hands the email to the mail backend.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not emailed")
        DIGEST = "digest", _("Waiting for the weekly digest")
        DIGESTED = "digested", _("Sent in a weekly digest")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=32)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    skip_reason = models.CharField(max_length=32, blank=True)
    # When a sweep last put "send row N" on the broker: a backlog is not re-queued
    # every 15 minutes, only once the offer is as old as a stale claim.
    offered_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "recipient"], name=REMINDER_UNIQUE)
        ]
        indexes = [
            # The sweep's question: which pending rows are due?
            models.Index(
                fields=["due_at"],
                name="reminder_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["recipient", "sent_at"], name="reminder_recipient_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.status})"

    @property
    def base_kind(self) -> str:
        return self.kind.split(":", 1)[0]


class DigestDispatch(models.Model):
    """One weekly digest per person per week, claimed like a reminder."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_of = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "week_of"], name="digest_once_per_week")
        ]

    def __str__(self) -> str:
        return f"digest {self.week_of} → {self.user_id}"


class Notification(models.Model):
    """The in-app notice list. Text is rendered when shown, in the reader's language."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reminder = models.OneToOneField(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    kind = models.CharField(max_length=32)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a person's calendar address; rotating it kills the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    rotated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"

    def rotate(self) -> None:
        self.token = _new_token()
        self.rotated_at = timezone.now()
