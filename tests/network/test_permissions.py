"""The scoping helpers every view relies on, against the whole cast."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from network.models import Membership, Network, Role
from network.permissions import (
    access_for,
    network_access,
    object_access,
    organisations_visible_to,
    scoped,
)
from tests.conftest import CAST


def _request(user):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


VIEW = {"coordinator", "chair", "partner", "site_admin"}
MANAGE = {"coordinator", "site_admin"}


@pytest.mark.parametrize("who", CAST)
def test_network_access_view(cast, who):
    request = _request(cast.user(who))
    if who in VIEW:
        assert network_access(request, cast.network.slug).network == cast.network
    else:
        with pytest.raises(Http404):
            network_access(request, cast.network.slug)


@pytest.mark.parametrize("who", CAST)
def test_network_access_manage(cast, who):
    request = _request(cast.user(who))
    if who in MANAGE:
        assert network_access(request, cast.network.slug, manage=True).can_manage
    elif who in VIEW:
        with pytest.raises(PermissionDenied):
            network_access(request, cast.network.slug, manage=True)
    else:
        with pytest.raises(Http404):
            network_access(request, cast.network.slug, manage=True)


@pytest.mark.parametrize("who", CAST)
def test_dissolved_network_refuses_every_write(cast, who):
    Network.objects.filter(pk=cast.network.pk).update(status=Network.Status.DISSOLVED)
    request = _request(cast.user(who))
    expected = PermissionDenied if who in VIEW else Http404
    with pytest.raises(expected):
        network_access(request, cast.network.slug, write=True)
    if who in VIEW:  # still readable by its members
        assert network_access(request, cast.network.slug).network.is_dissolved


@pytest.mark.parametrize("who", CAST)
def test_object_access_hides_other_networks_objects(cast, who):
    request = _request(cast.user(who))
    membership = Membership.objects.get(network=cast.network, place="lead")
    queryset = Membership.objects.all()
    if who in VIEW:
        obj, access = object_access(request, queryset, pk=membership.pk)
        assert obj == membership
        assert access.network == cast.network
    else:
        with pytest.raises(Http404):
            object_access(request, queryset, pk=membership.pk)


@pytest.mark.parametrize("who", CAST)
def test_scoped_querysets(cast, who):
    user = cast.user(who)
    from django.contrib.auth.models import AnonymousUser

    visible = set(
        scoped(Role.objects.all(), user or AnonymousUser()).values_list("network_id", flat=True)
    )
    if who == "site_admin":
        assert visible == {cast.network.id, cast.other_network.id}
    elif who in VIEW:
        assert visible == {cast.network.id}
    elif who == "other_partner":
        assert visible == {cast.other_network.id}
    else:
        assert visible == set()


def test_partner_represents_only_their_organisation(cast):
    access = access_for(cast.partner, cast.network)
    assert access.represents(cast.partner_org.id)
    assert not access.represents(cast.network.lead_organisation_id)
    assert access.can_update_for([cast.partner_org.id])
    assert not access.can_update_for([cast.other_org.id])
    chair = access_for(cast.chair, cast.network)
    assert chair.can_oversee
    assert not chair.can_manage
    assert not chair.can_update_for([cast.partner_org.id])


def test_organisations_visible_to(cast):
    from django.contrib.auth.models import AnonymousUser

    seen = set(organisations_visible_to(cast.partner))
    assert cast.partner_org in seen
    assert cast.network.lead_organisation in seen
    assert cast.other_org not in seen
    assert not organisations_visible_to(AnonymousUser()).exists()
