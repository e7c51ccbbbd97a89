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
        # One index over both names in capitals (migration 0008); 0003's two are gone.
        assert "network_org_search_name_trgm" in indexes
        assert not {"network_org_name_th_trgm", "network_org_name_en_trgm"} & indexes
        # With sequential scans off, the planner shows the GIN index serves the ILIKE.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = Organisation.objects.search("ป่าประดู่").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "network_org_search_name_trgm" in plan
    found = list(Organisation.objects.search("ป่าประดู่").values_list("name_th", flat=True))
    assert found == ["โรงเรียนบ้านป่าประดู่วิทยาคม"]


def _names(text: str) -> list[str]:
    return sorted(Organisation.objects.search(text).values_list("name_th", flat=True))


def test_search_finds_what_either_name_holds_in_any_case(db):
    factories.OrganisationFactory(name_th="มหาวิทยาลัยแม่โจ้", name_en="Maejo University")
    factories.OrganisationFactory(name_th="โรงเรียนบ้านหนองบัว", name_en="")
    assert _names("maejo uni") == ["มหาวิทยาลัยแม่โจ้"]
    assert _names("แม่โจ้") == ["มหาวิทยาลัยแม่โจ้"]
    assert _names("  หนอง   ") == ["โรงเรียนบ้านหนองบัว"]
    # % and _ are letters to look for, not patterns.
    assert _names("%") == []
    assert _names("_") == []


def test_no_match_runs_from_the_thai_name_into_the_english_one(db):
    factories.OrganisationFactory(name_th="โรงเรียนเอ", name_en="Alpha School")
    assert _names("เอ alpha") == []
    assert _names("เอAlpha") == []
    assert _names("เอ") == ["โรงเรียนเอ"]


def test_a_rename_by_any_path_is_found_by_its_new_name(db):
    """The column is the database's: a bulk update() (no save(), no signal) moves it."""
    org = factories.OrganisationFactory(name_th="โรงเรียนเก่า", name_en="Old School")
    Organisation.objects.filter(pk=org.pk).update(name_th="โรงเรียนใหม่", name_en="New School")
    assert _names("ใหม่") == ["โรงเรียนใหม่"]
    assert _names("new school") == ["โรงเรียนใหม่"]
    assert _names("เก่า") == []
    assert _names("old") == []


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


def test_directory_rows_escape_every_value(cast):
    """The list is drawn outside the template (network.directory_list): a name that
    looks like markup is shown as text."""
    org = factories.OrganisationFactory(
        name_th="<script>alert('th')</script>", name_en='"><img src=x onerror=alert(1)>'
    )
    factories.MembershipFactory(network=cast.network, organisation=org)
    body = cast.client("partner").get("/organisations/", {"q": "script"}).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;th&#x27;)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body


def test_directory_rows_in_english_and_thai(cast):
    org = factories.OrganisationFactory(
        name_th="โรงเรียนทดสอบแถว", name_en="Row Test School", kind="school"
    )
    factories.MembershipFactory(network=cast.network, organisation=org)
    client = cast.client("partner")

    def page(language: str) -> str:
        client.cookies["khruakhai_language"] = language
        return client.get("/organisations/", {"q": "ทดสอบแถว"}).content.decode()

    thai = page("th")
    assert "ยังไม่ได้ตรวจสอบ" in thai  # Not verified
    assert "สถานศึกษา ·" in thai  # the kind's Thai label
    assert cast.network.name_th in thai
    english = page("en")
    assert "Not verified" in english
    assert "ยังไม่ได้ตรวจสอบ" not in english
    assert "School ·" in english  # the kind's English label
    org.verified_at = org.created_at
    org.save()
    assert "ตรวจสอบแล้ว" in page("th")
    assert ">Verified<" in page("en")
