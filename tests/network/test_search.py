"""Directory search by Thai or English name; pg_trgm on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from network.models import Organisation
from tests import factories


def _network_with(cast, *names):
    for name in names:
        org = factories.OrganisationFactory(name_th=name, name_en="")
        factories.MembershipFactory(network=cast.network, organisation=org)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_trgm and its GIN index exist only on PostgreSQL (set DATABASE_URL)",
)
def test_thai_fragment_from_the_middle_uses_the_trigram_index(cast):
    _network_with(cast, "โรงเรียนบ้านป่าประดู่วิทยาคม", "โรงเรียนบ้านหนองบัว")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'network_organisation'")
        indexes = {row[0] for row in cursor.fetchall()}
        assert {"network_org_name_th_trgm", "network_org_name_en_trgm"} <= indexes
        # With sequential scans off, the planner shows the GIN index serves the ILIKE.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Organisation.objects.search("ป่าประดู่").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "trgm" in plan
    found = list(Organisation.objects.search("ป่าประดู่").values_list("name_th", flat=True))
    assert found == ["โรงเรียนบ้านป่าประดู่วิทยาคม"]


def test_search_page_finds_a_thai_name_by_a_middle_fragment(cast):
    _network_with(cast, "โรงเรียนบ้านป่าประดู่วิทยาคม", "โรงเรียนบ้านหนองบัว")
    body = cast.client("partner").get("/organisations/", {"q": "ป่าประดู่"}).content.decode()
    assert "โรงเรียนบ้านป่าประดู่วิทยาคม" in body
    assert "โรงเรียนบ้านหนองบัว" not in body


def test_search_by_english_name_ignores_case(cast):
    org = factories.OrganisationFactory(name_th="มหาวิทยาลัยแม่โจ้", name_en="Maejo University")
    factories.MembershipFactory(network=cast.network, organisation=org)
    body = cast.client("partner").get("/organisations/", {"q": "MAEJO"}).content.decode()
    assert "มหาวิทยาลัยแม่โจ้" in body


def test_directory_shows_only_organisations_of_my_networks(cast):
    body = cast.client("partner").get("/organisations/").content.decode()
    assert cast.partner_org.name_th in body
    assert cast.other_org.name_th not in body
    body = cast.client("other_partner").get("/organisations/", {"q": "ภาคีทดสอบ"}).content
    assert cast.partner_org.name_th not in body.decode()
