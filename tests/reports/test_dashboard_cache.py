"""The dashboard's body is kept per process while nothing it shows changes
(reports.selectors.dashboard): a change shows at once, however it was written.

On PostgreSQL the kept body is used (the fingerprint of the rows); elsewhere it is
drawn every time, and the same assertions hold.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import pg_prepared
from network.models import Organisation
from reports.models import ProgressReport
from reports.selectors import dashboard
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import Activity, HealthResponse
from tests.roadmap.factories import ActivityFactory, HealthResponseFactory, HealthRoundFactory

from .factories import PeriodFactory

URL = "/networks/cast-network/dashboard/"
# A request served from the store: session, user, the permission's reads and the
# fingerprint; none of the eight reads that draw the body.
PINNED_KEPT = 5
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the fingerprint is PostgreSQL's"
)


@pytest.fixture
def page(cast):
    """The coordinator's dashboard, the store empty; a report due in five days, one
    late, an activity due soon and a health round with enough answers for the chart."""
    dashboard.kept.clear()
    today = timezone.localdate()
    soon = PeriodFactory(
        network=cast.network,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=1),
        due_on=today + dt.timedelta(days=5),
    )
    late = PeriodFactory(
        network=cast.network,
        starts_on=today - dt.timedelta(days=150),
        ends_on=today - dt.timedelta(days=61),
        due_on=today - dt.timedelta(days=50),
    )
    ProgressReport.objects.create(period=soon, organisation=cast.partner_org)
    ProgressReport.objects.create(period=late, organisation=cast.network.lead_organisation)
    ActivityFactory(
        network=cast.network, title="ค่ายอ่านออกเสียง", due_on=today + dt.timedelta(days=3)
    )
    health = HealthRoundFactory(network=cast.network, label="รอบแรก")
    for _ in range(3):
        HealthResponseFactory(round=health)
    client = cast.client("coordinator")
    yield client
    dashboard.kept.clear()


def _html(client) -> str:
    """The page, its per-response CSRF tokens blanked."""
    response = client.get(URL)
    assert response.status_code == 200
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@on_postgres
def test_an_unchanged_dashboard_is_served_from_the_store(page, monkeypatch):
    first = _html(page)
    drawn = []
    monkeypatch.setattr(dashboard, "_draw", lambda *args: drawn.append(args) or "")
    with CaptureQueriesContext(connection) as ctx:
        again = _html(page)
    assert again == first
    assert drawn == []
    assert len(ctx.captured_queries) <= PINNED_KEPT
    with connection.cursor() as cursor:  # what each prepared EXECUTE ran
        texts = [pg_prepared.statement_text(cursor, q["sql"]) for q in ctx.captured_queries]
    reads = [text for text in texts if "md5(" not in text]
    assert not any(
        '"roadmap_activity"' in sql or '"reports_progressreport"' in sql for sql in reads
    )


def test_a_bulk_update_of_an_activity_shows_at_once(page):
    assert "ค่ายอ่านออกเสียง" in _html(page)
    Activity.objects.filter(title="ค่ายอ่านออกเสียง").update(title="ค่ายเขียนเรื่องสั้น")
    html = _html(page)
    assert "ค่ายเขียนเรื่องสั้น" in html
    assert "ค่ายอ่านออกเสียง" not in html


def _late_list(html: str) -> str:
    """The late reports' list (Thai headings)."""
    return html.split("รายงานที่ล่าช้า")[1].split("ครบกำหนดภายใน 14 วัน")[0]


def test_a_bulk_update_of_a_report_shows_at_once(page, cast):
    lead = cast.network.lead_organisation.name_th
    assert lead in _late_list(_html(page))
    ProgressReport.objects.filter(organisation=cast.network.lead_organisation).update(
        status=ProgressReport.Status.SUBMITTED
    )
    late = _late_list(_html(page))
    assert lead not in late
    assert "ไม่มีรายงานล่าช้า" in late


def test_a_renamed_organisation_shows_at_once(page, cast):
    assert "มหาวิทยาลัยภาคีทดสอบ" in _html(page)
    Organisation.objects.filter(pk=cast.partner_org.pk).update(name_th="มหาวิทยาลัยชื่อใหม่")
    html = _html(page)
    assert "มหาวิทยาลัยชื่อใหม่" in html
    assert "มหาวิทยาลัยภาคีทดสอบ" not in html


def test_a_new_step_percent_and_new_health_answers_redraw_the_charts(page, cast):
    before = _html(page)
    Activity.objects.filter(title="ค่ายอ่านออกเสียง").update(percent=90)
    after_percent = _html(page)
    assert after_percent != before
    HealthResponse.objects.filter(round__network=cast.network).update(
        answers={item.code: 5 for item in HEALTH_ITEMS}
    )
    assert _html(page) != after_percent


def test_another_language_gets_its_own_body(page):
    thai = _html(page)
    assert "รายงานที่ล่าช้า" in thai
    page.cookies["khruakhai_language"] = "en"
    english = _html(page)
    assert "Late reports" in english
    assert "Due in the next 14 days" in english
    page.cookies["khruakhai_language"] = "th"
    assert _html(page) == thai


def test_the_next_day_gets_its_own_body(page, cast, monkeypatch):
    """The report due in five days is late six days from now, with nothing written."""
    partner = "มหาวิทยาลัยภาคีทดสอบ"
    assert partner not in _late_list(_html(page))
    later = timezone.localdate() + dt.timedelta(days=6)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    assert partner in _late_list(_html(page))
