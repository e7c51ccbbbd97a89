"""A dissolved network refuses every edit, stays readable, and only a site admin reopens it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from network.models import Network
from tests.network.permission_rules import RULES

# Every view that changes something in the network (GET forms included).
WRITE_VIEWS = [
    "network:edit",
    "network:charter_edit",
    "network:dissolve",
    "network:person_add",
    "network:membership_end",
    "network:role_add",
    "network:role_remove",
    "network:invitations",
    "network:invitation_revoke",
    "network:import",
    "network:import_confirm",
    "network:import_template",
]


def _dissolve(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/dissolve/",
        {
            "reason": "บรรลุเป้าหมายแล้ว นักเรียนอ่านออกเขียนได้ครบทุกคน",
            "dissolved_on": "30/09/2569",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    cast.network.refresh_from_db()


def test_coordinator_dissolves_with_reason_and_thai_date(cast):
    _dissolve(cast)
    assert cast.network.is_dissolved
    assert cast.network.dissolved_on == dt.date(2026, 9, 30)
    assert "บรรลุเป้าหมาย" in cast.network.dissolution_reason


def test_dissolve_without_reason_changes_nothing(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/dissolve/", {"dissolved_on": "30/09/2569"}
    )
    assert response.status_code == 422
    cast.network.refresh_from_db()
    assert not cast.network.is_dissolved


def test_dissolve_with_an_implausible_year_is_refused(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/dissolve/",
        {"reason": "ครบวาระโครงการแล้วตามแผน", "dissolved_on": "30/09/3569", "confirm": "on"},
    )
    assert response.status_code == 422
    assert "2569" in response.content.decode()
    cast.network.refresh_from_db()
    assert not cast.network.is_dissolved


@pytest.mark.parametrize("name", WRITE_VIEWS)
@pytest.mark.parametrize("who", ["coordinator", "site_admin"])
def test_a_dissolved_network_refuses_every_edit(cast, name, who):
    rule = RULES[name]
    url = rule.url(cast)  # built before dissolving (it may create objects)
    _dissolve(cast)
    before = Network.history.filter(id=cast.network.id).count()
    response = getattr(cast.client(who), rule.method)(
        url, data=rule.data(cast) if rule.data else {}
    )
    assert response.status_code == 403, name
    assert Network.history.filter(id=cast.network.id).count() == before


def test_a_dissolved_network_refuses_organisation_edits_through_it(cast):
    _dissolve(cast)
    # The partner spoke for the organisation only in this network.
    assert (
        cast.client("partner").get(f"/organisations/{cast.partner_org.pk}/edit/").status_code == 403
    )


@pytest.mark.parametrize("who", ["coordinator", "chair", "partner"])
def test_members_still_read_and_see_it_listed_as_dissolved(cast, who):
    _dissolve(cast)
    client = cast.client(who)
    detail = client.get(f"/networks/{cast.network.slug}/").content.decode()
    assert "เครือข่ายนี้ยุติแล้ว" in detail
    assert "บรรลุเป้าหมาย" in detail
    assert f'href="/networks/{cast.network.slug}/edit/"' not in detail
    listing = client.get("/networks/").content.decode()
    assert "เครือข่ายที่ยุติแล้ว" in listing
    for name in ("network:people", "network:map", "network:map_data"):
        assert client.get(reverse(name, args=[cast.network.slug])).status_code == 200


def test_only_a_site_admin_reopens(cast):
    _dissolve(cast)
    url = f"/networks/{cast.network.slug}/reopen/"
    assert cast.client("coordinator").post(url).status_code == 403
    cast.network.refresh_from_db()
    assert cast.network.is_dissolved
    assert cast.client("site_admin").post(url).status_code == 302
    cast.network.refresh_from_db()
    assert cast.network.status == Network.Status.ACTIVE
    assert cast.network.dissolved_on is None


def test_dissolving_revokes_open_invitations(cast):
    from network import services
    from tests import factories

    # Invitations are for member organisations only (an organisation joins by consent).
    member = factories.MembershipFactory(network=cast.network).organisation
    invitation, _token = services.invitation_create(
        network=cast.network,
        organisation=member,
        email="late@example.org",
        full_name="มาช้า",
        invited_by=cast.coordinator,
    )
    _dissolve(cast)
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
