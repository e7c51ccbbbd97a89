"""Correcting a person: who may, what may change, and that nothing changes on bad input."""

from __future__ import annotations

import pytest

from network import services
from network.models import Membership, Person, Role
from network.permissions import access_for, people_editable
from tests import factories


def _url(cast, person) -> str:
    return f"/networks/{cast.network.slug}/people/{person.pk}/edit/"


def _data(person, **changes) -> dict:
    data = {
        "organisation": person.organisation_id,
        "title": person.title,
        "full_name": person.full_name,
        "position": person.position,
        "category": person.category,
        "email": person.email,
        "phone": person.phone,
    }
    return data | changes


def _snapshot(person) -> tuple:
    person.refresh_from_db()
    return (
        person.organisation_id,
        person.title,
        person.full_name,
        person.position,
        person.category,
        person.email,
        person.phone,
    )


@pytest.fixture
def contact(cast):
    """A person of the partner organisation without a login, with a role in the network."""
    person = factories.PersonFactory(
        organisation=cast.partner_org, user=None, email="somchai@example.org", phone="081"
    )
    factories.RoleFactory(network=cast.network, person=person, kind=Role.Kind.MEMBER)
    return person


def test_coordinator_corrects_a_person_and_history_keeps_the_old_version(cast, contact):
    before = contact.history.count()
    response = cast.client("coordinator").post(
        _url(cast, contact),
        _data(
            contact,
            title="นาย",
            full_name="สมชาย ใจดี",
            position="ครูชำนาญการ",
            email="Somchai.J@Example.org ",
            phone="081-234-5678",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/networks/{cast.network.slug}/people/"
    contact.refresh_from_db()
    assert contact.display_name == "นายสมชาย ใจดี"
    assert contact.email == "somchai.j@example.org"
    assert contact.phone == "081-234-5678"
    assert contact.history.count() == before + 1
    latest = contact.history.first()
    assert latest.history_user == cast.coordinator
    assert latest.prev_record.email == "somchai@example.org"


def test_a_person_edits_their_own_record_but_not_their_organisation(cast):
    me = Person.objects.get(user=cast.partner)
    client = cast.client("partner")
    page = client.get(_url(cast, me)).content.decode()
    assert 'name="organisation"' not in page
    lead = cast.network.lead_organisation
    response = client.post(_url(cast, me), _data(me, full_name="ชื่อที่ถูกต้อง", organisation=lead.pk))
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.full_name == "ชื่อที่ถูกต้อง"
    assert me.organisation == cast.partner_org  # the posted organisation is ignored
    cast.partner.refresh_from_db()
    assert cast.partner.full_name == "ชื่อที่ถูกต้อง"  # the login's name follows


def test_the_chair_is_refused_someone_elses_record_but_may_edit_their_own(cast, contact):
    client = cast.client("chair")
    before = _snapshot(contact)
    response = client.post(_url(cast, contact), _data(contact, full_name="แก้โดยไม่มีสิทธิ์"))
    assert response.status_code == 403
    assert _snapshot(contact) == before
    own = Person.objects.get(user=cast.chair)
    assert client.get(_url(cast, own)).status_code == 200


@pytest.mark.parametrize("who", ["partner", "chair"])
def test_a_partner_cannot_edit_a_colleague_of_their_own_organisation(cast, contact, who):
    before = _snapshot(contact)
    response = cast.client(who).post(_url(cast, contact), _data(contact, full_name="x"))
    assert response.status_code == 403
    assert _snapshot(contact) == before


def test_another_networks_person_is_a_404_even_for_a_coordinator(cast):
    stranger = Person.objects.get(user=cast.other_partner)
    before = _snapshot(stranger)
    for who in ("coordinator", "other_partner"):
        response = cast.client(who).post(_url(cast, stranger), _data(stranger, full_name="x"))
        assert response.status_code == 404, who
    assert _snapshot(stranger) == before
    # Through their own network's address the other partner reaches their record.
    own = f"/networks/{cast.other_network.slug}/people/{stranger.pk}/edit/"
    assert cast.client("other_partner").get(own).status_code == 200


def test_a_person_of_an_organisation_that_left_is_a_404(cast, contact):
    Membership.objects.filter(network=cast.network, organisation=cast.partner_org).update(
        left_on=cast.network.founded_on
    )
    assert cast.client("coordinator").get(_url(cast, contact)).status_code == 404


def test_dissolved_network_refuses_edits(cast, contact):
    services.network_dissolve(
        network=cast.network, reason="งานสำเร็จแล้ว ยุบเครือข่าย", dissolved_on=cast.network.founded_on
    )
    before = _snapshot(contact)
    response = cast.client("coordinator").post(_url(cast, contact), _data(contact, full_name="x"))
    assert response.status_code == 403
    assert _snapshot(contact) == before


def test_bad_input_changes_nothing_and_says_why_in_thai(cast, contact):
    before = _snapshot(contact)
    history = contact.history.count()
    response = cast.client("coordinator").post(
        _url(cast, contact), _data(contact, full_name="", email="not-an-email", title="ก" * 60)
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "is-invalid" in body
    assert "ฟิลด์นี้จำเป็น" in body  # Django's Thai "This field is required."
    assert _snapshot(contact) == before
    assert contact.history.count() == history


def test_errors_in_english_for_an_english_user(cast, contact):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = "en"
    response = client.post(_url(cast, contact), _data(contact, full_name=""))
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


# --- the login's email ---------------------------------------------------------------
def test_the_sign_in_address_cannot_be_changed_here_and_the_login_stays(cast):
    me = Person.objects.get(user=cast.partner)
    login_email = cast.partner.email
    assert me.email == login_email
    client = cast.client("coordinator")
    page = client.get(_url(cast, me)).content.decode()
    assert "ใช้เข้าสู่ระบบ" in page  # the field says why it is fixed
    response = client.post(_url(cast, me), _data(me, email="attacker@example.org", phone="02"))
    assert response.status_code == 302  # the disabled field's posted value is ignored
    me.refresh_from_db()
    cast.partner.refresh_from_db()
    assert me.email == login_email
    assert me.phone == "02"
    assert cast.partner.email == login_email


def test_the_service_refuses_to_change_the_sign_in_address(cast):
    me = Person.objects.get(user=cast.partner)
    before = _snapshot(me)
    with pytest.raises(services.PersonError):
        services.person_update(person=me, full_name="ใหม่", email="other@example.org")
    assert _snapshot(me) == before
    cast.partner.refresh_from_db()
    assert cast.partner.email != "other@example.org"


def test_a_contact_email_that_differs_from_the_login_may_change(cast):
    me = Person.objects.get(user=cast.partner)
    me.email = "office@example.org"
    me.save()
    response = cast.client("partner").post(_url(cast, me), _data(me, email="desk@example.org"))
    assert response.status_code == 302
    me.refresh_from_db()
    cast.partner.refresh_from_db()
    assert me.email == "desk@example.org"
    assert cast.partner.email not in ("desk@example.org", "office@example.org")


# --- moving to another organisation -------------------------------------------------
def test_coordinator_moves_a_person_to_another_member_organisation(cast, contact):
    lead = cast.network.lead_organisation
    response = cast.client("coordinator").post(
        _url(cast, contact), _data(contact, organisation=lead.pk)
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.organisation == lead


def test_a_move_that_would_strand_a_role_in_another_network_changes_nothing(cast, contact):
    factories.RoleFactory(network=cast.other_network, person=contact, kind=Role.Kind.MEMBER)
    # The coordinator coordinates the other network too, so may edit the contact.
    factories.RoleFactory(
        network=cast.other_network,
        person=Person.objects.get(user=cast.coordinator),
        kind=Role.Kind.COORDINATOR,
    )
    Membership.objects.create(
        network=cast.other_network, organisation=cast.partner_org, joined_on=cast.network.founded_on
    )
    before = _snapshot(contact)
    lead = cast.network.lead_organisation
    response = cast.client("coordinator").post(
        _url(cast, contact), _data(contact, organisation=lead.pk, full_name="ชื่อใหม่")
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "alert-danger" in body
    assert cast.other_network.name_th in body
    assert _snapshot(contact) == before


@pytest.fixture
def shared_contact(cast, contact):
    """The contact has no login and coordinates another network their organisation
    belongs to, which the cast's coordinator does not coordinate."""
    Membership.objects.create(
        network=cast.other_network, organisation=cast.partner_org, joined_on=cast.network.founded_on
    )
    factories.RoleFactory(network=cast.other_network, person=contact, kind=Role.Kind.COORDINATOR)
    return contact


def test_a_coordinator_cannot_edit_someone_with_a_role_in_a_network_they_do_not_run(
    cast, shared_contact
):
    """Otherwise: set the login-less coordinator's email to one's own, invite it,
    accept, and run the other network (or move them to speak for another organisation)."""
    before = _snapshot(shared_contact)
    client = cast.client("coordinator")
    assert client.get(_url(cast, shared_contact)).status_code == 403
    response = client.post(
        _url(cast, shared_contact),
        _data(shared_contact, email="coordinator-own@example.org", full_name="ยึดบัญชี"),
    )
    assert response.status_code == 403
    assert _snapshot(shared_contact) == before
    people = client.get(f"/networks/{cast.network.slug}/people/").content.decode()
    assert _url(cast, shared_contact) not in people
    for user, editable in ((cast.coordinator, set()), (cast.site_admin, {shared_contact.pk})):
        access = access_for(user, cast.network)
        assert people_editable(user, access, [shared_contact]) == editable


def test_a_site_admin_may_edit_someone_with_roles_anywhere(cast, shared_contact):
    response = cast.client("site_admin").post(
        _url(cast, shared_contact), _data(shared_contact, full_name="แก้โดยผู้ดูแลระบบ")
    )
    assert response.status_code == 302
    shared_contact.refresh_from_db()
    assert shared_contact.full_name == "แก้โดยผู้ดูแลระบบ"


def test_a_person_with_roles_elsewhere_still_edits_their_own_record(cast):
    me = Person.objects.get(user=cast.partner)
    Membership.objects.create(
        network=cast.other_network, organisation=cast.partner_org, joined_on=cast.network.founded_on
    )
    factories.RoleFactory(network=cast.other_network, person=me, kind=Role.Kind.MEMBER)
    response = cast.client("partner").post(_url(cast, me), _data(me, full_name="ชื่อของฉันเอง"))
    assert response.status_code == 302


def test_only_member_organisations_are_offered(cast, contact):
    response = cast.client("coordinator").post(
        _url(cast, contact), _data(contact, organisation=cast.other_org.pk)
    )
    assert response.status_code == 422
    contact.refresh_from_db()
    assert contact.organisation == cast.partner_org


# --- links ------------------------------------------------------------------------
def test_people_page_links_coordinators_to_everyone_and_a_person_to_themself(cast, contact):
    people = f"/networks/{cast.network.slug}/people/"
    body = cast.client("coordinator").get(people).content.decode()
    assert _url(cast, contact) in body
    me = Person.objects.get(user=cast.partner)
    body = cast.client("partner").get(people).content.decode()
    assert _url(cast, me) in body
    assert "แก้ไขข้อมูลของฉัน" in body
    assert _url(cast, contact) not in body
    detail = cast.client("partner").get(f"/networks/{cast.network.slug}/").content.decode()
    assert _url(cast, me) in detail
    assert _url(cast, contact) not in detail
