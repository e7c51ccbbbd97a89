"""Charts draw their rectangles and lines as one <path> per paint (roadmap.charts.svg.Shapes):
WeasyPrint's cost is per SVG element, and the picture is the same."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from io import BytesIO

import pytest
from django.utils import timezone

from roadmap import charts
from roadmap.charts.svg import Shapes

from .factories import ActivityFactory

SVG = "{http://www.w3.org/2000/svg}"


def test_one_path_per_paint_in_first_use_order():
    shapes = Shapes()
    shapes.rect(10, 20, 100, 18, rx=3, fill="#e9ecef")
    shapes.rect(10, 50, 40, 18, rx=3, fill="#0d6efd")
    shapes.rect(10, 80, 100, 18, rx=3, fill="#e9ecef")
    first, second = shapes.paths()
    assert first.startswith('<path fill="#e9ecef" d="M13 20h94c1.66 0 3 1.34 3 3v12')
    assert first.count("M") == 2
    assert second.startswith('<path fill="#0d6efd"')


def test_a_rectangle_without_area_draws_nothing():
    """As <rect width="0"> draws nothing: a 0 % bar leaves no blob of rounded corners."""
    shapes = Shapes()
    shapes.rect(10, 20, 0, 18, rx=3, fill="#198754")
    shapes.rect(10, 20, 30, -1, fill="#198754")
    assert shapes.paths() == []


def test_corners_are_rounded_as_svg_rounds_them():
    """ry = rx, then each at most half its side: a bar narrower than two radii gets
    elliptical corners, as <rect rx> draws it in browsers and WeasyPrint."""
    shapes = Shapes()
    shapes.rect(0, 0, 4, 18, rx=3, fill="#0d6efd")
    shapes.rect(0, 30, 40, 4, rx=3, fill="#0d6efd")
    [path] = shapes.paths()
    assert 'd="M2 0h0c1.1 0 2 1.34 2 3v12c0 1.66 -0.9 3 -2 3h-0c-1.1 0 -2 -1.34 -2 -3v-12' in path
    assert "M3 30h34c1.66 0 3 0.9 3 2v0c0 1.1 -1.34 2 -3 2h-34c-1.66 0 -3 -0.9 -3 -2v-0" in path


def test_a_corner_is_the_curve_an_arc_command_draws():
    """The cubic Bézier curve written for each corner is the one WeasyPrint draws for
    the arc command it replaces (``a r r 0 0 1 r r``): the same PDF curve operators,
    to a tenth of a point."""
    from pypdf import PdfReader

    from core.pdf import render_pdf

    def curves(d: str) -> list[list[float]]:
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100"><path d="{d}"/></svg>'
        page = PdfReader(BytesIO(render_pdf(f'<div style="width: 200px">{svg}</div>'))).pages[0]
        text = page.get_contents().get_data().decode("latin-1")
        return [
            [round(float(v), 1) for v in m.split()] for m in re.findall(r"((?:\S+ ){6})c\b", text)
        ]

    shapes = Shapes()
    shapes.rect(10, 20, 100, 18, rx=3)
    [path] = shapes.paths()
    ours = re.search(r'd="([^"]+)"', path)[1]
    arcs = "M13 20h94a3 3 0 0 1 3 3v12a3 3 0 0 1 -3 3h-94a3 3 0 0 1 -3 -3v-12a3 3 0 0 1 3 -3z"
    assert len(curves(ours)) == 4
    assert curves(ours) == curves(arcs)


def test_square_corners_and_lines():
    shapes = Shapes()
    shapes.rect(1.5, 2, 3.25, 4, fill="red")
    shapes.line(220, 28, 220, 854.004, stroke="#dee2e6")
    rect, line = shapes.paths()
    assert 'd="M1.5 2h3.25v4h-3.25z"' in rect
    # A path of segments would be filled black: a line is not.
    assert line == '<path stroke="#dee2e6" fill="none" d="M220 28L220 854"/>'


@pytest.mark.django_db
def test_the_timeline_draws_its_bars_in_a_few_paths_whatever_the_number_of_activities(cast):
    for i in range(30):
        ActivityFactory(network=cast.network, title=f"กิจกรรม {i}", percent=(i * 7) % 101)
    root = ET.fromstring(charts.timeline_svg(network=cast.network))  # noqa: S314 — ours
    assert not list(root.iter(f"{SVG}rect"))
    assert not list(root.iter(f"{SVG}line"))[:-1]  # only "today"'s dashed line
    # Ticks, and for each status colour the outlines and the filled parts.
    assert len(list(root.iter(f"{SVG}path"))) <= 1 + 2 * 5
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert sum(1 for label in labels if label and "กิจกรรม" in label) == 30


@pytest.mark.django_db
def test_a_cut_timeline_fits_each_part_and_shows_each_activity_once(cast):
    """timeline_svgs cuts between rows: no part taller than max_height, every activity
    in exactly one part, all parts on the same months (the same tick labels)."""
    today = timezone.localdate()
    for n in range(30):
        ActivityFactory(
            network=cast.network,
            title=f"T{n:02d} กิจกรรมของเครือข่ายความร่วมมือเพื่อพัฒนาการอ่านและการเขียน",
            start_on=today - dt.timedelta(days=40 - n),
            due_on=today + dt.timedelta(days=n),
        )
    # 327 px: seven rows of 36 px between the top (34) and bottom (10) margins; a cut that
    # forgot the bottom margin would make parts of eight rows, 332 px tall.
    parts = charts.timeline_svgs(network=cast.network, max_height=327, today=today)
    assert len(parts) > 2
    shown, ticks = [], []
    for svg in parts:
        root = ET.fromstring(svg)  # noqa: S314 — ours
        assert float(root.get("height")) <= 327
        texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
        shown += [m for text in texts for m in re.findall(r"T\d\d", text)]
        ticks.append([t for t in texts if not re.search(r"T\d\d", t)])
    assert sorted(shown) == [f"T{n:02d}" for n in range(30)]
    assert all(part_ticks == ticks[0] for part_ticks in ticks)
