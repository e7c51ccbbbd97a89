"""network_access reads the network and the user's roles in one query (issue 17), and
gives the Access the two reads of access_for gave: same roles, same organisations."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from network.models import Network, Role
from network.permissions import Access, access_for, network_access
from tests import factories
from tests.conftest import CAST


def _two_reads(user, network: Network) -> Access:
    """The rule as it was written before: the network, then the roles by the ORM."""
    if not user.is_authenticated:
        return Access(network=network, roles=frozenset(), organisation_ids=frozenset())
    rows = list(
        Role.objects.filter(network=network, person__user=user).values_list(
            "kind", "person__organisation_id"
        )
    )
    return Access(
        network=network,
        roles=frozenset(kind for kind, _org in rows),
        organisation_ids=frozenset(org for kind, org in rows if kind in Role.SPEAKING_KINDS),
        is_site_admin=user.is_superuser,
    )


def _request(user):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return request


def _same(got: Access, want: Access) -> None:
    assert got.network.pk == want.network.pk
    assert (got.roles, got.organisation_ids, got.is_site_admin) == (
        want.roles,
        want.organisation_ids,
        want.is_site_admin,
    )


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("slug", ["cast-network", "other-network"])
def test_one_query_and_the_same_access(cast, who, slug):
    user = cast.user(who) or AnonymousUser()
    network = Network.objects.select_related("lead_organisation").get(slug=slug)
    want = _two_reads(user, network)
    with CaptureQueriesContext(connection) as ctx:
        try:
            got = network_access(_request(user), slug)
        except Http404:
            got = None
    assert len(ctx.captured_queries) == 1
    if not want.can_view:
        assert got is None
        return
    _same(got, want)
    _same(access_for(user, network), want)
    # The network is the ORM's own: its lead organisation came with it, no annotation left.
    with CaptureQueriesContext(connection) as ctx:
        assert got.network.lead_organisation == network.lead_organisation
    assert not ctx.captured_queries
    assert not hasattr(got.network, "my_kinds")
    assert got.network.benefits == network.benefits
    assert got.network.created_at == network.created_at


def test_several_roles_in_one_network(cast):
    """Coordinator and partner representative at once: both kinds, one organisation;
    a person with only a non-speaking role represents nobody."""
    person = cast.coordinator.person
    factories.RoleFactory(network=cast.network, person=person, kind=Role.Kind.COMMITTEE)
    factories.RoleFactory(network=cast.network, person=person, kind=Role.Kind.PARTNER_REP)
    got = network_access(_request(cast.coordinator), "cast-network")
    _same(got, _two_reads(cast.coordinator, cast.network))
    assert got.roles == {Role.Kind.COORDINATOR, Role.Kind.COMMITTEE, Role.Kind.PARTNER_REP}
    assert got.organisation_ids == {person.organisation_id}
    member = factories.PersonFactory()
    factories.RoleFactory(network=cast.network, person=member, kind=Role.Kind.MEMBER)
    got = network_access(_request(member.user), "cast-network")
    assert got.roles == {Role.Kind.MEMBER}
    assert got.organisation_ids == frozenset()


def test_unknown_slug_and_a_login_without_a_person(cast):
    with pytest.raises(Http404):
        network_access(_request(cast.coordinator), "no-such-network")
    nobody = factories.UserFactory()
    with pytest.raises(Http404):
        network_access(_request(nobody), "cast-network")


def test_roles_changed_show_at_once(cast):
    """Nothing is kept between requests but the SQL's text: a role taken away is gone."""
    assert network_access(_request(cast.partner), "cast-network").is_partner
    Role.objects.filter(person__user=cast.partner, network=cast.network).delete()
    with pytest.raises(Http404):
        network_access(_request(cast.partner), "cast-network")
