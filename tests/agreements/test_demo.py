from __future__ import annotations

import pytest
from django.core.management import call_command

from agreements import services
from agreements.models import AgreementVersion, Party
from core.pdf import check_seal
from network.demo import DEMO_PASSWORD
from network.models import Network

pytestmark = pytest.mark.django_db


def test_demo_agreements(client, real_pdf):
    call_command("demo_data")
    sansai = Network.objects.get(slug="sansai-reading")
    current = services.agreement_current_signed(network=sansai)
    assert current is not None
    assert current.parties.count() == 6
    assert not current.parties.exclude(status=Party.Status.SIGNED).exists()
    for document in (current.sealed_document, current.sealed_document_en):
        assert document is not None
        assert document.is_sealed
        assert check_seal(document.file.open("rb").read()).intact

    riverside = Network.objects.get(slug="riverside-nakhonpathom")
    waiting = AgreementVersion.objects.get(agreement__network=riverside)
    assert waiting.status == AgreementVersion.Status.SENT
    party = waiting.parties.get(signatory__user__email="partner2@khruakhai.example")
    assert party.status == Party.Status.PENDING

    # The demo partner logs in and signs through the page.
    client.post(
        "/accounts/login/", {"login": "partner2@khruakhai.example", "password": DEMO_PASSWORD}
    )
    response = client.post(
        f"/networks/{riverside.slug}/agreement/v{waiting.number}/sign/",
        {"password": DEMO_PASSWORD, "typed_name": party.signatory.full_name, "confirm": "on"},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == AgreementVersion.Status.SIGNED
