"""Founding a network: its address, the lead organisation joining, the first coordinator."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from network.models import Membership, Network, Organisation, Person, Role
from network.selectors import organisations_attachable
from network.signals import network_created

from .errors import FoundingError
from .joining import organisation_attach
from .organisations import organisation_create

# Paths under /networks/ that are pages, not networks.
RESERVED_SLUGS = frozenset({"new"})


def _romanized(text: str) -> str:
    """Thai letters in the Royal Institute's romanisation, word by word, so a network
    named only in Thai gets a readable address (``/networks/kheruekhai-ban-na/``)
    rather than the bare fallback. PyThaiNLP's royin engine and its newmm word list
    ship inside the package: nothing is downloaded. Any other script passes through."""
    try:
        # PyThaiNLP takes a fifth of a second to import and is needed only for a
        # network named in Thai alone: every process would pay it at start-up.
        from pythainlp.tokenize import word_tokenize  # noqa: PLC0415 - heavy, rarely needed
        from pythainlp.transliterate import romanize  # noqa: PLC0415 - heavy, rarely needed
    except ImportError:  # pragma: no cover - the package is a dependency
        return text
    words = word_tokenize(text, engine="newmm", keep_whitespace=False)
    return " ".join(romanize(word, engine="royin") for word in words if word.strip())


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:60].strip("-")
    if not slug:
        # slugify drops Thai letters: romanise them, and number what is still empty.
        slug = slugify(_romanized(base))[:60].strip("-") or "network"
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
    """Found a network: the lead organisation joins it and the founder coordinates it.

    The lead joins through ``organisation_attach``'s rule with the founder as the
    acting user: their own organisation (or, for a site admin, any). Anything
    else raises FoundingError before a row is written.
    """
    if lead_organisation.pk not in organisations_attachable(
        user=coordinator.user, organisations=[lead_organisation]
    ):
        raise FoundingError(
            _("A network is led by the founder's own organisation: %(org)s is not yours.")
            % {"org": lead_organisation.name}
        )
    network = Network.objects.create(
        name_th=name_th,
        name_en=name_en,
        slug=slug or _unique_slug(name_en or name_th),
        form=form,
        lead_organisation=lead_organisation,
        founded_on=founded_on or timezone.localdate(),
        benefits=benefits or [],
    )
    organisation_attach(
        network=network,
        organisation=lead_organisation,
        user=coordinator.user,
        place=Membership.Place.LEAD,
        joined_on=network.founded_on,
    )
    Role.objects.create(network=network, person=coordinator, kind=Role.Kind.COORDINATOR)
    network_created.send(sender=Network, network=network)
    return network


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
    if organisation is not None and organisation.pk not in organisations_attachable(
        user=user, organisations=[organisation]
    ):
        # Becoming its person would make the user speak for it: only a site admin
        # founds with an organisation that is not already theirs.
        raise FoundingError(
            _("You cannot lead a network with %(org)s: you do not speak for it.")
            % {"org": organisation.name}
        )
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
