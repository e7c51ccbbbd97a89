"""An organisation whose people are the only coordinators cannot leave the network."""

from __future__ import annotations

import pytest

from network.models import Membership, Role
from network.services import membership as membership_services
from network.services.errors import MembershipError
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _partner_coordinates_alone(cast) -> Role:
    """Make a person of the partner organisation the network's only coordinator."""
    person = PersonFactory(organisation=cast.partner_org)
    Role.objects.create(network=cast.network, person=person, kind=Role.Kind.COORDINATOR)
    Role.objects.coordinators().filter(network=cast.network).exclude(person=person).delete()
    return Role.objects.coordinators().get(network=cast.network)


def _partner_membership(cast) -> Membership:
    return Membership.objects.current().get(network=cast.network, organisation=cast.partner_org)


def test_the_service_refuses_and_changes_nothing(cast):
    role = _partner_coordinates_alone(cast)
    membership = _partner_membership(cast)
    with pytest.raises(MembershipError, match="ผู้ประสานงาน"):
        membership_services.membership_end(membership=membership)
    membership.refresh_from_db()
    assert membership.left_on is None
    assert Role.objects.filter(pk=role.pk).exists()


def test_the_page_says_why_through_a_site_admin(cast):
    _partner_coordinates_alone(cast)
    membership = _partner_membership(cast)
    client = cast.client("site_admin")
    response = client.post(
        f"/networks/{cast.network.slug}/members/{membership.pk}/end/", follow=True
    )
    assert response.status_code == 200
    assert "ผู้ประสานงาน" in response.content.decode()
    membership.refresh_from_db()
    assert membership.left_on is None


def test_it_may_leave_when_a_coordinator_stays_elsewhere(cast):
    person = PersonFactory(organisation=cast.partner_org)
    Role.objects.create(network=cast.network, person=person, kind=Role.Kind.COORDINATOR)
    membership = _partner_membership(cast)
    membership_services.membership_end(membership=membership)
    membership.refresh_from_db()
    assert membership.left_on is not None
    assert not Role.objects.filter(network=cast.network, person=person).exists()
    assert Role.objects.coordinators().filter(network=cast.network).exists()
