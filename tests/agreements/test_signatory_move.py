"""A person named to sign an open agreement stays with the organisation they sign
for (agreements answer network.signals.person_moving)."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from network import services as network_services
from network.models import Person

from . import factories as f

pytestmark = pytest.mark.django_db


def _move(person: Person, organisation) -> Person:
    return network_services.person_update(
        person=person,
        full_name=person.full_name,
        organisation=organisation,
        title=person.title,
        position=person.position,
        category=person.category,
        email=person.email,
        phone=person.phone,
    )


@pytest.mark.parametrize("stage", [f.draft_for, f.sent_for])
def test_an_open_agreements_signatory_cannot_move(cast, stage):
    stage(cast)
    signatory = cast.partner.person
    with pytest.raises(network_services.PersonError, match="ระบุผู้ลงนามคนอื่น"):
        _move(signatory, cast.network.lead_organisation)
    with (
        translation.override("en"),
        pytest.raises(network_services.PersonError, match="name another signatory"),
    ):
        _move(signatory, cast.network.lead_organisation)
    signatory.refresh_from_db()
    assert signatory.organisation == cast.partner_org


def test_the_person_page_says_why(cast):
    f.sent_for(cast)
    signatory = cast.partner.person
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/people/{signatory.pk}/edit/",
        {
            "organisation": cast.network.lead_organisation.pk,
            "title": signatory.title,
            "full_name": signatory.full_name,
            "position": signatory.position,
            "category": signatory.category,
            "email": signatory.email,
            "phone": signatory.phone,
        },
    )
    assert response.status_code == 422
    assert "alert-danger" in response.content.decode()
    signatory.refresh_from_db()
    assert signatory.organisation == cast.partner_org


def test_once_they_have_signed_the_person_may_move(cast):
    version = f.sent_for(cast)
    version.parties.filter(signatory=cast.partner.person).update(
        status="signed", signed_at=timezone.now()
    )
    signatory = cast.partner.person
    assert _move(signatory, cast.network.lead_organisation).organisation == (
        cast.network.lead_organisation
    )
