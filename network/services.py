from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.mail import email_send
from core.tasks import enqueue

from .catalogue import CHARTER_PARTS
from .models import Invitation, Membership, Network, Organisation, Person, Role
from .signals import network_created, person_moving

# Paths under /networks/ that are pages, not networks.
RESERVED_SLUGS = frozenset({"new"})


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:60] or "network"
    candidate, n = slug, 2
    while candidate in RESERVED_SLUGS or Network.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def network_create(
    *,
    name_th: str,
    form: str,
    lead_organisation: Organisation,
    coordinator: Person,
    name_en: str = "",
    slug: str = "",
    founded_on: dt.date | None = None,
    benefits: list[str] | None = None,
) -> Network:
    """Found a network: the lead organisation joins it and the founder coordinates it."""
    network = Network.objects.create(
        name_th=name_th,
        name_en=name_en,
        slug=slug or _unique_slug(name_en or name_th),
        form=form,
        lead_organisation=lead_organisation,
        founded_on=founded_on or timezone.localdate(),
        benefits=benefits or [],
    )
    Membership.objects.create(
        network=network,
        organisation=lead_organisation,
        place=Membership.Place.LEAD,
        joined_on=network.founded_on,
    )
    Role.objects.create(network=network, person=coordinator, kind=Role.Kind.COORDINATOR)
    network_created.send(sender=Network, network=network)
    return network


class FoundingError(Exception):
    """The network cannot be founded so; the message says why, in the user's language."""


@transaction.atomic
def network_found(
    *,
    user,
    full_name: str,
    name_th: str,
    form: str,
    organisation: Organisation | None = None,
    organisation_details: dict | None = None,
    title: str = "",
    position: str = "",
    name_en: str = "",
    founded_on: dt.date | None = None,
    benefits: list[str] | None = None,
) -> Network:
    """Found a network as a login that is not yet a person of any organisation.

    In one transaction: the organisation (an existing one, or a new one made from
    ``organisation_details``), the user's own person in it (their email is the
    login's), then ``network_create`` with that organisation leading and the new
    person coordinating. A user who already is a person founds through
    ``network_create`` directly; asking here raises FoundingError.
    """
    # Lock the login's row so a double-submitted form makes one person, not an error.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if Person.objects.filter(user=user).exists():
        raise FoundingError(_("Your account already belongs to a person of an organisation."))
    if (organisation is None) == (organisation_details is None):
        raise ValueError("give either an existing organisation or the details of a new one")
    organisation = organisation or organisation_create(details=organisation_details or {})
    founder = Person.objects.create(
        organisation=organisation,
        user=user,
        full_name=full_name.strip(),
        title=title.strip(),
        position=position.strip(),
        email=user.email.lower(),
    )
    return network_create(
        name_th=name_th,
        name_en=name_en,
        form=form,
        founded_on=founded_on,
        benefits=benefits,
        lead_organisation=organisation,
        coordinator=founder,
    )


@transaction.atomic
def membership_add(
    *, network: Network, organisation: Organisation, joined_on: dt.date | None = None
) -> Membership:
    """Add an organisation to a network, unless it is already a current member."""
    membership, _created = Membership.objects.get_or_create(
        network=network,
        organisation=organisation,
        left_on=None,
        defaults={"joined_on": joined_on or timezone.localdate()},
    )
    return membership


@transaction.atomic
def member_organisation_add(
    *, network: Network, existing: Organisation | None = None, details: dict | None = None
) -> Organisation:
    """Bring an existing organisation, or a new one made from ``details``, into the network."""
    organisation = existing or organisation_create(details=details or {})
    membership_add(network=network, organisation=organisation)
    return organisation


def role_grant(*, network: Network, person: Person, kind: str) -> Role:
    role, _created = Role.objects.get_or_create(network=network, person=person, kind=kind)
    return role


# --- the network itself ------------------------------------------------------------
NETWORK_EDITABLE = ("name_th", "name_en", "form", "status", "lead_organisation", "founded_on")


@transaction.atomic
def network_update(*, network: Network, changes: dict) -> Network:
    """Save the basic facts and the benefits checklist; dissolution has its own service.

    A new lead organisation takes the lead place among the memberships and the
    previous lead becomes a partner, so the member list and the map agree.
    """
    previous_lead = network.lead_organisation_id
    for field, value in changes.items():
        if field not in (*NETWORK_EDITABLE, "benefits"):
            raise ValueError(f"{field} is not editable here")
        setattr(network, field, value)
    if network.status == Network.Status.DISSOLVED:
        raise ValueError("use network_dissolve to dissolve a network")
    network.save()
    if network.lead_organisation_id != previous_lead:
        for membership in network.memberships.filter(left_on__isnull=True):
            place = (
                Membership.Place.LEAD
                if membership.organisation_id == network.lead_organisation_id
                else Membership.Place.PARTNER
            )
            if membership.place != place:
                membership.place = place
                membership.save(update_fields=["place"])
    return network


def charter_update(*, network: Network, parts: dict[str, str]) -> Network:
    """Write the six parts of the charter; the history keeps every earlier wording."""
    allowed = {part.code for part in CHARTER_PARTS}
    for code, text in parts.items():
        if code not in allowed:
            raise ValueError(f"{code} is not a charter part")
        setattr(network, code, text.strip())
    network.save()
    return network


@transaction.atomic
def network_dissolve(*, network: Network, reason: str, dissolved_on: dt.date) -> Network:
    """Close a network (§7: networks dissolve when no longer needed); it becomes read-only."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    network.status = Network.Status.DISSOLVED
    network.dissolution_reason = reason.strip()
    network.dissolved_on = dissolved_on
    network.save()
    for invitation in network.invitations.pending():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return network


@transaction.atomic
def network_reopen(*, network: Network) -> Network:
    """Site admins only: the reason and date stay in the history."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    network.status = Network.Status.ACTIVE
    network.dissolved_on = None
    network.dissolution_reason = ""
    network.save()
    return network


# --- organisations and people ------------------------------------------------------
ORGANISATION_EDITABLE = ("name_th", "name_en", "kind", "province", "address", "phone", "email")


def organisation_create(*, details: dict) -> Organisation:
    """A new organisation in the directory, from the organisation form's fields."""
    for field in details:
        if field not in (*ORGANISATION_EDITABLE, "website"):
            raise ValueError(f"{field} is not an organisation detail")
    return Organisation.objects.create(**details)


def organisation_update(*, organisation: Organisation, changes: dict) -> Organisation:
    for field, value in changes.items():
        if field not in (*ORGANISATION_EDITABLE, "website"):
            raise ValueError(f"{field} is not editable here")
        setattr(organisation, field, value)
    organisation.save()
    return organisation


@transaction.atomic
def person_add(
    *,
    network: Network,
    organisation: Organisation,
    full_name: str,
    kind: str,
    title: str = "",
    position: str = "",
    category: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    """A person of a member organisation, with a role in the network.

    The organisation joins the network first if it is not yet a member.
    """
    membership_add(network=network, organisation=organisation)
    person = Person.objects.create(
        organisation=organisation,
        full_name=full_name.strip(),
        title=title.strip(),
        position=position.strip(),
        category=category,
        email=email.strip().lower(),
        phone=phone.strip(),
    )
    role_grant(network=network, person=person, kind=kind)
    return person


class PersonError(Exception):
    """The person cannot be changed so; the message says why, in the user's language."""


def person_login_email_locked(person: Person) -> bool:
    """True when the person's email is the address their login signs in with.

    The rule: this app never changes a login's email through a person's record.
    The sign-in address belongs to the account and is changed (with its own
    checks) by its owner on allauth's email page; if a coordinator could change it
    here, they could point someone else's login at their own mailbox and take it over with a
    password reset. So while the person's email *is* the login's, it stays as it
    is here. A contact email that already differs from the login's is only a
    contact address and may be corrected freely; the login is untouched either way.
    """
    return bool(
        person.user_id and person.email and person.email.lower() == person.user.email.lower()
    )


@transaction.atomic
def person_update(
    *,
    person: Person,
    full_name: str,
    organisation: Organisation | None = None,
    title: str = "",
    position: str = "",
    category: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    """Correct a person's details; saved through ``save()`` so the history keeps
    the earlier version. ``organisation=None`` keeps the current one.

    Raises PersonError (and changes nothing) when the email is the login's sign-in
    address (see ``person_login_email_locked``), or when the new organisation is
    not a current member of every network the person holds a role in: a role in a
    network belongs to a member organisation's person.
    """
    # Lock the person alone: the login is LEFT JOINed and PostgreSQL will not lock
    # the nullable side of an outer join.
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    email = email.strip().lower()
    if person_login_email_locked(person) and email != person.email.lower():
        raise PersonError(
            _(
                "This is the address %(name)s signs in with; they change it themselves from "
                "the menu under their name (Sign-in email), not here."
            )
            % {"name": person.display_name}
        )
    if organisation is not None and organisation.pk != person.organisation_id:
        stranded = (
            Network.objects.filter(roles__person=person)
            .exclude(
                id__in=Membership.objects.filter(
                    organisation=organisation, left_on__isnull=True
                ).values("network_id")
            )
            .distinct()
        )
        names = sorted(network.name for network in stranded)
        if names:
            raise PersonError(
                _(
                    "%(org)s is not a member of every network this person has a role in "
                    "(%(networks)s)."
                )
                % {"org": organisation.name, "networks": ", ".join(names)}
            )
        reasons = [
            str(reason)
            for _receiver, reason in person_moving.send(
                sender=Person, person=person, organisation=organisation
            )
            if reason
        ]
        if reasons:
            raise PersonError(reasons[0])
        person.organisation = organisation
    person.full_name = full_name.strip()
    person.title = title.strip()
    person.position = position.strip()
    person.category = category
    person.email = email
    person.phone = phone.strip()
    person.save()
    user = person.user
    if user is not None and user.full_name != person.full_name:
        # The login shows the person's name (menu, emails): a corrected name follows.
        user.full_name = person.full_name
        user.save(update_fields=["full_name"])
    return person


class MembershipError(Exception):
    """The membership cannot end; the message says why."""


@transaction.atomic
def membership_end(*, membership: Membership, left_on: dt.date | None = None) -> Membership:
    """An organisation leaves the network: its people lose their roles in it.

    The row stays (with its dates) so the network's history shows who was a member
    when; the lead organisation cannot leave until another organisation leads.
    """
    if membership.organisation_id == membership.network.lead_organisation_id:
        raise MembershipError(_("The lead organisation cannot leave. Choose another lead first."))
    membership.left_on = left_on or timezone.localdate()
    membership.save(update_fields=["left_on"])
    for role in Role.objects.filter(
        network=membership.network, person__organisation=membership.organisation
    ):
        role.delete()
    return membership


def role_revoke(*, role: Role) -> None:
    """Remove one role; deleting through the model keeps a history row."""
    role.delete()


# --- invitations ------------------------------------------------------------------
INVITATION_DAYS = 7


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *,
    network: Network,
    organisation: Organisation,
    email: str,
    full_name: str,
    invited_by,
    role: str = Role.Kind.PARTNER_REP,
    title: str = "",
    position: str = "",
    category: str = "",
    language: str = "",
    days: int = INVITATION_DAYS,
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its one-time token.

    Re-inviting the same address to the same network revokes the earlier link,
    so only the newest email works. The email goes out after the commit.
    """
    from .tasks import invitation_send_task

    email = email.strip().lower()
    now = timezone.now()
    for old in Invitation.objects.select_for_update().filter(
        network=network, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    existing_user = get_user_model().objects.filter(email__iexact=email).first()
    language = (existing_user.language if existing_user else "") or language or "th"
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        network=network,
        organisation=organisation,
        email=email,
        title=title.strip(),
        full_name=full_name.strip(),
        position=position.strip(),
        category=category,
        role=role,
        language=language,
        token_hash=_token_hash(token),
        invited_by=invited_by,
        expires_at=now + dt.timedelta(days=days),
    )
    # The raw token exists only here and in the email; the task needs it to
    # write the link, and the database keeps only its hash.
    enqueue(invitation_send_task, invitation.id, token)
    return invitation, token


def invitation_send(*, invitation_id: int, token: str) -> bool:
    """Email the invitation once. A conditional UPDATE claims it, so a task run
    twice sends one email; a link revoked before the worker got to it is not sent."""
    claimed = Invitation.objects.filter(
        id=invitation_id,
        sent_at__isnull=True,
        revoked_at__isnull=True,
        accepted_at__isnull=True,
        token_hash=_token_hash(token),
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("network", "organisation", "invited_by").get(
        id=invitation_id
    )
    email_send(
        template="network_invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "network": invitation.network,
            "organisation": invitation.organisation,
            "accept_path": reverse("network:invitation_accept", args=[token]),
            "expires_at": invitation.expires_at,
        },
        language=invitation.language,
    )
    return True


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation a link names, or None for a forged or mistyped link."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("network", "organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.state == Invitation.State.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


class InvitationError(Exception):
    """The invitation cannot be accepted; the message says why, in the user's language."""


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user=None, password: str = "", full_name: str = ""
):
    """Accept: create or link the account, then the person, the membership and the role.

    ``user`` is the logged-in account when the address already has one; otherwise
    a new account is created with ``password``. Returns the user. Nothing changes
    unless the invitation is still pending when the row lock is taken, so two
    clicks on one link accept it once.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != Invitation.State.PENDING:
        raise InvitationError(_("This invitation can no longer be used."))
    if invitation.network.is_dissolved:
        raise InvitationError(_("This network has been dissolved."))
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(_("An account with this email exists: log in to accept."))
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=(full_name or invitation.full_name).strip(),
            language=invitation.language,
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that account to accept it.")
            % {"email": invitation.email}
        )
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = (
            Person.objects.filter(
                organisation=invitation.organisation,
                email__iexact=invitation.email,
                user__isnull=True,
            )
            .order_by("id")
            .first()
        )
    if person is None:
        person = Person(organisation=invitation.organisation, email=invitation.email)
    elif person.organisation_id != invitation.organisation_id:
        raise InvitationError(
            _("Your account already belongs to a person of another organisation.")
        )
    person.user = user
    person.full_name = person.full_name or (full_name or invitation.full_name).strip()
    person.title = person.title or invitation.title
    person.position = person.position or invitation.position
    person.category = person.category or invitation.category
    person.save()
    membership_add(network=invitation.network, organisation=invitation.organisation)
    role_grant(network=invitation.network, person=person, kind=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
