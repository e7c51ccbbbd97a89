"""List pages pin their query counts: the same at 1 and at 50 organisations."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import Role
from tests import factories


def _grow(cast, n: int) -> None:
    """n more member organisations, each with two people holding roles, some shared."""
    for i in range(n):
        org = factories.OrganisationFactory(name_th=f"โรงเรียนเพิ่ม {i:02d}")
        factories.MembershipFactory(network=cast.network, organisation=org)
        for kind in (Role.Kind.PARTNER_REP, Role.Kind.CORE_LEADER):
            person = factories.PersonFactory(organisation=org)
            factories.RoleFactory(network=cast.network, person=person, kind=kind)
        if i % 5 == 0:  # shared with the other network, which the site admin also sees
            factories.MembershipFactory(network=cast.other_network, organisation=org)


def _count(client, url) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = {
    "network page": lambda cast: f"/networks/{cast.network.slug}/",
    "people": lambda cast: f"/networks/{cast.network.slug}/people/",
    "map": lambda cast: f"/networks/{cast.network.slug}/map/",
    "map data": lambda cast: f"/networks/{cast.network.slug}/map.json",
    "directory": lambda cast: "/organisations/",
    "directory search": lambda cast: "/organisations/?q=โรงเรียน",
    "my networks": lambda cast: "/networks/",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_count_is_the_same_at_1_and_50_organisations(
    cast, page, django_assert_max_num_queries
):
    client = cast.client("site_admin")
    url = PAGES[page](cast)
    _grow(cast, 1)
    at_one = _count(client, url)
    _grow(cast, 49)
    at_fifty = _count(client, url)
    assert at_one == at_fifty, f"{page}: {at_one} queries at 1, {at_fifty} at 50"
    with django_assert_max_num_queries(at_one):
        client.get(url)
    assert at_one <= 15, f"{page}: {at_one} queries"


def test_map_data_is_complete_at_50_organisations(cast):
    _grow(cast, 50)
    data = cast.client("coordinator").get(f"/networks/{cast.network.slug}/map.json").json()
    types = [n["type"] for n in data["nodes"]]
    # 50 grown + the lead + the partner's and the chair's organisations
    assert types.count("organisation") == 53
    assert types.count("person") == 103
    # The coordinator cannot see the other network: it is not on their map.
    assert types.count("other_network") == 0
    admin = cast.client("site_admin").get(f"/networks/{cast.network.slug}/map.json").json()
    assert [n["type"] for n in admin["nodes"]].count("other_network") == 1
    assert sum(1 for e in admin["edges"] if e["type"] == "shared") == 10


def test_join_requests_page_query_count_is_flat(cast, django_assert_max_num_queries):
    """The representative's list of requests: the same queries at 1 and at 30."""
    from network.models import JoinRequest

    client = cast.client("partner")

    def ask(n: int) -> None:
        for _i in range(n):
            network = factories.NetworkFactory()
            JoinRequest.objects.create(
                network=network, organisation=cast.partner_org, requested_by=cast.coordinator
            )

    ask(1)
    at_one = _count(client, "/join-requests/")
    ask(29)
    JoinRequest.objects.filter(pk__in=JoinRequest.objects.values("pk")[:5]).update(
        state=JoinRequest.State.DECLINED
    )
    assert _count(client, "/join-requests/") == at_one
    assert at_one <= 10, at_one
