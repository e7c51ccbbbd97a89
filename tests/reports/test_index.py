"""The reports list: paged (no silent cap), filtered by status, the filter kept in the
page links, labelled in Thai and English."""

from __future__ import annotations

import re

import pytest

from reports.models import ProgressReport
from reports.views.progress_reports import REPORTS_PER_PAGE
from tests.factories import MembershipFactory

from .factories import PeriodFactory

URL = "/networks/cast-network/reports/"


@pytest.fixture
def many(cast):
    """Two periods; 2.5 pages of reports in all, a fifth of them submitted."""
    periods = [
        PeriodFactory(network=cast.network),
        PeriodFactory(
            network=cast.network,
            starts_on="2026-04-01",
            ends_on="2026-06-30",
            due_on="2026-07-07",
        ),
    ]
    orgs = [MembershipFactory(network=cast.network).organisation for _ in range(62)]
    reports = [
        ProgressReport(
            period=period,
            organisation=org,
            status=ProgressReport.Status.SUBMITTED if i % 5 == 0 else ProgressReport.Status.DRAFT,
        )
        for period in periods
        for i, org in enumerate(orgs)
    ]
    ProgressReport.objects.bulk_create(reports)
    return ProgressReport.objects.filter(period__network=cast.network)


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'/networks/cast-network/reports/(\d+)/"', html)]


def test_every_report_is_on_exactly_one_page(cast, many):
    client = cast.client("coordinator")
    total = many.count()
    assert total > 2 * REPORTS_PER_PAGE  # more than the two pages a cap would hide
    seen: list[int] = []
    pages = -(-total // REPORTS_PER_PAGE)
    for number in range(1, pages + 1):
        html = client.get(URL, {"page": number}).content.decode()
        ids = _ids(html)
        assert len(ids) == min(REPORTS_PER_PAGE, total - (number - 1) * REPORTS_PER_PAGE)
        seen += ids
    assert sorted(seen) == sorted(many.values_list("id", flat=True))
    # the latest period first
    latest = set(many.filter(period__starts_on="2026-07-01").values_list("id", flat=True))
    assert _ids(client.get(URL).content.decode())[0] in latest


def test_an_impossible_page_number_shows_a_real_page(cast, many):
    client = cast.client("coordinator")
    assert _ids(client.get(URL, {"page": "999"}).content.decode())  # the last page
    assert _ids(client.get(URL, {"page": "x"}).content.decode()) == _ids(
        client.get(URL).content.decode()
    )


def test_the_status_filter_is_kept_in_the_page_links(cast, many):
    client = cast.client("coordinator")
    drafts = many.filter(status="draft")
    assert drafts.count() > REPORTS_PER_PAGE
    html = client.get(URL, {"status": "draft"}).content.decode()
    assert set(_ids(html)) <= set(drafts.values_list("id", flat=True))
    assert 'href="?status=draft&amp;page=2"' in html
    assert '<option value="draft" selected>' in html  # the form shows the filter in use
    second = client.get(URL, {"status": "draft", "page": 2}).content.decode()
    assert 'href="?status=draft&amp;page=1"' in second
    assert len(_ids(html)) + len(_ids(second)) == drafts.count()
    # submitted reports: one page, no page links
    html = client.get(URL, {"status": "submitted"}).content.decode()
    assert len(_ids(html)) == many.filter(status="submitted").count()
    assert "page=" not in html


def test_an_unknown_status_shows_every_report(cast, many):
    html = cast.client("coordinator").get(URL, {"status": "nonsense"}).content.decode()
    assert len(_ids(html)) == REPORTS_PER_PAGE


def test_a_filter_that_matches_nothing_says_so(cast, many):
    html = cast.client("coordinator").get(URL, {"status": "accepted"}).content.decode()
    assert not _ids(html)
    assert "ไม่มีรายงานในสถานะนี้" in html


def test_page_labels_in_thai_and_english(cast, many):
    client = cast.client("coordinator")
    html = client.get(URL).content.decode()
    assert "หน้า 1 จาก 3" in html
    assert "ถัดไป" in html
    assert f"รายงาน {many.count()} ฉบับ" in html
    cast.coordinator.language = "en"  # the user's saved choice
    cast.coordinator.save()
    html = client.get(URL).content.decode()
    assert "Page 1 of 3" in html
    assert "Next" in html
    assert f"{many.count()} reports" in html


def test_a_partner_pages_through_their_own_reports_only(cast, many):
    own = ProgressReport.objects.filter(organisation=cast.partner_org).count()
    html = cast.client("partner").get(URL).content.decode()
    assert len(_ids(html)) == own
    assert "page=" not in html
