"""The network page's body (members, figures, recent changes) is kept per process
while nothing it shows changes (network.selectors.network_page): a change shows at
once, however it was written, and each viewer sees their own edit links.

On PostgreSQL the kept body is used (the fingerprint of the rows); elsewhere it is
drawn every time, and the same assertions hold. The query pins of the network page
and of the directory search are here too.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pg_prepared
from network.models import Membership, Network, Organisation, Person, Role
from network.selectors import network_page
from tests import factories

URL = "/networks/cast-network/"
# The network page as the coordinator: session, user, the permission's one read, the
# requests to join and the recent wins (one when there are none); with the body kept,
# the fingerprint (one) instead of the seven reads that draw it.
PINNED_DRAWN = 13 if connection.vendor == "postgresql" else 12
PINNED_KEPT = 6
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the fingerprint is PostgreSQL's"
)


@pytest.fixture
def page(cast):
    network_page.kept.clear()
    client = cast.client("coordinator")
    assert client.get(URL).status_code == 200
    return client


def _body(client) -> str:
    return client.get(URL).content.decode()


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_pins_its_queries(page):
    expected = PINNED_KEPT if connection.vendor == "postgresql" else PINNED_DRAWN
    assert _count(page, URL) == expected
    network_page.kept.clear()
    assert _count(page, URL) == PINNED_DRAWN


@on_postgres
def test_a_kept_body_reads_no_member_rows(page):
    with CaptureQueriesContext(connection) as ctx:
        page.get(URL)
    with connection.cursor() as cursor:  # what each prepared EXECUTE ran
        texts = [pg_prepared.statement_text(cursor, q["sql"]) for q in ctx.captured_queries]
    starts = [text.split(" WHERE ")[0] for text in texts]
    assert sum("md5(" in text for text in texts) == 1  # the fingerprint
    for table in ("network_membership", "network_historicalrole", "network_person"):
        assert not [s for s in starts if s.startswith("SELECT") and f'FROM "{table}"' in s]


def test_bulk_updates_show_at_once(page, cast):
    """update() sends no signal: the fingerprint sees the rows, not the writes."""
    assert "มหาวิทยาลัยภาคีทดสอบ" in _body(page)
    Organisation.objects.filter(pk=cast.partner_org.pk).update(name_th="มหาวิทยาลัยเปลี่ยนชื่อ")
    body = _body(page)
    assert "มหาวิทยาลัยเปลี่ยนชื่อ" in body
    assert "มหาวิทยาลัยภาคีทดสอบ" not in body

    person = Person.objects.get(user=cast.partner)
    Person.objects.filter(pk=person.pk).update(title="", full_name="ผู้แทนชื่อใหม่")
    assert "ผู้แทนชื่อใหม่" in _body(page)

    Role.objects.filter(person=person, network=cast.network).update(kind=Role.Kind.MEMBER)
    assert "ผู้แทนชื่อใหม่ — สมาชิก" in _body(page)

    Membership.objects.filter(network=cast.network, organisation=cast.partner_org).update(
        left_on=cast.network.founded_on
    )
    assert "ผู้แทนชื่อใหม่ — " not in _body(page)


def test_a_new_member_and_its_history_show_at_once(page, cast):
    org = factories.OrganisationFactory(name_th="โรงเรียนบ้านใหม่ล่าสุด")
    factories.MembershipFactory(network=cast.network, organisation=org)
    body = _body(page)
    assert body.count("โรงเรียนบ้านใหม่ล่าสุด") == 2  # the member list and "… joined"


def test_edit_links_follow_the_viewer_and_their_roles_elsewhere(page, cast):
    """The coordinator edits the partner's record until the partner holds a role in a
    network the coordinator does not coordinate; the chair edits nobody but themself."""
    partner = Person.objects.get(user=cast.partner)
    link = f'href="/networks/cast-network/people/{partner.pk}/edit/"'
    assert link in _body(page)
    assert link not in _body(cast.client("chair"))
    Role.objects.create(network=cast.other_network, person=partner, kind=Role.Kind.MEMBER)
    assert link not in _body(page)
    # The coordinator's own roles count too: coordinating the other network as well
    # gives the link back.
    coordinator = Person.objects.get(user=cast.coordinator)
    Role.objects.create(network=cast.other_network, person=coordinator, kind=Role.Kind.COORDINATOR)
    assert link in _body(page)


def test_the_language_and_dissolution_show_at_once(page, cast):
    page.cookies["khruakhai_language"] = "en"
    assert "Partner representative" in _body(page)
    page.cookies["khruakhai_language"] = "th"
    assert "Partner representative" not in _body(page)
    partner = Person.objects.get(user=cast.partner)
    link = f'href="/networks/cast-network/people/{partner.pk}/edit/"'
    assert link in _body(page)
    Network.objects.filter(pk=cast.network.pk).update(status=Network.Status.DISSOLVED)
    assert link not in _body(page)


# --- the directory ------------------------------------------------------------------------
# Session, user, the page of 50 with the count, and their networks; the coordinator's
# view is limited by subqueries inside the same statements.
DIRECTORY_PINNED = 4


@pytest.mark.parametrize("who", ["site_admin", "coordinator"])
def test_the_directory_search_pins_its_queries(cast, who):
    for i in range(60):
        org = factories.OrganisationFactory(name_th=f"โรงเรียนค้นหา {i:02d}")
        factories.MembershipFactory(network=cast.network, organisation=org)
    client = cast.client(who)
    client.get("/organisations/?q=โรงเรียน")
    assert _count(client, "/organisations/?q=โรงเรียน") == DIRECTORY_PINNED
    assert _count(client, "/organisations/?q=โรงเรียน&page=2") == DIRECTORY_PINNED
