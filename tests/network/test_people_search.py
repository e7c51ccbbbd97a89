"""Finding people (issue 14 item 3): by Thai or English name, title or position,
a fragment from the middle of a Thai name; only the people one may see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.models import Person, Role
from network.permissions import people_visible_to
from network.selectors import people_matching
from tests import factories

URL = "/organisations/people/"


def _person(network, organisation=None, *, kind=Role.Kind.MEMBER, **fields):
    """A person holding a role in the network (their organisation a member of it)."""
    if organisation is None:
        organisation = factories.OrganisationFactory()
        factories.MembershipFactory(network=network, organisation=organisation)
    person = factories.PersonFactory(organisation=organisation, user=None, **fields)
    factories.RoleFactory(network=network, person=person, kind=kind)
    return person


def _page(cast, who: str, query: str, **params) -> str:
    response = cast.client(who).get(URL, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def _names(cast, who: str, query: str, **params) -> str:
    """The list of results and the count above it (not the search box, which
    repeats the query)."""
    body = _page(cast, who, query, **params)
    start = body.index('<p class="small text-muted">')
    return body[start : body.index("</ul>", start)]


@pytest.fixture
def wilaiwan(cast):
    return _person(
        cast.network,
        title="ผศ.ดร.",
        full_name="วิไลวรรณ ใจงาม",
        position="อาจารย์คณะศึกษาศาสตร์",
        email="wilaiwan.j@cmu.example",
    )


# --- finding ------------------------------------------------------------------------
def test_a_fragment_from_the_middle_of_a_thai_name_finds_the_person(cast, wilaiwan):
    _person(cast.network, full_name="สมชาย ใจดี")
    for query in ("ใจงาม", "ไลวรร", "วิไลวรรณ ใจงาม", "  วิไลวรรณ   ใจงาม "):
        body = _names(cast, "partner", query)
        assert "วิไลวรรณ ใจงาม" in body, query
        assert "สมชาย ใจดี" not in body, query


def test_found_by_title_position_and_a_title_typed_before_the_name(cast, wilaiwan):
    somchai = _person(cast.network, title="นาย", full_name="สมชาย ใจดี", position="ผู้อำนวยการ")
    assert "วิไลวรรณ" in _names(cast, "partner", "ผศ.ดร.")
    assert "วิไลวรรณ" in _names(cast, "partner", "คณะศึกษา")
    body = _names(cast, "partner", "ผู้อำนวยการ")
    assert "สมชาย ใจดี" in body
    assert "วิไลวรรณ" not in body
    # The title sits in its own field, yet "นายสมชาย" and "ผศ. ดร. วิไลวรรณ" find them.
    assert somchai.display_name in _names(cast, "partner", "นายสมชาย")
    assert "วิไลวรรณ ใจงาม" in _names(cast, "partner", "ผศ. ดร. วิไลวรรณ")


def test_english_names_ignore_case(cast):
    _person(cast.network, full_name="Wilaiwan Jai-ngam", position="Lecturer")
    assert "Wilaiwan Jai-ngam" in _names(cast, "chair", "JAI-NG")
    assert "Wilaiwan Jai-ngam" in _names(cast, "chair", "lectur")


def test_results_link_to_the_network_people_page_and_the_organisation(cast, wilaiwan):
    body = _names(cast, "partner", "ใจงาม")
    assert f'href="/networks/{cast.network.slug}/people/"' in body
    assert f'href="/organisations/{wilaiwan.organisation_id}/"' in body
    assert "สมาชิก" in body  # the role, in Thai


def test_the_directory_has_a_people_tab_that_carries_the_search(cast):
    body = cast.client("partner").get("/organisations/", {"q": "ใจงาม"}).content.decode()
    assert 'href="/organisations/people/?q=%E0%B9%83%E0%B8%88%E0%B8%87%E0%B8%B2%E0%B8%A1"' in body
    body = _page(cast, "partner", "ใจงาม")
    assert 'aria-current="page" href="/organisations/people/' in body
    assert 'href="/organisations/?q=' in body


# --- scope --------------------------------------------------------------------------
def test_another_networks_people_never_appear(cast, wilaiwan):
    stranger = _person(cast.other_network, full_name="ปรีชา ใจงามยิ่ง", email="preecha@x.example")
    body = _names(cast, "partner", "ใจงาม")
    assert "วิไลวรรณ ใจงาม" in body
    assert "ปรีชา" not in body
    for who in ("coordinator", "chair", "partner"):
        assert "ปรีชา" not in _names(cast, who, "ปรีชา")
        assert "ปรีชา" not in _names(cast, who, "preecha@")
        assert "ปรีชา" not in _names(cast, who, "")
    # The other network's partner sees their own network, not ours.
    body = _names(cast, "other_partner", "ใจงาม")
    assert "ปรีชา ใจงามยิ่ง" in body
    assert "วิไลวรรณ" not in body
    # A site admin finds everyone.
    body = _names(cast, "site_admin", "ใจงาม")
    assert "ปรีชา ใจงามยิ่ง" in body
    assert "วิไลวรรณ ใจงาม" in body
    assert stranger.pk not in set(people_visible_to(cast.partner).values_list("pk", flat=True))


def test_a_person_of_a_member_organisation_with_roles_elsewhere_only_stays_hidden(cast):
    """The partner's organisation is also in the other network; a colleague there is
    the partner's own organisation's (listed), but not the chair's to see."""
    colleague = factories.PersonFactory(
        organisation=cast.partner_org, user=None, full_name="กาญจนา ทำงานไกล"
    )
    factories.RoleFactory(network=cast.other_network, person=colleague)
    assert "กาญจนา" in _names(cast, "partner", "ทำงานไกล")
    assert "กาญจนา" not in _names(cast, "chair", "ทำงานไกล")
    assert "กาญจนา" not in _names(cast, "coordinator", "ทำงานไกล")
    # Nobody of any other organisation without a role in our network either.
    factories.PersonFactory(user=None, full_name="นิรนาม ไม่มีบทบาท")
    for who in ("coordinator", "chair", "partner", "other_partner"):
        assert "นิรนาม" not in _names(cast, who, "นิรนาม")
    assert "นิรนาม" in _names(cast, "site_admin", "นิรนาม")


def test_own_organisation_people_are_listed_without_a_role(cast):
    factories.PersonFactory(organisation=cast.partner_org, user=None, full_name="ใหม่ เพิ่งมา")
    body = _names(cast, "partner", "เพิ่งมา")
    assert "ใหม่ เพิ่งมา" in body
    assert f'href="/organisations/{cast.partner_org.pk}/"' in body


def test_anonymous_is_sent_to_log_in(cast, wilaiwan):
    response = cast.client("anonymous").get(URL, {"q": "ใจงาม"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not people_visible_to(AnonymousUser()).exists()


# --- email: only for coordinators, only in their networks ---------------------------
def test_coordinators_search_by_email_in_their_networks_only(cast, wilaiwan):
    body = _names(cast, "coordinator", "wilaiwan.j@")
    assert "วิไลวรรณ ใจงาม" in body
    assert "mailto:wilaiwan.j@cmu.example" in body
    # The chair and the partner see the person, but neither finds them by address
    # nor is shown it here.
    for who in ("chair", "partner"):
        assert "วิไลวรรณ" not in _names(cast, who, "wilaiwan.j@")
        assert "wilaiwan.j@cmu.example" not in _names(cast, who, "ใจงาม")
    assert "วิไลวรรณ" in _names(cast, "site_admin", "cmu.example")


def test_a_coordinator_does_not_find_by_email_people_seen_only_as_colleagues(cast):
    """The coordinator's own organisation's person with a role only elsewhere: listed by
    name (a colleague) but not searchable by address (not in a network they coordinate)."""
    lead = cast.network.lead_organisation
    elsewhere = factories.PersonFactory(
        organisation=lead, user=None, full_name="อนุชา ต่างเครือข่าย", email="anucha@lead.example"
    )
    factories.RoleFactory(network=cast.other_network, person=elsewhere)
    assert "อนุชา" in _names(cast, "coordinator", "ต่างเครือข่าย")
    assert "อนุชา" not in _names(cast, "coordinator", "anucha@")


# --- paging, queries, input ---------------------------------------------------------
def test_paged_by_fifty(cast):
    for i in range(55):
        _person(cast.network, cast.partner_org, full_name=f"ครูอาสา ลำดับ{i:02d}")
    first = _names(cast, "chair", "ครูอาสา")
    assert "55" in first
    assert "ลำดับ00" in first
    assert "ลำดับ50" not in first
    second = _names(cast, "chair", "ครูอาสา", page=2)
    assert "ลำดับ50" in second
    assert "ลำดับ54" in second
    assert "ลำดับ00" not in second
    # A page past the end or not a number shows a page, not an error.
    assert "ลำดับ50" in _names(cast, "chair", "ครูอาสา", page=99)
    assert "ลำดับ00" in _names(cast, "chair", "ครูอาสา", page="x")


# Session, user, count, the page's people, their roles, the networks one coordinates.
PAGE_QUERIES = 6


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, {"q": "ครูอาสา"})
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["coordinator", "partner", "site_admin"])
def test_query_count_does_not_grow_with_results(cast, who, django_assert_max_num_queries):
    client = cast.client(who)
    _person(cast.network, cast.partner_org, full_name="ครูอาสา คนแรก")
    one = _queries(client)
    for i in range(59):
        # Each with roles in two networks, half of them one we cannot see.
        network = cast.network if i % 2 else factories.NetworkFactory()
        person = _person(network, full_name=f"ครูอาสา {i:02d}", email=f"a{i}@x.example")
        factories.RoleFactory(network=cast.network, person=person, kind=Role.Kind.COMMITTEE)
    assert _queries(client) == one
    with django_assert_max_num_queries(PAGE_QUERIES):
        body = client.get(URL, {"q": "ครูอาสา"}).content.decode()
    assert "60" in body
    assert "ครูอาสา 49" in body
    assert "ครูอาสา 50" not in body


@pytest.mark.parametrize(
    "query",
    ["\x00", "ใจ\x00งาม", "ก" * 5000, "่่่้้", "<script>alert(1)</script>", "%", "_", "' OR 1=1 --"],
)
def test_hostile_search_text_is_a_page_not_an_error(cast, wilaiwan, query):
    response = cast.client("coordinator").get(URL, {"q": query})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    if query in ("%", "_"):
        # LIKE's wildcards are searched for as themselves.
        assert "วิไลวรรณ" not in body
    if query == "ใจ\x00งาม":
        assert "วิไลวรรณ ใจงาม" in body  # the control character is dropped
    response = cast.client("coordinator").get("/organisations/", {"q": query})
    assert response.status_code == 200


def test_people_matching_is_the_one_place_the_rule_lives(cast, wilaiwan):
    assert list(people_matching(cast.partner, "ใจงาม")) == [wilaiwan]
    assert list(people_matching(cast.other_partner, "ใจงาม")) == []
    assert list(people_matching(AnonymousUser(), "ใจงาม")) == []
    assert Person.objects.filter(full_name__contains="ใจงาม").count() == 1


# --- PostgreSQL: the trigram indexes serve the search -------------------------------
TRIGRAM_INDEXES = {
    "network_person_full_name_trgm",
    "network_person_title_trgm",
    "network_person_position_trgm",
    "network_person_email_trgm",
}


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_trgm and its GIN indexes exist only on PostgreSQL (set DATABASE_URL)",
)
def test_thai_fragment_uses_the_trigram_indexes(cast, wilaiwan):
    _person(cast.network, full_name="สมชาย ใจดี")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'network_person'")
        indexes = {row[0] for row in cursor.fetchall()}
        assert indexes >= TRIGRAM_INDEXES
        # With sequential scans off, the planner shows the GIN indexes serve every
        # branch of the OR for a site admin, whose search spans every person there is.
        # (A scoped search starts from the people of one's networks, a few hundred
        # at most; the planner may rightly look those up by key instead.)
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = people_matching(cast.site_admin, "ใจงาม").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in TRIGRAM_INDEXES:
        assert index in plan, plan
    for user in (cast.site_admin, cast.coordinator, cast.partner):
        assert list(people_matching(user, "ใจงาม")) == [wilaiwan]
    assert "วิไลวรรณ ใจงาม" in _names(cast, "partner", "ใจงาม")
