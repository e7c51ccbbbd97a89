"""People of member organisations: added with a role, corrected, moved."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from network.models import Invitation, Membership, Network, Organisation, Person
from network.selectors import chair_refusal, organisation_is_member, person_login_email_locked
from network.signals import person_moving

from .errors import PersonError
from .invitations import invitation_create
from .membership import role_grant
from .roles import role_offer


def account_elsewhere_message() -> str:
    """Why an address cannot be added for this organisation (people page and import)."""
    return _(
        "This address signs in to an account of a person of another organisation. "
        "Add them with their own organisation, once it is a member."
    )


@transaction.atomic
def person_add(
    *,
    network: Network,
    organisation: Organisation,
    full_name: str,
    kind: str,
    invited_by=None,
    title: str = "",
    position: str = "",
    category: str = "",
    email: str = "",
    phone: str = "",
) -> Person | Invitation:
    """A person of a current member organisation, with a role in the network.

    An address that already signs in to an account is not copied into a new
    record: that login is asked (``role_offer``; an Invitation is returned), and
    one belonging to a person of another organisation is refused (PersonError).
    Otherwise the person is created with the role at once.
    """
    if not organisation_is_member(network, organisation.pk):
        raise PersonError(
            _("%(org)s is not a member of this network.") % {"org": organisation.name}
        )
    refusal = chair_refusal(network, kind)
    if refusal:
        raise PersonError(refusal)  # before a person is created for a role they cannot have
    email = email.strip().lower()
    account = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if account is not None:
        existing = Person.objects.filter(user=account).select_related("organisation").first()
        if existing is None:
            invitation, _token = invitation_create(
                network=network,
                organisation=organisation,
                email=account.email,
                full_name=full_name,
                title=title,
                position=position,
                category=category,
                role=kind,
                invited_by=invited_by,
                language=account.language,
            )
            return invitation
        if existing.organisation_id != organisation.pk:
            raise PersonError(account_elsewhere_message())
        return role_offer(network=network, person=existing, kind=kind, invited_by=invited_by)
    person = Person.objects.create(
        organisation=organisation,
        full_name=full_name.strip(),
        title=title.strip(),
        position=position.strip(),
        category=category,
        email=email,
        phone=phone.strip(),
    )
    role_grant(network=network, person=person, kind=kind)
    return person


def _move_refusal(person: Person, organisation: Organisation) -> str:
    """Why the person cannot move to ``organisation``; empty when they may.

    A role in a network belongs to a member organisation's person, so the new
    organisation must be a current member of every network the person holds a
    role in; and any other app may keep them where they are (``person_moving``).
    """
    stranded = (
        Network.objects.filter(roles__person=person)
        .exclude(
            id__in=Membership.objects.current()
            .filter(organisation=organisation)
            .values("network_id")
        )
        .distinct()
    )
    names = sorted(network.name for network in stranded)
    if names:
        return _(
            "%(org)s is not a member of every network this person has a role in (%(networks)s)."
        ) % {"org": organisation.name, "networks": ", ".join(names)}
    reasons = [
        str(reason)
        for _receiver, reason in person_moving.send(
            sender=Person, person=person, organisation=organisation
        )
        if reason
    ]
    return reasons[0] if reasons else ""


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
    address (see ``selectors.person_login_email_locked``), or when the new
    organisation is not a current member of every network the person holds a role
    in: a role in a network belongs to a member organisation's person.
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
        refusal = _move_refusal(person, organisation)
        if refusal:
            raise PersonError(refusal)
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
