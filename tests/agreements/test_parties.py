"""Who may be a party, and each party's verified state on every page and in the PDF.

Only a current member organisation of the network is a party: a request to join that
is still waiting (network.JoinRequest), or a membership that has ended, is not
membership. And a look-alike record cannot pass as the real school: every page that
lists the parties says whether a site admin verified each organisation.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import AgreementVersion, Party
from agreements.verified import verified_label
from core.errors import ServiceError
from network import models as network_models
from network.models import Membership
from tests import factories as base
from tests.factories import PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def _url(cast, version, tail=""):
    return f"/networks/{cast.network.slug}/agreement/v{version.number}/{tail}"


def _verify(organisation, code: str = "") -> None:
    organisation.verified_at = timezone.now()
    organisation.official_code = code
    organisation.save()


@pytest.fixture
def requested(cast):
    """An organisation with a login of its own that the network asked to join, and
    that has not answered: not a member."""
    organisation = base.OrganisationFactory(name_th="โรงเรียนบ้านหนองบัว")
    person = base.PersonFactory(organisation=organisation)
    join_request = getattr(network_models, "JoinRequest", None)
    if join_request is not None:
        join_request.objects.create(
            network=cast.network, organisation=organisation, requested_by=cast.coordinator
        )
    return person


# --- only current members are parties ---------------------------------------------
def test_a_pending_join_request_is_not_membership(cast, requested):
    organisation = requested.organisation
    assert not Membership.objects.filter(network=cast.network, organisation=organisation).exists()
    choices = services.signatory_choices(network=cast.network)
    assert requested not in choices
    version = f.draft_for(cast, with_partner=False)
    with pytest.raises(ServiceError) as refused:
        services.party_add(version=version, signatory=requested)
    assert "ไม่ได้เป็นสมาชิกของเครือข่ายนี้" in str(refused.value)
    assert not version.parties.filter(organisation=organisation).exists()


def test_the_parties_page_refuses_a_requested_organisation(cast, requested):
    version = f.draft_for(cast, with_partner=False)
    client = cast.client("coordinator")
    page = client.get(_url(cast, version, "parties/")).content.decode()
    assert f'value="{requested.id}"' not in page
    response = client.post(_url(cast, version, "parties/"), {"signatory": requested.id})
    assert response.status_code == 422
    assert response.context["form"].errors["signatory"]
    assert not version.parties.filter(organisation=requested.organisation).exists()


def test_duties_and_resources_refuse_a_requested_organisation(cast, requested):
    version = f.draft_for(cast, with_partner=False)
    with pytest.raises(ServiceError):
        services.duty_add(version=version, organisation=requested.organisation, text="x")
    client = cast.client("coordinator")
    client.post(
        _url(cast, version, "resources/add/"),
        {
            "kind": "money",
            "description": "x",
            "amount_baht": "10",
            "organisation": requested.organisation.id,
        },
    )
    assert not version.resources.filter(organisation=requested.organisation).exists()


def test_a_party_that_left_before_sending_stops_the_send(cast):
    version = f.draft_for(cast)
    Membership.objects.filter(network=cast.network, organisation=cast.partner_org).update(
        left_on=timezone.localdate()
    )
    with pytest.raises(ServiceError) as refused, f.after_commit():
        services.version_send(version=version, user=cast.coordinator)
    assert cast.partner_org.name_th in str(refused.value)
    assert "ไม่ได้เป็นสมาชิกของเครือข่ายนี้แล้ว" in str(refused.value)
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.DRAFT
    assert not version.content_sha256


def test_the_send_page_names_the_organisation_that_left(cast):
    version = f.draft_for(cast)
    Membership.objects.filter(network=cast.network, organisation=cast.partner_org).update(
        left_on=timezone.localdate()
    )
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = "en"
    response = client.post(_url(cast, version, "send/"), follow=True)
    assert "is no longer a member of this network" in response.content.decode()
    version.refresh_from_db()
    assert version.is_draft


def test_a_party_that_left_after_sending_cannot_sign_but_may_decline(cast):
    version = f.sent_for(cast)
    Membership.objects.filter(network=cast.network, organisation=cast.partner_org).update(
        left_on=timezone.localdate()
    )
    party = version.parties.get(organisation=cast.partner_org)
    with pytest.raises(ServiceError) as refused:
        services.party_sign(
            party=party,
            user=cast.partner,
            password=PASSWORD,
            typed_name=party.signatory.full_name,
        )
    assert "ไม่ได้เป็นสมาชิกของเครือข่ายนี้แล้ว จึงไม่สามารถลงนามได้" in str(refused.value)
    party.refresh_from_db()
    assert party.status == Party.Status.PENDING
    with f.after_commit():
        services.party_decline(party=party, user=cast.partner, reason="ออกจากเครือข่ายแล้ว")
    party.refresh_from_db()
    assert party.status == Party.Status.DECLINED


# --- the verified state -------------------------------------------------------------
def test_the_label_in_thai_and_english():
    from django.utils import translation

    with translation.override("th"):
        assert verified_label(verified=True, official_code="1050130001") == (
            "ตรวจสอบแล้ว (รหัส 1050130001)"
        )
        assert verified_label(verified=True) == "ตรวจสอบแล้ว"
        assert verified_label(verified=False) == "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ"
    with translation.override("en"):
        assert verified_label(verified=True, official_code="1050130001") == (
            "Verified (code 1050130001)"
        )
        assert verified_label(verified=False) == "Not yet verified by a site administrator"


@pytest.mark.parametrize("tail", ["", "parties/", "send/"])
def test_pages_show_each_partys_verified_state(cast, tail):
    _verify(cast.network.lead_organisation, "1050130001")
    version = f.draft_for(cast)
    page = cast.client("coordinator").get(_url(cast, version, tail)).content.decode()
    assert "ตรวจสอบแล้ว (รหัส 1050130001)" in page
    assert "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ" in page  # the partner's organisation


def test_the_sign_page_shows_the_states_in_english(cast):
    _verify(cast.partner_org)
    version = f.sent_for(cast)
    client = cast.client("partner")
    client.cookies["khruakhai_language"] = "en"
    page = client.get(_url(cast, version, "sign/")).content.decode()
    assert "Verified" in page
    assert "Not yet verified by a site administrator" in page


def test_the_signatory_choice_says_which_organisation_is_verified(cast):
    _verify(cast.partner_org, "99")
    version = f.draft_for(cast, with_partner=False)
    page = cast.client("coordinator").get(_url(cast, version, "parties/")).content.decode()
    assert f"{cast.partner_org.name_th} (ตรวจสอบแล้ว (รหัส 99))" in page


def test_the_verify_summary_records_the_state_at_sealing(cast):
    _verify(cast.partner_org, "1234")
    version = f.draft_for(cast)
    summary = services.version_summary(version=version, language="th")
    by_name = {p["organisation"]: p for p in summary["parties"]}
    partner = by_name[cast.partner_org.name_th]
    assert partner["verified"] is True
    assert partner["official_code"] == "1234"
    assert partner["verification"] == "ตรวจสอบแล้ว (รหัส 1234)"
    lead = by_name[cast.network.lead_organisation.name_th]
    assert lead["verified"] is False
    assert lead["verification"] == "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ"
    english = services.version_summary(version=version, language="en")
    assert "Verified (code 1234)" in [p["verification"] for p in english["parties"]]


# --- who sees network addresses -----------------------------------------------------
@pytest.mark.parametrize(
    ("role", "sees"),
    [("coordinator", True), ("site_admin", True), ("chair", False), ("partner", False)],
)
def test_only_coordinators_see_addresses_in_the_audit_trail(cast, role, sees):
    version = f.draft_for(cast)
    with f.after_commit():
        services.version_send(
            version=version, user=cast.coordinator, ip="198.51.100.77", user_agent="AuditUA/1.0"
        )
    page = cast.client(role).get(_url(cast, version)).content.decode()
    assert "ส่งให้ลงนาม" in page or "Sent for signature" in page  # the event is listed
    assert ("198.51.100.77" in page) is sees
    assert ("AuditUA/1.0" in page) is sees
