"""Issue 13 item 8: one health view over time, per period, for coordinators and the committee.

Per period: reports late and missing, the obstacle register's scores as they stood at
the period's end, the health rounds that closed in it, the roadmap's progress at its
end. The figures are checked against hand-made history; the page's query count does
not grow with the number of periods; the chart is roadmap's server-drawn SVG with one
<text> per label.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from reports.models import ProgressReport
from reports.selectors import trend
from roadmap import charts
from roadmap import services as roadmap_services
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import Activity, ObstacleEntry, ProgressUpdate
from tests.conftest import _member
from tests.roadmap.factories import (
    ActivityFactory,
    HealthResponseFactory,
    HealthRoundFactory,
    ProgressUpdateFactory,
)

from .conftest import bkk
from .factories import PeriodFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
TODAY = dt.date(2026, 10, 20)


def quarter(network, year: int, q: int):
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)) - dt.timedelta(days=1)
    return PeriodFactory(
        network=network, starts_on=start, ends_on=end, due_on=end + dt.timedelta(days=7)
    )


def quarters_to_now(network, n: int) -> list:
    """n quarters, the last one the quarter running today (oldest first)."""
    today = timezone.localdate()
    year, q = today.year, (today.month - 1) // 3 + 1
    made = []
    for _ in range(n):
        made.append(quarter(network, year, q))
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return made[::-1]


def score(entry: ObstacleEntry, likelihood: int, impact: int, on: dt.datetime) -> None:
    """Score a register row through roadmap's service, dated ``on`` in its history."""
    roadmap_services.obstacle_update(
        entry=entry,
        likelihood=likelihood,
        impact=impact,
        mitigation="",
        owner=None,
        review_on=None,
    )
    latest = ObstacleEntry.history.filter(id=entry.pk).latest("history_id")
    ObstacleEntry.history.filter(history_id=latest.history_id).update(history_date=on)


def dated(model, pk: int, when: dt.datetime) -> None:
    model.objects.filter(pk=pk).update(created_at=when)


def report(period, organisation, status: str, submitted: dt.datetime | None = None):
    return ProgressReport.objects.create(
        period=period, organisation=organisation, status=status, submitted_at=submitted
    )


@pytest.fixture
def history(cast):
    """Three quarters of 2026 with reports, scores, health rounds and progress."""
    network = cast.network
    q1, q2, q3 = (quarter(network, 2026, q) for q in (1, 2, 3))
    lead, partner = network.lead_organisation, cast.partner_org
    chair_org = cast.chair.person.organisation
    # Q1 (due 7 April): partner late, lead on time, the chair's organisation never.
    report(q1, partner, "accepted", bkk(2026, 4, 10, 9))
    report(q1, lead, "submitted", bkk(2026, 4, 7, 23, 30))  # late only from 8 April
    report(q1, chair_org, "draft")
    # Q2: one returned (open again, past due: missing), one accepted on time.
    report(q2, partner, "returned", bkk(2026, 7, 1, 10))
    report(q2, lead, "accepted", bkk(2026, 7, 6, 10))
    # Q3 (due 7 October): one still open, one late.
    report(q3, partner, "draft")
    report(q3, lead, "submitted", bkk(2026, 10, 9, 8))
    # The register: A 4×5 in February, B 2×2 in May, A down to 2×3 in August.
    a, b, *_rest = network.obstacles.order_by("id")
    score(a, 4, 5, bkk(2026, 2, 1, 10))
    score(b, 2, 2, bkk(2026, 5, 1, 10))
    score(a, 2, 3, bkk(2026, 8, 1, 10))
    # Health: a round closing in Q2 with three answers (all 4), one in Q3 with two
    # answers (below roadmap's minimum: no average, not counted).
    users = [cast.partner, cast.coordinator, _member(network, "partner_rep")]
    for closes, answering in ((dt.date(2026, 5, 20), users), (dt.date(2026, 8, 20), users[:2])):
        rnd = HealthRoundFactory(
            network=network, opened_on=closes - dt.timedelta(days=10), closes_on=closes
        )
        for user in answering:
            HealthResponseFactory(
                round=rnd,
                respondent=user,
                organisation=None,
                answers={item.code: 4 for item in HEALTH_ITEMS},
                comment="",
            )
    # Progress: X from January (30 % in March, 80 % in August); Y from May, 50 % late
    # on 30 September, Bangkok time (still Q3, though already 1 October nowhere).
    x = ActivityFactory(network=network, percent=80)
    y = ActivityFactory(network=network, percent=50)
    dated(Activity, x.pk, bkk(2026, 1, 10))
    dated(Activity, y.pk, bkk(2026, 5, 1))
    for activity, percent, when in (
        (x, 30, bkk(2026, 3, 15)),
        (x, 80, bkk(2026, 8, 1)),
        (y, 50, bkk(2026, 9, 30, 23, 30)),
    ):
        dated(ProgressUpdate, ProgressUpdateFactory(activity=activity, percent=percent).pk, when)
    return q1, q2, q3


def test_each_period_has_its_own_figures(cast, history):
    q1, q2, q3 = history
    rows = trend.trend_rows(network=cast.network, today=TODAY)
    assert [r.period for r in rows] == [q3, q2, q1]  # newest first
    by = {r.period: r for r in rows}
    assert (by[q1].late, by[q1].missing, by[q1].reports) == (1, 1, 3)
    assert (by[q2].late, by[q2].missing, by[q2].reports) == (0, 1, 2)
    assert (by[q3].late, by[q3].missing, by[q3].reports) == (1, 1, 2)
    # Obstacle scores at each end: only rows scored by then, each as last saved.
    assert (by[q1].obstacles_scored, by[q1].obstacle_average, by[q1].obstacles_high) == (
        1,
        20.0,
        1,
    )
    assert (by[q2].obstacles_scored, by[q2].obstacle_average, by[q2].obstacles_high) == (
        2,
        12.0,
        1,
    )
    assert (by[q3].obstacles_scored, by[q3].obstacle_average, by[q3].obstacles_high) == (
        2,
        5.0,
        0,
    )
    # Health: the Q2 round only; Q3's round has too few answers to be shown.
    assert (by[q1].health, by[q2].health, by[q3].health) == (None, 4.0, None)
    assert by[q2].health_rounds == 1
    # Progress at each end, from the updates dated up to it.
    assert (by[q1].progress, by[q1].activities) == (30.0, 1)
    assert (by[q2].progress, by[q2].activities) == (15.0, 2)
    assert (by[q3].progress, by[q3].activities) == (65.0, 2)


def test_a_committee_pdf_of_an_old_period_shows_the_trend_up_to_it(cast, history):
    q1, q2, _q3 = history
    rows = trend.trend_rows(network=cast.network, upto=q2.starts_on, today=TODAY)
    assert [r.period for r in rows] == [q2, q1]


def test_eight_periods_at_most(cast):
    quarters_to_now(cast.network, 11)
    rows = trend.trend_rows(network=cast.network)
    assert len(rows) == trend.PERIODS == 8
    assert rows[0].period.starts_on <= timezone.localdate()


def _page_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


# The page's queries at any number of periods: session and user (2), the network and
# the access check (2), the periods, the reports grouped by period, the register's
# history, health (expected answers, rounds, answers: 3), activities, updates.
PAGE_QUERIES = 12


def _fill(cast, periods) -> None:
    """Reports, a health round, an activity with an update and a score per period."""
    for period in periods:
        report(period, cast.partner_org, "accepted", bkk(2025, 1, 1))
        report(period, cast.network.lead_organisation, "draft")
        rnd = HealthRoundFactory(
            network=cast.network, opened_on=period.starts_on, closes_on=period.ends_on
        )
        for user in (cast.partner, cast.coordinator, cast.chair):
            HealthResponseFactory(
                round=rnd,
                respondent=user,
                organisation=None,
                answers={item.code: 3 for item in HEALTH_ITEMS},
                comment="",
            )
        ProgressUpdateFactory(activity=ActivityFactory(network=cast.network), percent=40)
        entry = cast.network.obstacles.exclude(pk__in=ObstacleEntry.history.values("id")).first()
        score(entry, 3, 4, timezone.now())


def test_the_query_count_does_not_grow_with_periods(cast, django_assert_max_num_queries):
    url = f"/networks/{cast.network.slug}/reports/trend/"
    client = cast.client("chair")
    _fill(cast, quarters_to_now(cast.network, 2))
    client.get(url)  # warm the session
    with django_assert_max_num_queries(PAGE_QUERIES):
        two, body = _page_queries(client, url)
    assert body.count("<tr>") == 1 + 2
    # Six older quarters (the two newest exist: the factory gets them).
    quarters = quarters_to_now(cast.network, 8)
    _fill(cast, quarters[:6])
    eight, body = _page_queries(client, url)
    assert eight == two
    assert body.count("<tr>") == 1 + 8
    for period in quarters:
        assert period.name_th in body


def test_the_page_is_for_overseers(cast):
    quarters_to_now(cast.network, 2)
    url = f"/networks/{cast.network.slug}/reports/trend/"
    assert cast.client("coordinator").get(url).status_code == 200
    assert cast.client("chair").get(url).status_code == 200
    assert cast.client("partner").get(url).status_code == 403
    assert cast.client("other_partner").get(url).status_code == 404
    assert cast.client("anonymous").get(url).status_code == 302


def test_the_page_in_english(cast, history):
    client = cast.client("chair")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(f"/networks/{cast.network.slug}/reports/trend/").content.decode()
    assert "Q3 2026" in body
    assert "Q1 2026" in body
    assert "Health average (1–5)" in body
    assert "ไตรมาส" not in body


def _labels(svg: str) -> list[str]:
    """Each <text> is one label: its tspans' lines joined."""
    root = ET.fromstring(svg)  # noqa: S314 — our own output
    return [" ".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_chart_draws_one_text_per_label(cast, history, language):
    with translation.override(language):
        rows = trend.trend_rows(network=cast.network, today=TODAY)
        svg = trend.trend_chart(rows)
        names = [r.name for r in rows]
    root = ET.fromstring(svg)  # noqa: S314 — well-formed XML: no HTML inside the SVG
    assert all(el.tag.startswith(SVG) for el in root.iter())
    assert not any(el.tag in (f"{SVG}foreignObject",) for el in root.iter())
    labels = _labels(svg)
    for name in names:
        assert "".join(name.split()) in {"".join(label.split()) for label in labels}
    # Each period's name fits its slot (wrapped by roadmap's own helper).
    slot = (640 - 80) / len(rows)
    for text in root.iter(f"{SVG}text"):
        lines = [s.text for s in text.iter(f"{SVG}tspan")] or [text.text]
        if text.get("text-anchor") == "middle":
            assert all(charts.text_width(line) <= slot - 6 for line in lines), lines
    # Three points of health where there is an average (only Q2 here), two bars.
    assert len(list(root.iter(f"{SVG}circle"))) == 1
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#fd7e14"]) == 3


def test_long_thai_period_names_wrap_and_nothing_is_escaped_twice(cast):
    names = ["ปี <2570> & รอบติดตามผลปลายปีงบประมาณต่อเนื่อง"] * 8
    svg = charts.period_trend_svg(
        periods=names,
        late=[1] * 8,
        missing=[2] * 8,
        health=[3.5, None, 4, 4.2, None, None, 2, 5],
        title="t",
        legend=("a", "b", "c"),
        empty="-",
    )
    root = ET.fromstring(svg)  # noqa: S314 — our own output
    texts = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"]
    assert len(texts) == 8
    for text in texts:
        spans = list(text.iter(f"{SVG}tspan"))
        assert len(spans) == 2  # wrapped into two lines, the second ending in "…"
        assert spans[-1].text.endswith("…")
    # Escaped once: the parsed text reads as typed.
    assert "&amp;lt;" not in svg
    assert "<2570" not in svg
    assert any("<" in "".join(t.itertext()) for t in texts)
    # Lines join neighbours only: 3.5 stands alone, 4 – 4.2 joined, 2 and 5 joined.
    assert len(list(root.iter(f"{SVG}line"))) >= 2


def test_no_periods_yet_says_so_without_an_empty_chart(cast):
    response = cast.client("coordinator").get(f"/networks/{cast.network.slug}/reports/trend/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "ยังไม่มีรอบรายงาน" in body
    assert "<svg" not in body


def test_the_dashboard_links_to_the_trend(cast):
    page = cast.client("coordinator").get(f"/networks/{cast.network.slug}/dashboard/")
    assert page.status_code == 200
    assert f"/networks/{cast.network.slug}/reports/trend/" in page.content.decode()
