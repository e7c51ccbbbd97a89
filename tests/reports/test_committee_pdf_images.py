"""Issue 13, item 1: the committee PDF draws its charts in Thai as in English.

The PDF is built by the reports service from factory data with long Thai and English
labels. Each chart's labels are looked up on its page with ``pdftotext -bbox``: every
line where the SVG puts it (scaled by the chart's viewBox and its width in the page's
text column), no word holding two labels, none overlapping. The page, rendered with
pdftoppm, is not blank where the chart is. The Title, Author and Subject metadata
are plain text.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone, translation
from PIL import Image

from reports import services
from tests.core.pdf_helpers import calls_through
from tests.core.test_pdf_charts import (
    PT_PER_PX,
    assert_plain,
    chart_data,
    needs_poppler,
    pdf_metadata,
    pdf_words,
    place,
    squash,
    svg_lines,
    svg_size,
)
from tests.roadmap.factories import ActivityFactory, step_of

pytestmark = [pytest.mark.django_db, needs_poppler]

MM = 72 / 25.4
# templates/pdf/base.css, which the committee PDF extends: A4, 2.5 cm left and 2 cm
# right margins, no body margin inside them.
CONTENT_LEFT = 25 * MM
CONTENT_WIDTH = (210 - 25 - 20) * MM
CHARTS = ("step_chart", "heatmap_chart", "health_chart")
# Sarabun's descent below the baseline, as a share of the box pdftotext gives a word
# (ascent 1.068 em + descent 0.232 em).
DESCENT_SHARE = 0.232 / 1.3


def _scale(svg: str) -> float:
    """PDF points per SVG user unit: a chart's width is 100 % of the text column
    (reports.selectors.committee.fit) or its own width in px, never wider than the column."""
    view_width, _height = svg_size(svg)
    width = re.match(r'<svg\b[^>]*?\swidth="([^"]+)"', svg)[1]
    drawn = CONTENT_WIDTH if width == "100%" else min(float(width) * PT_PER_PX, CONTENT_WIDTH)
    return drawn / view_width


def _locate(svg: str, pages):
    """The chart's page, its top edge, and the placement of its labels there.

    The left edge is the text column's; the top edge comes from where the chart's
    first label is drawn, and then every other label must fall where the SVG puts it.
    """
    lines = svg_lines(svg)
    scale = _scale(svg)
    width, height = svg_size(svg)
    first = lines[0]
    best = None
    for number, words in enumerate(pages):
        for word in words:
            if not squash(word.text) or not squash(first.text).startswith(squash(word.text)):
                continue
            baseline = word.y1 - DESCENT_SHARE * (word.y1 - word.y0)
            top = baseline - first.y * scale
            area = (CONTENT_LEFT, top, CONTENT_LEFT + width * scale, top + height * scale)
            placement = place(lines, words, scale=scale, dx=CONTENT_LEFT, dy=top, area=area)
            if best is None or len(placement.problems) < len(best[2].problems):
                best = (number, area, placement)
    assert best is not None, f"the chart's first label {first.text!r} is on no page"
    return best


def _page_images(pdf: bytes, tmp_path: Path) -> list[Path]:
    source = tmp_path / "committee.pdf"
    source.write_bytes(pdf)
    # 72 dpi: one pixel per PDF point, so pdftotext's boxes are pixel boxes.
    subprocess.run(["pdftoppm", "-r", "72", "-png", source, tmp_path / "page"], check=True)
    return sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))


def _coloured_share(image: Path, area) -> float:
    """The share of pixels in ``area`` that are clearly coloured (bars, cells, lines)."""
    left, top, right, bottom = (round(v) for v in area)
    with Image.open(image) as page:
        crop = page.convert("RGB").crop((left, top, right, bottom))
    data = crop.tobytes()
    pixels = [data[i : i + 3] for i in range(0, len(data), 3)]
    coloured = sum(1 for pixel in pixels if max(pixel) - min(pixel) > 60)
    return coloured / max(len(pixels), 1)


@pytest.mark.parametrize("language", ["th", "en"])
def test_committee_pdf_draws_every_chart_label(cast, reporting, language, tmp_path):
    chart_data(cast)
    _schedule, period, _reports = reporting
    pdf = services.committee_pdf(network=cast.network, period=period, language=language)
    with translation.override(language):
        context = services.committee_context(network=cast.network, period=period)
    pages = pdf_words(pdf)
    images = _page_images(pdf, tmp_path)
    assert len(images) == len(pages)
    problems = {}
    charts = [(name, context[name]) for name in CHARTS] + [
        (f"timeline_charts[{i}]", svg) for i, svg in enumerate(context["timeline_charts"])
    ]
    for name, svg in charts:
        assert svg.startswith("<svg"), name
        number, area, placement = _locate(svg, pages)
        if placement.problems:
            problems[name] = placement.problems
        missing = {line.label for line in svg_lines(svg)} - set(placement.found)
        assert not missing or placement.problems, name
        # Not blank: the chart's bars, cells or lines are drawn where its labels are.
        share = _coloured_share(images[number], area)
        if share < 0.01:
            problems[f"{name} drawing"] = f"page {number + 1}: {share:.2%} coloured"
    assert not problems, problems


@pytest.mark.parametrize("language", ["th", "en"])
def test_committee_pdf_metadata_is_plain_text(cast, reporting, language):
    _schedule, period, _reports = reporting
    pdf = services.committee_pdf(network=cast.network, period=period, language=language)
    metadata = pdf_metadata(pdf)
    assert_plain(metadata, "/Title", "/Author", "/Subject")
    with translation.override(language):
        name = cast.network.name
        assert metadata["/Title"] == f"{translation.gettext('Committee report')} — {name}"
        assert metadata["/Author"] == name
        assert metadata["/Subject"].endswith(period.label)


def test_a_long_timeline_is_cut_into_charts_that_fit_their_pages(cast, reporting):
    """One chart for 45 dated activities was taller than a page: it ran off the
    bottom, and the last activities' bars and titles were lost."""
    today = timezone.localdate()
    for n in range(45):
        ActivityFactory(
            network=cast.network,
            step=step_of(cast.network, 1 + n % 8),
            title=f"T{n:02d} กิจกรรมของเครือข่ายความร่วมมือเพื่อพัฒนาการอ่าน",
            start_on=today - dt.timedelta(days=60 - n),
            due_on=today + dt.timedelta(days=n),
        )
    _schedule, period, _reports = reporting
    pdf = services.committee_pdf(network=cast.network, period=period, language="th")
    with translation.override("th"):
        context = services.committee_context(network=cast.network, period=period)
    charts = context["timeline_charts"]
    assert len(charts) > 1
    pages = pdf_words(pdf)
    shown = []
    for svg in charts:
        number, area, placement = _locate(svg, pages)
        assert not placement.problems, placement.problems
        # Inside the page's text column: above pdf/base.css's 2.2 cm bottom margin.
        assert area[3] <= (297 - 22) * MM, (number, area)
        shown += [m for line in svg_lines(svg) for m in re.findall(r"T\d\d", line.text)]
    # Every activity once, in one of the charts.
    assert sorted(shown) == [f"T{n:02d}" for n in range(45)]


def test_a_chart_wider_than_the_text_column_is_scaled_to_it():
    """The text column is 165 mm (A4 less pdf/base.css's 2.5 and 2 cm side margins):
    623 px at 96 dpi. A chart that wide keeps its size; one pixel wider is scaled."""
    from reports.selectors.committee import fit

    assert fit('<svg width="623" height="40" viewBox="0 0 623 40">') == (
        '<svg width="623" height="40" viewBox="0 0 623 40">'
    )
    assert fit('<svg width="624" height="40" viewBox="0 0 624 40">') == (
        '<svg width="100%" viewBox="0 0 624 40">'
    )


def test_committee_pdf_gives_its_charts_as_images_of_their_svg(cast, reporting, monkeypatch):
    """Each chart reaches WeasyPrint as an <img> of its SVG (core.templatetags.pdf_images),
    not as inline SVG, with its title as the alternative text."""
    from core.pdf import render as render_module

    chart_data(cast)
    _schedule, period, _reports = reporting
    given = calls_through(monkeypatch, render_module, "render_pdf")
    services.committee_pdf(network=cast.network, period=period, language="th")
    html = given[-1]
    with translation.override("th"):
        context = services.committee_context(network=cast.network, period=period)
    names = (*CHARTS, "trend_chart")
    charts = [context[name] for name in names if context[name]] + context["timeline_charts"]
    assert "<svg" not in html
    assert html.count('<img src="data:image/svg+xml;base64,') == len(charts)
    for svg in charts:
        title = re.search(r"<title>(.*?)</title>", svg)[1]
        assert f'alt="{title}"' in html
