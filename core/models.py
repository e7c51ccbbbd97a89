from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row, touched by the beat-scheduled heartbeat task: proof a worker runs."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

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

    code = models.CharField(max_length=32, unique=True, default=new_verify_code, editable=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=500)
    language = models.CharField(max_length=8, default="th")
    file = models.FileField(upload_to="sealed/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.code})"

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None and bool(self.file)
