from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from roadmap import charts
from roadmap.catalogue import HEALTH_ITEMS
from tests.conftest import _member

from .factories import ActivityFactory, HealthResponseFactory, HealthRoundFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str):
    root = ET.fromstring(svg)  # noqa: S314 — our own output, not untrusted input
    assert root.tag == f"{SVG}svg"
    return root


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("step_progress_svg", 1),
        ("timeline_svg", 1),
        ("obstacle_heatmap_svg", 1),
        ("health_trend_svg", 3),
    ],
)
def test_each_chart_is_valid_svg_in_few_queries(cast, django_assert_max_num_queries, name, limit):
    for i in range(5):
        ActivityFactory(network=cast.network, title=f"<script>alert({i})</script>", percent=i * 20)
    with django_assert_max_num_queries(limit):
        svg = getattr(charts, name)(network=cast.network)
    root = _parse(svg)
    assert root.find(f"{SVG}title").text
    assert "<script>" not in svg  # titles are escaped


def test_step_progress_reports_the_average(cast):
    ActivityFactory(network=cast.network, percent=20)
    ActivityFactory(network=cast.network, percent=60)
    rows = charts.step_progress(cast.network)
    assert [(s.number, n, avg) for s, n, avg in rows][4] == (5, 2, 40.0)
    assert "5. " in charts.step_progress_svg(network=cast.network)


def test_heatmap_counts_cells(cast):
    cast.network.obstacles.filter(code__in=["obstacle_hard", "obstacle_credit"]).update(
        likelihood=5, impact=5
    )
    root = _parse(charts.obstacle_heatmap_svg(network=cast.network))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    # Two entries at 5×5; the other twelve are not yet scored: in no cell, in the note.
    assert "2" in texts
    assert "12" not in texts
    assert any("12" in (t or "") for t in texts[-2:])


def test_health_trend_draws_one_line_per_group(cast):
    users = [cast.partner, cast.coordinator] + [
        _member(cast.network, "partner_rep") for _ in range(2)
    ]
    for k, opened in enumerate([dt.date(2026, 3, 1), dt.date(2026, 9, 1)]):
        rnd = HealthRoundFactory(network=cast.network, opened_on=opened, closes_on=opened)
        for user in users:
            HealthResponseFactory(
                round=rnd,
                respondent=user,
                organisation=None,
                answers={i.code: 3 + k for i in HEALTH_ITEMS},
                comment="",
            )
    root = _parse(charts.health_trend_svg(network=cast.network))
    assert len(list(root.iter(f"{SVG}polyline"))) == 3
