"""The directory's page of organisations comes with its count in one query
(network.selectors.pages.directory_page): the same rows, order, page number and count
as Paginator.get_page gives, for every kind of page number, as each viewer sees them;
the networks listed beside each organisation are still only those the viewer sees.
"""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from network.models import Membership
from network.selectors import pages
from tests import factories

NUMBERS = [None, "", "1", "2", "3", "0", "-1", "99", "x", "2.0", " 2"]


@pytest.fixture
def many(cast):
    """61 schools in the cast's network, 40 in the other one (the coordinator does not
    see those), one outside any network."""
    for i in range(61):
        org = factories.OrganisationFactory(name_th=f"โรงเรียนค้นหา {i:02d}")
        factories.MembershipFactory(network=cast.network, organisation=org)
    for i in range(40):
        org = factories.OrganisationFactory(name_th=f"โรงเรียนอื่น {i:02d}")
        factories.MembershipFactory(network=cast.other_network, organisation=org)
    factories.OrganisationFactory(name_th="โรงเรียนไม่มีเครือข่าย")
    return cast


@pytest.mark.parametrize("who", ["site_admin", "coordinator", "partner", "other_partner"])
@pytest.mark.parametrize(
    "compiled_pages", [pages.COMPILED_PAGES, 1], ids=["compiled", "later-pages-by-the-orm"]
)
def test_the_page_is_what_the_paginator_gives(many, who, compiled_pages, monkeypatch):
    monkeypatch.setattr(pages, "COMPILED_PAGES", compiled_pages)
    user = many.user(who)
    for query, number in ((q, n) for q in ("โรงเรียน", "ค้นหา 0", "", "ไม่มีชื่อนี้") for n in NUMBERS):
        expected = Paginator(pages.directory_search(user, query), pages.PER_PAGE).get_page(number)
        page = pages.directory_page(user, query, number)
        assert page.number == expected.number, number
        assert page.paginator.count == expected.paginator.count, number
        assert page.paginator.num_pages == expected.paginator.num_pages, number
        assert [row["id"] for row in page.object_list] == [
            row["id"] for row in expected.object_list
        ], number
        assert page.has_next() == expected.has_next()
        assert page.has_previous() == expected.has_previous()


def test_the_networks_beside_an_organisation_are_those_the_viewer_sees(many):
    shared = factories.OrganisationFactory(name_th="โรงเรียนสองเครือข่าย")
    factories.MembershipFactory(network=many.network, organisation=shared)
    factories.MembershipFactory(network=many.other_network, organisation=shared)
    ended = factories.MembershipFactory(
        network=many.other_network, organisation=factories.OrganisationFactory(name_th="ออกแล้ว")
    )
    Membership.objects.filter(pk=ended.pk).update(left_on=many.other_network.founded_on)

    def details(who: str, name: str) -> str:
        page = pages.directory_page(many.user(who), name, None)
        (row,) = pages.directory_rows(many.user(who), page.object_list)
        return row["details"]

    assert many.network.name_th in details("coordinator", "โรงเรียนสองเครือข่าย")
    assert many.other_network.name_th not in details("coordinator", "โรงเรียนสองเครือข่าย")
    admin = details("site_admin", "โรงเรียนสองเครือข่าย")
    assert many.network.name_th in admin
    assert many.other_network.name_th in admin
    # An ended membership is not listed, even to a site admin.
    assert many.other_network.name_th not in details("site_admin", "ออกแล้ว")
