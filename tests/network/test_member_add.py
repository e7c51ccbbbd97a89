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
    """Without representatives of its own, an organisation the coordinator already
    works with in another network they coordinate joins at once."""
    from network.models import Role
    from tests import factories

    quiet = factories.OrganisationFactory(name_th="โรงเรียนที่ยังไม่มีผู้แทน")
    factories.MembershipFactory(network=cast.other_network, organisation=quiet)
    # The coordinator also coordinates the other network: its members become choices.
    me = cast.coordinator.person
    Role.objects.create(network=cast.other_network, person=me, kind=Role.Kind.COORDINATOR)
    client = cast.client("coordinator")
    page = client.get(f"/networks/{cast.network.slug}/members/add/").content.decode()
    assert quiet.name_th in page
    assert cast.other_org.name_th in page
    response = client.post(f"/networks/{cast.network.slug}/members/add/", {"existing": quiet.pk})
    assert response.status_code == 302
    assert Membership.objects.filter(network=cast.network, organisation=quiet).exists()


def test_an_organisation_with_its_own_representative_is_asked_not_added(
    cast, django_capture_on_commit_callbacks
):
    """other_org speaks for itself (other_partner represents it): the coordinator's
    add files a request to join, which other_partner accepts."""
    from django.core import mail

    from network.models import JoinRequest, Role

    me = cast.coordinator.person
    Role.objects.create(network=cast.other_network, person=me, kind=Role.Kind.COORDINATOR)
    client = cast.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/networks/{cast.network.slug}/members/add/",
            {"existing": cast.other_org.pk, "message": "ร่วมกันนะครับ"},
        )
    assert response.status_code == 302
    assert not Membership.objects.filter(network=cast.network, organisation=cast.other_org)
    request = JoinRequest.objects.get(network=cast.network, organisation=cast.other_org)
    assert request.state == "pending"
    assert request.requested_by == cast.coordinator
    assert [m.to for m in mail.outbox] == [[cast.other_partner.email]]
    rep = cast.client("other_partner")
    with django_capture_on_commit_callbacks(execute=True):
        response = rep.post(f"/join-requests/{request.pk}/accept/", {"confirm": "on"})
    assert response.status_code == 302
    assert Membership.objects.filter(
        network=cast.network, organisation=cast.other_org, left_on__isnull=True
    ).exists()
    assert mail.outbox[-1].to == [cast.coordinator.email]


def test_a_new_organisation_needs_name_kind_and_province_and_nothing_is_written(cast):
    before = Organisation.objects.count()
    client = cast.client("coordinator")
    response = client.post(f"/networks/{cast.network.slug}/members/add/", {"name_en": "Nameless"})
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert Organisation.objects.count() == before


def test_an_organisation_outside_the_users_networks_cannot_be_chosen(cast):
    stranger = Organisation.objects.create(name_th="องค์กรที่ไม่รู้จัก", kind="other", province="yala")
    client = cast.client("coordinator")
    response = client.post(f"/networks/{cast.network.slug}/members/add/", {"existing": stranger.pk})
    assert response.status_code == 422
    assert not Membership.objects.filter(network=cast.network, organisation=stranger).exists()
