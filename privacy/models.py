"""Sign-in history and requests to erase a person's data (PDPA section 33)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A browser string longer than this is cut: enough to tell one device from another.
USER_AGENT_MAX = 300


class SignIn(models.Model):
    """One sign-in of a login: when, from which address, with which browser.

    Shown to the person under "My data"; deleted after the retention period
    (PERSONAL_DATA_RETENTION_DAYS) and on an accepted erasure.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX, blank=True)

    class Meta:
        verbose_name = _("sign-in")
        verbose_name_plural = _("sign-in history")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="signin_user_at"),
            models.Index(fields=["at"], name="signin_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.at:%Y-%m-%d %H:%M}"


class ErasureRequestQuerySet(models.QuerySet["ErasureRequest"]):
    def pending(self) -> ErasureRequestQuerySet:
        return self.filter(status=ErasureRequest.Status.PENDING)


class ErasureRequest(models.Model):
    """A person asks for their data to be erased; a site admin decides.

    The row is the record of the request and its decision, and stays: it holds no
    name. ``notify_email`` holds the address the decision goes to only until that
    email has left (an accepted erasure removes the login's own address first).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted: the data was erased")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.TextField(_("note on the decision"), blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    notify_email = models.EmailField(_("email for the decision"), blank=True)
    notify_language = models.CharField(max_length=8, default=settings.LANGUAGE_CODE)
    # Claims for the two emails (core.delivery.claim_once sets each before sending).
    filed_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="erasurerequest_one_pending_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
