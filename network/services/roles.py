"""Roles given with consent: a login is asked (an invitation) before it holds one."""

from __future__ import annotations

from django.utils.translation import gettext as _

from network.models import Invitation, Network, Person, Role
from network.selectors import chair_refusal, organisation_is_member

from .errors import PersonError
from .invitations import invitation_create
from .membership import role_grant


def role_add(*, network: Network, person: Person, kind: str, invited_by) -> Role | Invitation:
    """The people page's "add a role": a role the person already holds changes
    nothing and says so (PersonError); otherwise ``role_offer``. Imports keep
    calling ``role_offer``, for which a role already held is simply kept."""
    if Role.objects.filter(network=network, person=person, kind=kind).exists():
        raise PersonError(
            _("%(name)s already has this role: %(role)s.")
            % {"name": person.display_name, "role": Role.Kind(kind).label}
        )
    return role_offer(network=network, person=person, kind=kind, invited_by=invited_by)


def role_offer(*, network: Network, person: Person, kind: str, invited_by) -> Role | Invitation:
    """Give a role with the person's consent.

    A person without a login gets the role at once (nobody to ask, and nothing is
    sent to them). A login that already holds a role in this network has already
    accepted it: further roles there are given at once too. Any other login is
    invited (the same single-use link as ``invitation_create``) and gets the role
    only by accepting; until then they receive nothing from the network, cannot be
    asked to sign for it and do not see it. Returns the Role or the Invitation.
    """
    if not organisation_is_member(network, person.organisation_id):
        raise PersonError(
            _("%(org)s is not a member of this network.") % {"org": person.organisation.name}
        )
    if person.user_id is None or Role.objects.filter(network=network, person=person).exists():
        return role_grant(network=network, person=person, kind=kind)
    refusal = chair_refusal(network, kind, person)
    if refusal:
        raise PersonError(refusal)  # before an invitation that could never be accepted
    user = person.user
    waiting = (
        Invitation.objects.pending()
        .filter(network=network, email__iexact=user.email, organisation=person.organisation_id)
        .filter(role=kind)
        .first()
    )
    if waiting is not None:
        return waiting  # asked already: no second email
    invitation, _token = invitation_create(
        network=network,
        organisation=person.organisation,
        email=user.email,
        full_name=person.full_name,
        title=person.title,
        position=person.position,
        category=person.category,
        role=kind,
        invited_by=invited_by,
        language=user.language,
    )
    return invitation
