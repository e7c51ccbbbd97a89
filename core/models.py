from __future__ import annotations

import secrets

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
