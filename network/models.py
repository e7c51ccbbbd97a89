from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Upper
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .catalogue import (
    CHARTER_PARTS,
    MEMBER_CATEGORIES,
    NETWORK_FORMS,
    ORGANISATION_KINDS,
    by_code,
    choices,
)
from .provinces import PROVINCES
from .querysets import (
    InvitationQuerySet,
    JoinRequestQuerySet,
    MembershipQuerySet,
    NetworkQuerySet,
    OrganisationQuerySet,
    PersonQuerySet,
    RoleQuerySet,
)


def _localised(th: str, en: str) -> str:
    """The English name in English when there is one; the Thai name otherwise."""
    if en and not (translation.get_language() or "th").startswith("th"):
        return en
    return th


class Organisation(models.Model):
    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=choices(ORGANISATION_KINDS))
    province = models.CharField(_("province"), max_length=40, choices=choices(PROVINCES))
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Verified by a site admin (optionally against an official identifier such as
    # the Ministry's school code), so a look-alike record cannot pass as the real
    # school: agreements, their PDFs and the verify page show each party's state.
    official_code = models.CharField(_("official identifier"), max_length=40, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the directory's search looks in: both names in capitals, kept by the
    # database itself (a stored generated column, so an update by any path keeps it
    # right), one trigram index over it (migration 0008). Searching it instead of
    # UPPER() of each name costs PostgreSQL a quarter to a third less: no name is put
    # in capitals again for each row an index lookup finds. A newline joins the names;
    # a search holds none (``search_folded``), so no match runs from one name into
    # the other.
    search_name = models.GeneratedField(
        expression=Concat(Upper("name_th"), Value("\n"), Upper("name_en")),
        output_field=models.TextField(),
        db_persist=True,
    )
    history = HistoricalRecords(excluded_fields=["search_name"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self.name_th, self.name_en)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def kind_entry(self):
        return by_code(ORGANISATION_KINDS).get(self.kind)

    @property
    def province_entry(self):
        return by_code(PROVINCES).get(self.province)


class Network(models.Model):
    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    slug = models.SlugField(_("short name for addresses"), max_length=80, unique=True)
    form = models.CharField(_("form of network"), max_length=32, choices=choices(NETWORK_FORMS))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.FORMING
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="led_networks",
        null=True,
        blank=True,
    )
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    benefits = models.JSONField(_("benefits aimed for"), default=list, blank=True)
    # The charter: the six parts of the network-based management approach.
    purpose = models.TextField(_("purpose"), blank=True)
    principle = models.TextField(_("principle"), blank=True)
    capability = models.TextField(_("capability"), blank=True)
    concept = models.TextField(_("concept"), blank=True)
    structure = models.TextField(_("structure"), blank=True)
    practice = models.TextField(_("practice"), blank=True)
    dissolved_on = models.DateField(_("dissolution date"), null=True, blank=True)
    dissolution_reason = models.TextField(_("reason for dissolution"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name_th"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _localised(self.name_th, self.name_en)

    @property
    def is_dissolved(self) -> bool:
        return self.status == self.Status.DISSOLVED

    @property
    def form_entry(self):
        return by_code(NETWORK_FORMS).get(self.form)

    def charter(self) -> list[tuple]:
        """(catalogue entry, text) for the six parts, in the deck's order."""
        return [(part, getattr(self, part.code)) for part in CHARTER_PARTS]


class Membership(models.Model):
    """An organisation's place in a network, from joining until leaving."""

    class Place(models.TextChoices):
        LEAD = "lead", _("Lead organisation")
        PARTNER = "partner", _("Partner")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    place = models.CharField(
        _("place in the network"), max_length=16, choices=Place.choices, default=Place.PARTNER
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["network", "organisation__name_th"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                condition=Q(left_on__isnull=True),
                name="membership_one_current_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.network}"


class Person(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        related_name="person",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=50, blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=32, choices=choices(MEMBER_CATEGORIES), blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.title}{self.full_name}" if self.title else self.full_name

    @property
    def category_entry(self):
        return by_code(MEMBER_CATEGORIES).get(self.category)


class Role(models.Model):
    """A person's role in one network. Many leaders at once is normal (§7, factor 4)."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        CHAIR = "chair", _("Committee chair")
        COMMITTEE = "committee", _("Committee member")
        CORE_LEADER = "core_leader", _("Core leader")
        PARTNER_REP = "partner_rep", _("Partner representative")
        MEMBER = "member", _("Member")

    # The roles that speak for an organisation: its representative and the
    # network's coordinator. Every "who answers for this organisation" asks this.
    SPEAKING_KINDS = (Kind.PARTNER_REP, Kind.COORDINATOR)

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["network", "kind", "person__full_name"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person", "kind"], name="role_unique_per_person"
            ),
            # One committee chair per network; services refuse a second with a message.
            models.UniqueConstraint(
                fields=["network"], condition=Q(kind="chair"), name="role_one_chair_per_network"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} @ {self.network}"


class Invitation(models.Model):
    """A single-use, expiring link asking someone to represent an organisation in a network.

    Only the SHA-256 of the token is stored: a copy of the database cannot be used
    to accept anyone's invitation.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    title = models.CharField(_("title"), max_length=50, blank=True)
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=32, choices=choices(MEMBER_CATEGORIES), blank=True
    )
    role = models.CharField(
        _("role"), max_length=16, choices=Role.Kind.choices, default=Role.Kind.PARTNER_REP
    )
    language = models.CharField(
        _("language of the email"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.network}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label


class JoinRequest(models.Model):
    """A network asks an organisation to join it; the organisation answers.

    An organisation belongs to itself: it becomes a member of a network that
    someone else runs only when one of its own representatives (or a site admin,
    when it has none) accepts. ``services.organisation_attach`` files these.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="join_requests"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Each email is claimed once by a conditional UPDATE on these (see services).
    notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    decision_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                condition=Q(state="pending"),
                name="joinrequest_one_pending_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.network} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
