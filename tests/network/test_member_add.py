from __future__ import annotations

from network.models import Membership, Organisation


def test_coordinator_adds_a_new_organisation(cast):
    client = cast.client("coordinator")
    response = client.post(
        f"/networks/{cast.network.slug}/members/add/",
        {"name_th": "องค์การบริหารส่วนตำบลน้ำพุ", "kind": "local_government", "province": "lampang"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name_th="องค์การบริหารส่วนตำบลน้ำพุ")
    assert Membership.objects.filter(network=cast.network, organisation=organisation).exists()


def test_coordinator_adds_an_organisation_from_another_of_their_networks(cast):
    from network.models import Role

    # The coordinator also coordinates the other network: its members become choices.
    me = cast.coordinator.person
    Role.objects.create(network=cast.other_network, person=me, kind=Role.Kind.COORDINATOR)
    client = cast.client("coordinator")
    page = client.get(f"/networks/{cast.network.slug}/members/add/").content.decode()
    assert cast.other_org.name_th in page
    response = client.post(
        f"/networks/{cast.network.slug}/members/add/", {"existing": cast.other_org.pk}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(network=cast.network, organisation=cast.other_org).exists()


def test_a_new_organisation_needs_name_kind_and_province_and_nothing_is_written(cast):
    before = Organisation.objects.count()
    client = cast.client("coordinator")
    response = client.post(f"/networks/{cast.network.slug}/members/add/", {"name_en": "Nameless"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert Organisation.objects.count() == before


def test_an_organisation_outside_the_users_networks_cannot_be_chosen(cast):
    stranger = Organisation.objects.create(name_th="องค์กรที่ไม่รู้จัก", kind="other", province="yala")
    client = cast.client("coordinator")
    response = client.post(f"/networks/{cast.network.slug}/members/add/", {"existing": stranger.pk})
    assert response.status_code == 200
    assert not Membership.objects.filter(network=cast.network, organisation=stranger).exists()
