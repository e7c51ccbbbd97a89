"""The writes alone: a membership made or ended, a role given or taken away.

Callers in the app reach these through the rules: ``joining.organisation_attach``
decides whether an organisation may join, ``roles.role_offer`` whether a login is
asked first. A network keeps at least one coordinator (``role_revoke``).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Membership, Network, Organisation, Person, Role
from network.selectors import chair_refusal, organisation_is_member

from .errors import LastCoordinator, MembershipError, PersonError


def membership_add(
    *,
    network: Network,
    organisation: Organisation,
    joined_on: dt.date | None = None,
    place: str = Membership.Place.PARTNER,
) -> Membership:
    """The write alone: the organisation's current membership, made if missing.

    Callers in the app go through ``organisation_attach``, which decides whether
    this organisation may be attached at all.
    """
    membership, _created = Membership.objects.current().get_or_create(
        network=network,
        organisation=organisation,
        defaults={"joined_on": joined_on or timezone.localdate(), "place": place},
    )
    return membership


@transaction.atomic
@transaction.atomic
def membership_end(*, membership: Membership, left_on: dt.date | None = None) -> Membership:
    """An organisation leaves the network: its people lose their roles in it.

    The row stays (with its dates) so the network's history shows who was a member
    when; the lead organisation cannot leave until another organisation leads. Nor
    can an organisation whose people are the network's only coordinators: the
    network's row is locked first, as in ``role_revoke``, so a role removal at the
    same moment cannot leave the network with nobody to manage it.
    """
    Network.objects.select_for_update().get(pk=membership.network_id)
    if membership.organisation_id == membership.network.lead_organisation_id:
        raise MembershipError(_("The lead organisation cannot leave. Choose another lead first."))
    coordinators = Role.objects.coordinators().filter(network_id=membership.network_id)
    staying = coordinators.exclude(person__organisation_id=membership.organisation_id)
    if coordinators.exists() and not staying.exists():
        raise MembershipError(_("A network needs at least one coordinator."))
    membership.left_on = left_on or timezone.localdate()
    membership.save(update_fields=["left_on"])
    for role in Role.objects.filter(
        network=membership.network, person__organisation=membership.organisation
    ):
        role.delete()
    return membership


def role_grant(*, network: Network, person: Person, kind: str) -> Role:
    """The write alone. A role belongs to a person of a current member organisation;
    the app's paths give roles through ``role_offer`` (consent first for a login).
    A second chair is refused (PersonError), here and by the database."""
    if not organisation_is_member(network, person.organisation_id):
        raise ValueError("a role is given only to a person of a current member organisation")
    refusal = chair_refusal(network, kind, person)
    if refusal:
        raise PersonError(refusal)
    try:
        with transaction.atomic():
            role, _created = Role.objects.get_or_create(network=network, person=person, kind=kind)
    except IntegrityError:
        # Two chairs given at the same moment: the constraint keeps one.
        raise PersonError(
            chair_refusal(network, kind, person) or _("The role is not added.")
        ) from None
    return role


@transaction.atomic
def role_revoke(*, role: Role) -> None:
    """Remove one role; deleting through the model keeps a history row.

    A network keeps at least one coordinator (LastCoordinator). The network's row is
    locked before the coordinators are counted, so two removals at the same moment
    are counted one after the other: the second sees the first one's deletion and
    is refused, instead of both passing and leaving nobody to manage the network.
    """
    Network.objects.select_for_update().get(pk=role.network_id)
    current = Role.objects.filter(pk=role.pk).first()
    if current is None:
        return  # removed already (a second click): nothing more to do
    if current.kind == Role.Kind.COORDINATOR:
        coordinators = Role.objects.coordinators().filter(network_id=current.network_id).count()
        if coordinators <= 1:
            raise LastCoordinator(_("A network needs at least one coordinator."))
    current.delete()
