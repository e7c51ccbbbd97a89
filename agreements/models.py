"""The written agreement of a network: versions, parties, signatures and their audit trail.

Content is frozen once a version is sent for signature. The services refuse edits,
and ``save()`` refuses too, so no code path (admin, shell, a later bug) can change
what the parties signed without it being noticed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from network.models import Network, Organisation, Person

from .catalogue import TEXT_FIELDS
from .errors import ContentFrozen


class Agreement(models.Model):
    """The network's written agreement. One per network; its versions carry the content."""

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="agreement", verbose_name=_("network")
    )
    title = models.CharField(pgettext_lazy("agreement", "title"), max_length=255)
    # The reminder policy is data, so coordinators change it without a deploy.
    reminder_every_days = models.PositiveSmallIntegerField(
        _("remind signatories every (days)"), default=3
    )
    reminder_max = models.PositiveSmallIntegerField(_("at most this many reminders"), default=5)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_every_days__gte=1), name="agreement_reminder_every_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgreementVersionQuerySet(models.QuerySet["AgreementVersion"]):
    def signed(self) -> AgreementVersionQuerySet:
        return self.filter(status=AgreementVersion.Status.SIGNED)

    def open(self) -> AgreementVersionQuerySet:
        """Versions still being drafted or signed."""
        return self.filter(status__in=(AgreementVersion.Status.DRAFT, AgreementVersion.Status.SENT))


class AgreementVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("agreement status", "Draft")
        SENT = "sent", pgettext_lazy("agreement status", "Sent for signature")
        SIGNED = "signed", pgettext_lazy("agreement status", "Signed")
        SUPERSEDED = "superseded", pgettext_lazy("agreement status", "Superseded")
        WITHDRAWN = "withdrawn", pgettext_lazy("agreement status", "Withdrawn")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends version"),
    )
    # The five sections (domain.md §3); IV A–D are planning … reporting.
    basic_information = models.TextField(_("basic information"), blank=True)
    duties_text = models.TextField(_("duties of the network"), blank=True)
    resources_text = models.TextField(_("money and resources used"), blank=True)
    planning = models.TextField(_("planning and decision making"), blank=True)
    communication = models.TextField(_("communication"), blank=True)
    monitoring = models.TextField(_("monitoring and follow-up"), blank=True)
    reporting = models.TextField(_("reporting and keeping the database"), blank=True)
    other_matters = models.TextField(_("other matters"), blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_until = models.DateField(_("effective until"), null=True, blank=True)

    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    content_json = models.TextField(_("frozen content"), blank=True)
    sent_at = models.DateTimeField(_("sent for signature"), null=True, blank=True)
    signed_at = models.DateTimeField(_("fully signed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    # The partnership ended (the network was dissolved) on this day: set on the version
    # in force then. Not content: the signed text stays as it was. An ended version gets
    # no renewal notice; a later signed version supersedes it as usual.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    sealed_document = models.ForeignKey(
        "core.SealedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed PDF (Thai)"),
    )
    sealed_document_en = models.ForeignKey(
        "core.SealedDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed PDF (English)"),
    )
    # Claims for one-off messages: a conditional UPDATE sets each before sending.
    signed_notice_sent_at = models.DateTimeField(null=True, blank=True)
    renewal_reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = AgreementVersionQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "-number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreementversion_unique_number"
            ),
            # One version at a time is being drafted or signed …
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=("draft", "sent")),
                name="agreementversion_one_open",
            ),
            # … and one is in force.
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="signed"),
                name="agreementversion_one_signed",
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_until__gte=models.F("effective_from")),
                name="agreementversion_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — v{self.number}"

    # Content fields that are frozen once the version leaves draft.
    CONTENT_FIELDS = (*TEXT_FIELDS, "effective_from", "effective_until")

    def save(self, *args, **kwargs) -> None:
        """Refuse to store changed content unless the stored row is still a draft."""
        if self.pk is not None:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("status", *self.CONTENT_FIELDS, "content_sha256")
                .first()
            )
            if stored and stored["status"] != self.Status.DRAFT:
                changed = [f for f in self.CONTENT_FIELDS if getattr(self, f) != stored[f]]
                if stored["content_sha256"] and self.content_sha256 != stored["content_sha256"]:
                    changed.append("content_sha256")
                if changed:
                    raise ContentFrozen
        super().save(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    @property
    def can_withdraw(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SENT)

    def resource_totals(self) -> dict[str, Decimal]:
        rows = self.resources.values("kind").annotate(total=Sum("amount_baht"))
        totals = {row["kind"]: row["total"] or Decimal(0) for row in rows}
        money = totals.get(ResourceItem.Kind.MONEY, Decimal(0))
        other = totals.get(ResourceItem.Kind.OTHER, Decimal(0))
        return {"money": money, "other": other, "all": money + other}


class _FrozenWithVersion(models.Model):
    """Rows that are part of a version's content: changed only while it is a draft."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._version_is_draft():
            raise ContentFrozen
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not self._version_is_draft():
            raise ContentFrozen
        return super().delete(*args, **kwargs)

    def _version_is_draft(self) -> bool:
        status = (
            AgreementVersion.objects.filter(pk=self.version_id)
            .values_list("status", flat=True)
            .first()
        )
        return status in (None, AgreementVersion.Status.DRAFT)


class Duty(_FrozenWithVersion):
    """Section II: one duty of one organisation."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="duties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    text = models.TextField(_("duty"))

    class Meta:
        ordering = ["version", "organisation__name_th", "id"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text[:40]}"


class ResourceItem(_FrozenWithVersion):
    """Section III: one line of money or another resource, valued in baht."""

    # No school network's agreement commits a billion baht; a larger figure is a typo
    # (an extra zero, or a phone number in the wrong box). The form and the service
    # both refuse it.
    AMOUNT_CAP = Decimal("1000000000")

    class Kind(models.TextChoices):
        MONEY = "money", _("Money")
        OTHER = "other", _("Other resource")

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.MONEY)
    description = models.CharField(_("description"), max_length=500)
    amount_baht = models.DecimalField(
        _("amount (baht)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contributing organisation"),
    )

    class Meta:
        ordering = ["version", "kind", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_baht__gte=0), name="resourceitem_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount_baht} THB)"


class Party(models.Model):
    """An organisation that signs a version, through the person who signs for it."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("signature status", "Waiting for signature")
        SIGNED = "signed", pgettext_lazy("signature status", "Signed")
        DECLINED = "declined", pgettext_lazy("signature status", "Declined")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    signatory = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("signatory")
    )
    position = models.CharField(_("position"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    typed_name = models.CharField(_("typed name"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Claims for one-off messages (a conditional UPDATE sets each before sending).
    request_sent_at = models.DateTimeField(null=True, blank=True)
    decline_notice_sent_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "organisation__name_th"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="party_one_per_organisation"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_at__isnull=False),
                name="party_signed_has_time",
            ),
        ]

    # Who signs for whom is part of the content; it is frozen with the version.
    CONTENT_FIELDS = ("organisation_id", "signatory_id", "position")

    def __str__(self) -> str:
        return f"{self.organisation} — {self.signatory}"

    def save(self, *args, **kwargs) -> None:
        stored = (
            AgreementVersion.objects.filter(pk=self.version_id)
            .values_list("status", flat=True)
            .first()
        )
        if stored not in (None, AgreementVersion.Status.DRAFT):
            if self.pk is None:
                raise ContentFrozen
            before = (
                type(self).objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first() or {}
            )
            if any(getattr(self, f) != before.get(f) for f in self.CONTENT_FIELDS):
                raise ContentFrozen
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.version.status != AgreementVersion.Status.DRAFT:
            raise ContentFrozen
        return super().delete(*args, **kwargs)


class SigningEvent(models.Model):
    """The audit trail of a version: printed in the signed PDF's appendix."""

    class Kind(models.TextChoices):
        SENT = "sent", pgettext_lazy("signing event", "Sent for signature")
        VIEWED = "viewed", pgettext_lazy("signing event", "Viewed")
        SIGNED = "signed", pgettext_lazy("signing event", "Signed")
        DECLINED = "declined", pgettext_lazy("signing event", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("signing event", "Withdrawn")
        REMINDED = "reminded", pgettext_lazy("signing event", "Reminder sent")
        COMPLETED = "completed", pgettext_lazy("signing event", "Fully signed")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="events")
    party = models.ForeignKey(
        Party, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "at", "id"]
        verbose_name = _("signing event")
        verbose_name_plural = _("signing events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


class SignatureReminder(models.Model):
    """One reminder to one signatory. The unique constraints make each exist once.

    A worker inserts the row (the claim) before the email leaves, so two workers,
    or two sweeps, can never send the same reminder twice.
    """

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="reminders")
    sequence = models.PositiveSmallIntegerField()
    day = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature reminder")
        verbose_name_plural = _("signature reminders")
        ordering = ["party", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "sequence"], name="signaturereminder_unique_sequence"
            ),
            models.UniqueConstraint(fields=["party", "day"], name="signaturereminder_one_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.party} #{self.sequence} ({self.day})"
