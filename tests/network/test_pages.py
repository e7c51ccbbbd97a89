"""Focused tests of the network pages beyond the permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest

from network.models import Membership, Network, Person, Role
from network.signals import network_created
from tests import factories


def test_network_page_shows_charter_guidance_members_counts_and_changes(cast):
    cast.network.purpose = "นักเรียนทุกคนอ่านออกเขียนได้"
    cast.network.benefits = ["more_learning"]
    cast.network.save()
    body = cast.client("chair").get(f"/networks/{cast.network.slug}/").content.decode()
    assert "การแสวงหาจุดมุ่งหมายร่วมกัน" in body  # the seed's guidance beside the part
    assert "นักเรียนทุกคนอ่านออกเขียนได้" in body
    assert cast.partner_org.name_th in body
    assert "มีเวทีแลกเปลี่ยนเรียนรู้มากขึ้น" in body
    assert "ความเปลี่ยนแปลงล่าสุด" in body
    assert "จุดมุ่งหมาย" in body
    # The chair reads but does not get edit buttons.
    assert f"/networks/{cast.network.slug}/charter/" not in body


def test_network_page_in_english(cast):
    client = cast.client("partner")
    client.cookies["khruakhai_language"] = "en"
    body = client.get(f"/networks/{cast.network.slug}/").content.decode()
    assert "Seeking a shared purpose." in body
    assert "Recent changes" in body


def test_coordinator_edits_the_charter_and_history_keeps_it(cast):
    data = {"purpose": "เป้าหมายใหม่", "practice": "ค่ายรักการอ่าน"}
    response = cast.client("coordinator").post(f"/networks/{cast.network.slug}/charter/", data)
    assert response.status_code == 302
    cast.network.refresh_from_db()
    assert (cast.network.purpose, cast.network.practice) == ("เป้าหมายใหม่", "ค่ายรักการอ่าน")
    last = cast.network.history.first()
    assert last.history_user == cast.coordinator


@pytest.mark.parametrize("who", ["chair", "partner"])
def test_chair_and_partner_cannot_edit_the_charter(cast, who):
    response = cast.client(who).post(
        f"/networks/{cast.network.slug}/charter/", {"purpose": "แก้โดยไม่มีสิทธิ์"}
    )
    assert response.status_code == 403
    cast.network.refresh_from_db()
    assert cast.network.purpose != "แก้โดยไม่มีสิทธิ์"


def test_edit_network_with_thai_date_and_benefits(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/edit/",
        {
            "name_th": "ชื่อใหม่ของเครือข่าย",
            "form": "cop",
            "status": "active",
            "founded_on": "01/06/2568",
            "benefits": ["fast_decisions", "deep_knowledge"],
            "lead_organisation": cast.network.lead_organisation_id,
        },
    )
    assert response.status_code == 302
    cast.network.refresh_from_db()
    assert cast.network.founded_on == dt.date(2025, 6, 1)
    assert cast.network.benefits == ["fast_decisions", "deep_knowledge"]


def test_edit_network_cannot_dissolve_through_the_status_field(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/edit/",
        {
            "name_th": "x",
            "form": "cop",
            "status": "dissolved",
            "lead_organisation": cast.network.lead_organisation_id,
        },
    )
    assert response.status_code == 422
    cast.network.refresh_from_db()
    assert not cast.network.is_dissolved


def test_found_a_network_makes_the_founder_coordinator(cast):
    received = []

    def receiver(sender, network, **kwargs):
        received.append(network)

    network_created.connect(receiver)
    try:
        response = cast.client("partner").post(
            "/networks/new/",
            {
                "name_th": "เครือข่ายครูวิทยาศาสตร์ภาคเหนือ",
                "name_en": "Northern Science Teachers",
                "form": "cop",
                "founded_on": "01/11/2569",
                "benefits": ["more_learning"],
            },
        )
    finally:
        network_created.disconnect(receiver)
    assert response.status_code == 302
    network = Network.objects.get(name_th="เครือข่ายครูวิทยาศาสตร์ภาคเหนือ")
    assert received == [network]
    assert network.lead_organisation == cast.partner_org
    assert network.founded_on == dt.date(2026, 11, 1)
    assert Role.objects.filter(network=network, person__user=cast.partner, kind="coordinator")
    assert Membership.objects.filter(network=network, organisation=cast.partner_org, place="lead")


def test_found_a_network_rejects_a_future_date(cast):
    response = cast.client("partner").post(
        "/networks/new/", {"name_th": "อนาคต", "form": "cop", "founded_on": "01/01/2600"}
    )
    assert response.status_code == 422
    assert not Network.objects.filter(name_th="อนาคต").exists()


def test_partner_edits_their_own_organisation(cast):
    response = cast.client("partner").post(
        f"/organisations/{cast.partner_org.pk}/edit/",
        {
            "name_th": cast.partner_org.name_th,
            "name_en": "Partner University",
            "kind": "university",
            "province": "lamphun",
            "phone": "053-222222",
            "website": "partner.ac.th",
        },
    )
    assert response.status_code == 302
    cast.partner_org.refresh_from_db()
    assert (cast.partner_org.province, cast.partner_org.website) == (
        "lamphun",
        "https://partner.ac.th",
    )


def test_partner_cannot_edit_another_organisation(cast):
    lead = cast.network.lead_organisation
    assert cast.client("partner").get(f"/organisations/{lead.pk}/edit/").status_code == 403
    assert cast.client("partner").get(f"/organisations/{lead.pk}/").status_code == 200


def test_organisation_page_lists_networks_and_people(cast):
    body = cast.client("partner").get(f"/organisations/{cast.partner_org.pk}/").content.decode()
    assert cast.network.name_th in body
    assert Person.objects.get(user=cast.partner).full_name in body


def test_coordinator_adds_a_person_and_many_leaders(cast):
    client = cast.client("coordinator")
    response = client.post(
        f"/networks/{cast.network.slug}/people/add/",
        {
            "organisation": cast.partner_org.pk,
            "title": "ดร.",
            "full_name": "ผู้ทรงคุณวุฒิ ท่านหนึ่ง",
            "category": "expert_adviser",
            "kind": "core_leader",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(full_name="ผู้ทรงคุณวุฒิ ท่านหนึ่ง")
    partner = Person.objects.get(user=cast.partner)
    client.post(
        f"/networks/{cast.network.slug}/roles/add/", {"person": partner.pk, "kind": "coordinator"}
    )
    assert Role.objects.filter(network=cast.network, kind="core_leader", person=person).exists()
    assert Role.objects.filter(network=cast.network, kind="coordinator").count() == 2


def test_role_add_refuses_a_person_outside_the_network(cast):
    outsider = Person.objects.get(user=cast.other_partner)
    cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roles/add/", {"person": outsider.pk, "kind": "member"}
    )
    assert not Role.objects.filter(network=cast.network, person=outsider).exists()


def test_the_last_coordinator_cannot_be_removed(cast):
    role = Role.objects.get(network=cast.network, kind="coordinator")
    cast.client("coordinator").post(f"/networks/{cast.network.slug}/roles/{role.pk}/remove/")
    assert Role.objects.filter(pk=role.pk).exists()


def test_role_remove_from_another_network_is_404(cast):
    role = Role.objects.get(network=cast.other_network)
    url = f"/networks/{cast.network.slug}/roles/{role.pk}/remove/"
    assert cast.client("coordinator").post(url).status_code == 404
    assert Role.objects.filter(pk=role.pk).exists()


def test_map_page_draws_svg_without_inline_style(cast):
    other = factories.MembershipFactory(network=cast.other_network, organisation=cast.partner_org)
    assert other
    response = cast.client("site_admin").get(f"/networks/{cast.network.slug}/map/")
    body = response.content.decode()
    assert "<svg" in body
    assert cast.partner_org.name_th[:10] in body
    assert cast.other_network.name_th in body  # shared organisation
    assert "style=" not in body
    assert "network_map.js" in body


def test_an_organisation_leaves_and_its_people_lose_their_roles(cast):
    membership = Membership.objects.get(network=cast.network, organisation=cast.partner_org)
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/members/{membership.pk}/end/"
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on is not None
    assert not Role.objects.filter(network=cast.network, person__user=cast.partner).exists()
    # The partner no longer sees the network.
    assert cast.client("partner").get(f"/networks/{cast.network.slug}/").status_code == 404


def test_the_lead_organisation_cannot_leave(cast):
    lead = Membership.objects.get(network=cast.network, place="lead")
    cast.client("coordinator").post(f"/networks/{cast.network.slug}/members/{lead.pk}/end/")
    lead.refresh_from_db()
    assert lead.left_on is None


def test_changing_the_lead_moves_the_lead_place(cast):
    old_lead = cast.network.lead_organisation
    cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/edit/",
        {
            "name_th": cast.network.name_th,
            "form": "cop",
            "status": "active",
            "lead_organisation": cast.partner_org.pk,
        },
    )
    places = dict(
        Membership.objects.filter(network=cast.network).values_list("organisation_id", "place")
    )
    assert places[cast.partner_org.pk] == "lead"
    assert places[old_lead.pk] == "partner"
