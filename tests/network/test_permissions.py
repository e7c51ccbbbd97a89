"""The scoping helpers every view relies on, against the whole cast."""

from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from network.access_reads import object_read
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


def _memberships():
    return Membership.objects.select_related("network")


@pytest.mark.parametrize("who", CAST)
def test_object_access_compiled_hides_other_networks_objects_the_same(cast, who):
    """A function instead of a queryset: the query is compiled once, for whoever asks
    first, and must still answer each user by their own networks."""
    ours = Membership.objects.get(network=cast.network, place="lead")
    theirs = Membership.objects.filter(network=cast.other_network).first()
    # Everyone of the cast asks in turn, before and after this one: the compiled
    # statement is shared, only its placeholders differ.
    for other in CAST:
        for membership, network in ((ours, cast.network), (theirs, cast.other_network)):
            with contextlib.suppress(Http404):
                object_access(
                    _request(cast.user(other)),
                    _memberships,
                    pk=membership.pk,
                    network__slug=network.slug,
                )
    request = _request(cast.user(who))
    for membership, network in ((ours, cast.network), (theirs, cast.other_network)):
        sees = who == "site_admin" or (
            who in VIEW if network == cast.network else who == "other_partner"
        )
        lookups = {"pk": membership.pk, "network__slug": network.slug}
        if sees:
            obj, access = object_access(request, _memberships, **lookups)
            assert obj == membership
            assert access.network == network
        else:
            with pytest.raises(Http404):
                object_access(request, _memberships, **lookups)
        # The same answer as the queryset's (the rule is scoped's in both).
        if sees:
            assert object_access(request, _memberships(), **lookups)[0] == membership
        else:
            with pytest.raises(Http404):
                object_access(request, _memberships(), **lookups)
    # The right object in the wrong network's address is no object.
    with pytest.raises(Http404):
        object_access(request, _memberships, pk=ours.pk, network__slug=cast.other_network.slug)
    # The query itself is scoped, not only the access check after it.
    found = object_read(
        request.user, _memberships, scoped, network_path="network", lookup={"pk": theirs.pk}
    )
    assert (found == theirs) is (who in ("site_admin", "other_partner"))


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
