from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row, touched by the beat-scheduled heartbeat task: proof a worker runs."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


def new_verify_code() -> str:
    """16 URL-safe characters (96 random bits): the public code of a verify page."""
    return secrets.token_urlsafe(12)


class SealedDocument(models.Model):
    """A sealed PDF the public can verify at /verify/<code>/.

    Reserved first (so the PDF can print its own verify address and QR code), then
    stored once sealed. Apps describe what the verify page shows in ``summary``;
    core knows nothing about agreements or reports.
    """

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Signed agreement")
        COMMITTEE_REPORT = "committee_report", _("Committee report")
        CLOSE_OUT = "close_out", _("Close-out report")

    code = models.CharField(max_length=32, unique=True, default=new_verify_code, editable=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=500)
    language = models.CharField(max_length=8, default="th")
    file = models.FileField(upload_to="sealed/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    # What the app that seals the document says it is about ("closeout:12:345"), so
    # it finds its documents again without a table of its own; core never reads it.
    # With a subject, a kind has one document per language: reserving it is the claim.
    subject = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sealed document")
        verbose_name_plural = _("sealed documents")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject", "language"],
                condition=~Q(subject=""),
                name="sealeddocument_one_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.code})"

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None and bool(self.file)


class Dispatch(models.Model):
    """A one-off message to one login, claimed once.

    The row (unique per topic and user) is inserted in the transaction that sends the
    message: a second run, or a second worker, finds it and sends nothing; a send that
    fails rolls the row back, so the next run tries again. Apps name their topics
    ("closeout:12:345"); core never reads them.
    """

    topic = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message sent once")
        verbose_name_plural = _("messages sent once")
        ordering = ["topic", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "user"], name="dispatch_once_per_topic_user")
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.user_id}"


# --- LINE (issue 16): a person's link, their channel per kind, and each push -------


def new_line_code() -> str:
    """Eight characters a person types into LINE: no 0/O or 1/I to misread."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class LineLink(models.Model):
    """A login's LINE user id, made by the person sending a code to the Official Account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="line_link"
    )
    line_user_id = models.CharField(max_length=64, unique=True)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LINE link")
        verbose_name_plural = _("LINE links")

    def __str__(self) -> str:
        return f"{self.user_id} ↔ LINE"


class LineLinkCode(models.Model):
    """A one-time code: valid a few minutes, for one login, used once."""

    code = models.CharField(max_length=8, unique=True, default=new_line_code)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("LINE link code")
        verbose_name_plural = _("LINE link codes")

    def __str__(self) -> str:
        return f"{self.user_id}: code until {self.expires_at:%H:%M}"


class LineWebhookEvent(models.Model):
    """Each webhook event handled, by LINE's id: a replayed event finds its row and is refused."""

    event_id = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LINE webhook event")
        verbose_name_plural = _("LINE webhook events")

    def __str__(self) -> str:
        return self.event_id


class ChannelChoice(models.Model):
    """How a person wants one kind of message: email (the default), LINE, or both."""

    class Kind(models.TextChoices):
        SIGNING_REQUEST = "signing_request", _("Requests to sign an agreement")
        SIGNING_REMINDER = "signing_reminder", _("Reminders to sign")
        REPORT_REMINDER = "report_reminder", _("Report reminders")
        ESCALATION = "escalation", _("Overdue reports (to coordinators)")
        DIGEST = "digest", _("Weekly digest")
        NOTICE = "notice", _("Notices")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        LINE = "line", _("LINE")
        BOTH = "both", _("Email and LINE")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_choices"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)

    class Meta:
        verbose_name = _("channel choice")
        verbose_name_plural = _("channel choices")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="channelchoice_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} → {self.channel}"


class LineDelivery(models.Model):
    """One LINE push to one login, claimed once (unique per topic and user).

    Inserted in the transaction that decides the message; the push carries
    ``retry_key`` every time it is tried, so LINE drops a repeat (409). A row not
    sent is found again by ``core.tasks.line_sweep``: nothing is lost with Redis or
    LINE down.
    """

    topic = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=ChannelChoice.Kind.choices)
    text = models.TextField()
    # The email went too ("both"): a fallback then only says LINE was unlinked.
    email_sent = models.BooleanField(default=False)
    retry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    # Given up: the person blocked the account or is unknown to LINE (email went instead).
    failed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("LINE message")
        verbose_name_plural = _("LINE messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "user"], name="linedelivery_once_per_topic_user"
            )
        ]

    def __str__(self) -> str:
        return f"LINE {self.topic} → {self.user_id}"
