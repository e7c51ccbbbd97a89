from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import Membership, Network, Organisation, Person, Role
from .signals import network_created


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:60] or "network"
    candidate, n = slug, 2
    while Network.objects.filter(slug=candidate).exists():
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


def role_grant(*, network: Network, person: Person, kind: str) -> Role:
    role, _created = Role.objects.get_or_create(network=network, person=person, kind=kind)
    return role
