"""Founding a network as a login that is not yet a person of an organisation."""

from __future__ import annotations

import pytest

from network import services
from network.models import Membership, Network, Organisation, Person, Role
from network.signals import network_created
from tests import factories

NETWORK = {"name_th": "เครือข่ายครูคณิตศาสตร์ลำพูน", "form": "cop", "founded_on": "01/11/2569"}
NEW_ORG = {
    "org-name_th": "โรงเรียนบ้านใหม่พัฒนา",
    "org-name_en": "Ban Mai Phatthana School",
    "org-kind": "school",
    "org-province": "lamphun",
}
FOUNDER = {"founder-title": "นาง", "founder-full_name": "สมศรี มีสุข", "founder-position": "ผู้อำนวยการ"}


@pytest.fixture
def newcomer(db):
    return factories.UserFactory(email="somsri@example.org", full_name="สมศรี มีสุข")


def _client(cast, user):
    client = cast.client("anonymous")
    client.force_login(user)
    return client


def _counts() -> tuple[int, int, int]:
    return Network.objects.count(), Organisation.objects.count(), Person.objects.count()


def test_a_newcomer_founds_a_network_with_a_new_organisation(cast, newcomer):
    client = _client(cast, newcomer)
    page = client.get("/networks/new/").content.decode()
    assert 'name="founder-full_name"' in page
    assert 'value="สมศรี มีสุข"' in page
    assert 'name="org-existing"' not in page  # nothing in their directory yet
    received = []

    def receiver(sender, network, **kwargs):
        received.append(network)

    network_created.connect(receiver)
    try:
        response = client.post("/networks/new/", NETWORK | NEW_ORG | FOUNDER)
    finally:
        network_created.disconnect(receiver)
    assert response.status_code == 302
    network = Network.objects.get(name_th=NETWORK["name_th"])
    assert received == [network]
    person = Person.objects.get(user=newcomer)
    assert person.display_name == "นางสมศรี มีสุข"
    assert person.position == "ผู้อำนวยการ"
    assert person.email == newcomer.email  # the login's address, so it stays in step
    organisation = person.organisation
    assert organisation.name_th == "โรงเรียนบ้านใหม่พัฒนา"
    assert organisation.province == "lamphun"
    assert network.lead_organisation == organisation
    assert Membership.objects.filter(network=network, organisation=organisation, place="lead")
    assert Role.objects.filter(network=network, person=person, kind="coordinator").exists()
    assert person.history.first().history_user == newcomer
    # They are now a person: the next founding uses today's short form.
    page = client.get("/networks/new/").content.decode()
    assert 'name="founder-full_name"' not in page
    assert organisation.name_th in page


def test_a_site_admin_without_a_person_chooses_an_existing_organisation(cast):
    client = cast.client("site_admin")
    page = client.get("/networks/new/").content.decode()
    assert 'name="org-existing"' in page
    response = client.post(
        "/networks/new/", NETWORK | FOUNDER | {"org-existing": cast.partner_org.pk}
    )
    assert response.status_code == 302
    person = Person.objects.get(user=cast.site_admin)
    assert person.organisation == cast.partner_org
    network = Network.objects.get(name_th=NETWORK["name_th"])
    assert network.lead_organisation == cast.partner_org
    assert not Organisation.objects.filter(name_th="").exists()


def test_a_newcomer_cannot_claim_an_organisation_outside_their_directory(cast, newcomer):
    before = _counts()
    response = _client(cast, newcomer).post(
        "/networks/new/", NETWORK | FOUNDER | {"org-existing": cast.partner_org.pk}
    )
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert _counts() == before
    assert not Person.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"founder-full_name": ""},
        {"org-name_th": ""},
        {"org-province": "atlantis"},
        {"founded_on": "01/01/2600"},
        {"name_th": ""},
    ],
)
def test_bad_input_changes_nothing(cast, newcomer, bad):
    before = _counts()
    response = _client(cast, newcomer).post("/networks/new/", NETWORK | NEW_ORG | FOUNDER | bad)
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert _counts() == before


def test_bad_input_is_explained_in_thai_and_in_english(cast, newcomer):
    client = _client(cast, newcomer)
    body = client.post("/networks/new/", NETWORK | FOUNDER).content.decode()
    assert "จำเป็นต้องกรอกสำหรับองค์กรใหม่" in body
    client.cookies["khruakhai_language"] = "en"
    body = client.post("/networks/new/", NETWORK | FOUNDER).content.decode()
    assert "Needed for a new organisation." in body


def test_it_is_one_transaction(cast, newcomer):
    def broken(sender, network, **kwargs):
        raise RuntimeError("a receiver failed")

    before = _counts()
    network_created.connect(broken)
    try:
        with pytest.raises(RuntimeError):
            services.network_found(
                user=newcomer,
                full_name="สมศรี มีสุข",
                name_th="เครือข่ายที่ล้มเหลว",
                form="cop",
                organisation_details={
                    "name_th": "โรงเรียนชั่วคราว",
                    "kind": "school",
                    "province": "lamphun",
                },
            )
    finally:
        network_created.disconnect(broken)
    assert _counts() == before


def test_the_service_refuses_a_user_who_already_is_a_person(cast):
    before = _counts()
    with pytest.raises(services.FoundingError):
        services.network_found(
            user=cast.partner,
            full_name="ซ้ำ",
            name_th="เครือข่ายซ้ำ",
            form="cop",
            organisation=cast.partner_org,
        )
    assert _counts() == before


def test_a_person_keeps_todays_form(cast):
    page = cast.client("partner").get("/networks/new/").content.decode()
    assert 'name="founder-full_name"' not in page
    assert 'name="org-name_th"' not in page
    assert cast.partner_org.name_th in page


def test_everyone_logged_in_sees_the_found_button(cast, newcomer):
    body = _client(cast, newcomer).get("/networks/").content.decode()
    assert 'href="/networks/new/"' in body


def test_the_newcomers_form_survives_hostile_input(cast):
    """The matrix's fuzzing opens the founding page as the coordinator, who is a person
    and sees the short form; fuzz the long one here, as a login with no person."""
    from tests.security.test_fuzz_forms import _Forms, _fuzz_one_form

    client = cast.client("site_admin")
    parser = _Forms()
    parser.feed(client.get("/networks/new/").content.decode())
    (form,) = [f for f in parser.forms if "founder-full_name" in f["fields"]]
    assert "org-existing" in form["fields"]
    assert "name_th" in form["fields"]
    _fuzz_one_form(client, "network:found (newcomer)", "/networks/new/", form)
