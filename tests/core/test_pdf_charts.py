"""Issue 13, item 1: charts draw in Thai as in English, and PDF metadata is plain text.

The Thai word-keeping pass (core.pdf.thai_breaks) once put <span> markup into SVG
<text>; the HTML parser read that <span> as the end of the <svg>, so only the first
label of a chart was drawn and the rest spilled out as a paragraph. Here every chart
of roadmap.charts is rendered through core.pdf.render_pdf, and each label line of
the SVG is looked up among the words pdftotext finds: it must be drawn where the SVG
puts it (x and baseline scaled by the chart's viewBox and rendered size), no word on
the page may hold text of two labels, and no two labels may overlap.

The helpers are imported by tests/reports/test_committee_pdf_images.py.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from io import BytesIO

import pytest
from django.utils import translation
from pypdf import PdfReader

from core.pdf import render_pdf
from roadmap import charts
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import Activity
from tests.conftest import _member
from tests.roadmap.factories import (
    ActivityFactory,
    HealthResponseFactory,
    HealthRoundFactory,
    step_of,
)

SVG = "{http://www.w3.org/2000/svg}"
PT_PER_PX = 0.75  # CSS px to PDF points
# Position tolerance in PDF points: glyph side bearings, rounding to 0.1 user unit.
TOLERANCE = 2.5

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm")),
    reason="poppler-utils (pdftotext, pdftoppm) is not installed",
)


# --- the SVG's labels and the PDF's words ------------------------------------------


@dataclass(frozen=True)
class Line:
    """One drawn line of a label: a <text> without <tspan>, or one <tspan>."""

    label: int  # index of its <text>: lines of one label share it
    text: str
    x: float
    y: float
    anchor: str
    rotated: bool
    size: float


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Placement:
    problems: list[str] = field(default_factory=list)
    found: dict[int, list[Word]] = field(default_factory=dict)  # label -> its words


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def svg_size(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)  # noqa: S314 — our own output
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    return width, height


def svg_lines(svg: str) -> list[Line]:
    root = ET.fromstring(svg)  # noqa: S314 — our own output
    default_size = float(root.get("font-size", "16"))
    lines = []
    for index, text in enumerate(root.iter(f"{SVG}text")):
        anchor = text.get("text-anchor", "start")
        transform = text.get("transform", "")
        assert transform in ("",) or transform.startswith("rotate(-90 "), transform
        size = float(text.get("font-size", default_size))
        spans = list(text.iter(f"{SVG}tspan"))
        parts = (
            [(s.text or "", float(s.get("x")), float(s.get("y"))) for s in spans]
            if spans
            else [(text.text or "", float(text.get("x")), float(text.get("y")))]
        )
        for content, x, y in parts:
            assert content.strip(), f"an empty line in label {index}"
            lines.append(Line(index, content, x, y, anchor, bool(transform), size))
    return lines


def pdf_words(pdf: bytes) -> list[list[Word]]:
    """The words pdftotext finds, page by page, in PDF points from the top left."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    pages = []
    for page in re.findall(r"<page\b.*?</page>", out, re.DOTALL):
        pages.append(
            [
                Word(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
                for m in re.finditer(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                    r"(.*?)</word>",
                    page,
                )
            ]
        )
    return pages


def _on_line(word: Word, line: Line, px: float, py: float) -> bool:
    # The baseline runs through the word's box: across it, or down it when rotated.
    if line.rotated:
        return word.x0 - TOLERANCE <= px <= word.x1 + TOLERANCE
    return word.y0 - TOLERANCE <= py <= word.y1 + TOLERANCE


def _anchored(run: list[Word], line: Line, px: float, py: float) -> bool:
    if line.rotated:  # rotate(-90) about the anchor: the text runs upwards, centred
        middle = (min(w.y0 for w in run) + max(w.y1 for w in run)) / 2
        return line.anchor == "middle" and abs(middle - py) <= TOLERANCE
    left, right = run[0].x0, run[-1].x1
    at = {"start": left, "end": right, "middle": (left + right) / 2}[line.anchor]
    return abs(at - px) <= TOLERANCE


def _find_run(line: Line, words: list[Word], px: float, py: float) -> list[Word] | None:
    """Words, in reading order, that spell the line and sit where the SVG puts it."""
    target = squash(line.text)
    candidates = [
        w
        for w in words
        if squash(w.text) and squash(w.text) in target and _on_line(w, line, px, py)
    ]
    key = (lambda w: -w.y1) if line.rotated else (lambda w: w.x0)
    candidates.sort(key=key)
    for start, first in enumerate(candidates):
        if not target.startswith(squash(first.text)):
            continue
        run, spelled = [first], squash(first.text)
        for word in candidates[start + 1 :]:
            if spelled == target:
                break
            after = (
                word.y1 <= run[-1].y0 + TOLERANCE
                if line.rotated
                else word.x0 >= run[-1].x1 - TOLERANCE
            )
            if after and target.startswith(spelled + squash(word.text)):
                run.append(word)
                spelled += squash(word.text)
        if spelled == target and _anchored(run, line, px, py):
            return run
    return None


def place(
    lines: list[Line],
    words: list[Word],
    *,
    scale: float,
    dx: float,
    dy: float,
    area: tuple[float, float, float, float],
) -> Placement:
    """Check that each line is drawn where the SVG puts it, that every word in
    ``area`` (the chart's box on the page) belongs to one label, and that no two
    labels overlap. ``scale`` is PDF points per SVG user unit; (dx, dy) the chart's
    top left corner on the page."""
    result = Placement()
    used: set[int] = set()
    for line in lines:
        px, py = dx + line.x * scale, dy + line.y * scale
        run = _find_run(line, words, px, py)
        if run is None:
            near = [
                w.text
                for w in words
                if abs((w.y0 + w.y1) / 2 - py) < 3 * line.size * scale and abs(w.x0 - px) < 300
            ]
            result.problems.append(
                f"{line.text!r} is not drawn at ({px:.1f}, {py:.1f}) pt; near there: {near}"
            )
            continue
        used.update(id(w) for w in run)
        result.found.setdefault(line.label, []).extend(run)
    left, top, right, bottom = area
    for word in words:
        inside = word.x1 > left and word.x0 < right and word.y1 > top and word.y0 < bottom
        if inside and id(word) not in used:
            result.problems.append(f"{word.text!r} belongs to no single label (merged or stray)")
    for label, found in result.found.items():
        for word in found:
            out = (
                word.x0 < left - TOLERANCE
                or word.x1 > right + TOLERANCE
                or word.y0 < top - TOLERANCE
                or word.y1 > bottom + TOLERANCE
            )
            if out:
                result.problems.append(f"{word.text!r} (label {label}) runs out of the chart")
    boxes = {
        label: [(w.x0 + 0.5, w.y0 + 1.5, w.x1 - 0.5, w.y1 - 1.5) for w in found]
        for label, found in result.found.items()
    }
    labels = sorted(boxes)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            for box_a in boxes[a]:
                for box_b in boxes[b]:
                    if (
                        box_a[0] < box_b[2]
                        and box_b[0] < box_a[2]
                        and box_a[1] < box_b[3]
                        and box_b[1] < box_a[3]
                    ):
                        result.problems.append(f"labels {a} and {b} overlap")
    return result


# --- the data: long Thai and English labels, many months, many rounds ---------------

TODAY = dt.date(2027, 3, 31)
THAI_TITLES = (
    "ประชุมวางแผนจัดทำแผนพัฒนาคุณภาพการศึกษาร่วมกับชุมชนและองค์กรปกครองส่วนท้องถิ่น",
    "อบรมครูเรื่องการจัดการเรียนรู้เชิงรุก",
    "จัดกิจกรรมส่งเสริมการอ่านในโรงเรียนเครือข่ายทุกแห่งของอำเภอ",
    "นิเทศติดตามผลการดำเนินงานของคณะกรรมการเครือข่าย",
)
ENGLISH_TITLE = "Train every teacher in the network in active learning and classroom research"
ROUND_LABELS = (
    "ภาคเรียนที่ 1 ปีการศึกษา 2569",
    "ภาคเรียนที่ 2 ปีการศึกษา 2569",
    "Semester 1, academic year 2570",
    "รอบติดตามผลปลายปี",
)


def chart_data(cast) -> None:
    """Activities on five steps over 17 months, four health rounds, a varied register."""
    network = cast.network
    dates = [
        (dt.date(2025, 11, 3), dt.date(2026, 2, 27)),
        (dt.date(2026, 1, 15), dt.date(2026, 6, 30)),
        (dt.date(2026, 5, 1), dt.date(2026, 12, 31)),
        (dt.date(2026, 10, 1), TODAY),
    ]
    statuses = (Activity.Status.DONE, Activity.Status.IN_PROGRESS, Activity.Status.BLOCKED)
    for i, (title, (start, due)) in enumerate(zip(THAI_TITLES, dates, strict=True)):
        ActivityFactory(
            network=network,
            step=step_of(network, i + 1),
            title=title,
            start_on=start,
            due_on=due,
            status=statuses[i % 3],
            percent=25 * i,
        )
    ActivityFactory(
        network=network,
        step=step_of(network, 7),
        title=ENGLISH_TITLE,
        start_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 9, 30),
        percent=100,
        status=Activity.Status.DONE,
    )
    users = [cast.partner, cast.coordinator] + [_member(network, "partner_rep") for _ in range(2)]
    for k, label in enumerate(ROUND_LABELS):
        opened = dt.date(2026, 3 + 3 * k, 1)
        rnd = HealthRoundFactory(network=network, label=label, opened_on=opened, closes_on=opened)
        for user in users:
            HealthResponseFactory(
                round=rnd,
                respondent=user,
                organisation=None,
                answers={item.code: 1 + (k + n) % 5 for n, item in enumerate(HEALTH_ITEMS)},
                comment="",
            )
    obstacles = list(network.obstacles.all())
    for n, entry in enumerate(obstacles):
        entry.likelihood, entry.impact = 1 + n % 5, 1 + (n * 2) % 5
        entry.save()


def all_charts(network) -> dict[str, str]:
    return {
        "step_progress": charts.step_progress_svg(network=network),
        "timeline": charts.timeline_svg(network=network, today=TODAY),
        "heatmap": charts.obstacle_heatmap_svg(network=network),
        "health_trend": charts.health_trend_svg(network=network),
    }


def render_alone(svg: str, *, scale_px: float) -> tuple[bytes, float]:
    """The chart alone on a page of its size, drawn at ``scale_px`` CSS px per user
    unit; returns the PDF and the scale in PDF points per user unit."""
    width, height = svg_size(svg)
    drawn = re.sub(
        r'^(<svg\b[^>]*?)\swidth="[^"]*"(?:\s+height="[^"]*")?',
        rf'\1 width="{width * scale_px:.2f}" height="{height * scale_px:.2f}"',
        svg,
        count=1,
    )
    page = (
        f"<style>@page {{ size: {width * scale_px:.2f}px {height * scale_px:.2f}px; "
        "margin: 0 } html, body { margin: 0 } svg { display: block }</style>"
    )
    return render_pdf(page + drawn), scale_px * PT_PER_PX


# --- the tests -----------------------------------------------------------------------


def _check_alone(svg: str) -> list[str]:
    pdf, scale = render_alone(svg, scale_px=0.85)
    pages = pdf_words(pdf)
    width, height = svg_size(svg)
    area = (0, 0, width * scale, height * scale)
    words = [word for page in pages for word in page]
    problems = place(svg_lines(svg), words, scale=scale, dx=0, dy=0, area=area).problems
    return problems + ([f"{len(pages)} pages"] if len(pages) != 1 else [])


@needs_poppler
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_chart_draws_each_label_where_the_svg_puts_it(cast, language):
    chart_data(cast)
    empty = cast.other_network  # no activities, no health rounds: the empty states
    with translation.override(language):
        svgs = all_charts(cast.network)
        svgs["timeline_empty"] = charts.timeline_svg(network=empty, today=TODAY)
        svgs["health_empty"] = charts.health_trend_svg(network=empty)
    problems = {}
    for name, svg in svgs.items():
        assert svg_lines(svg), name
        if found := _check_alone(svg):
            problems[name] = found
    assert not problems, problems


@needs_poppler
@pytest.mark.django_db
def test_many_rounds_name_every_few_and_never_overlap(cast):
    users = [cast.partner, cast.coordinator, _member(cast.network, "partner_rep")]
    for k in range(14):
        opened = dt.date(2026, 1, 1) + dt.timedelta(days=30 * k)
        rnd = HealthRoundFactory(
            network=cast.network,
            label=f"ภาคเรียนที่ {k + 1} ปีการศึกษา 2569",
            opened_on=opened,
            closes_on=opened,
        )
        for user in users:
            HealthResponseFactory(
                round=rnd,
                respondent=user,
                organisation=None,
                answers={item.code: 1 + k % 5 for item in HEALTH_ITEMS},
                comment="",
            )
    with translation.override("th"):
        svg = charts.health_trend_svg(network=cast.network)
    named = [line for line in svg_lines(svg) if "ภาคเรียน" in line.text]
    assert 3 <= len({line.label for line in named}) < 14
    assert not _check_alone(svg)


@pytest.mark.django_db
def test_long_labels_are_wrapped_not_run_together(cast):
    chart_data(cast)
    with translation.override("th"):
        svgs = all_charts(cast.network)
    step_lines = svg_lines(svgs["step_progress"])
    # Step 8's title is wider than its column: two lines of one label, whole words.
    eight = next(line.label for line in step_lines if line.text.startswith("8."))
    eight_lines = [line.text for line in step_lines if line.label == eight]
    assert eight_lines == ["8. ปลูกฝังแนวทางการทำงานแบบเครือข่ายให้เป็น", "วัฒนธรรม"]
    timeline = svg_lines(svgs["timeline"])
    first = [line.text for line in timeline if line.text.startswith("1.")]
    assert first
    assert first[0].startswith("1. ประชุม")
    first_label = next(line.label for line in timeline if line.text.startswith("1."))
    wrapped = [line.text for line in timeline if line.label == first_label]
    assert len(wrapped) == 2
    assert wrapped[-1].endswith("…")
    for text in wrapped:
        assert charts.text_width(text) <= 220 - 8


def test_wrap_breaks_between_thai_words_and_at_spaces():
    # The words of step 8's title, as a Thai reader divides them (the oracle is this
    # list, not the segmenter under test: libthai in the web process).
    words = ["ปลูกฝัง", "แนวทาง", "การ", "ทำงาน", "แบบ", "เครือข่าย", "ให้", "เป็น", "วัฒนธรรม"]
    title = "".join(words)
    lines = charts.wrap(title, 120, max_lines=5)
    assert "".join(lines) == title
    assert len(lines) >= 2
    boundaries = set()
    position = 0
    for word in words:
        position += len(word)
        boundaries.add(position)
    position = 0
    for line in lines[:-1]:
        position += len(line)
        assert position in boundaries, lines
    assert all(charts.text_width(line) <= 120 for line in lines)
    assert charts.wrap("1. Create the vision of the collaboration", 120) == (
        "1. Create the vision of",
        "the collaboration",
    )
    # A word wider than the line is split between character clusters, never inside one.
    assert charts.wrap("ประชุม", 14, max_lines=9) == ("ป", "ระ", "ชุ", "ม")
    assert charts.wrap("short", 100) == ("short",)
    # Thai marks take no width: the same letters with and without them measure alike.
    assert charts.text_width("ปู่ผู้") == charts.text_width("ปผ")


# --- Title, Subject, Author: plain text ----------------------------------------------


@needs_poppler
def test_thai_in_svg_head_and_title_is_drawn_and_stays_plain():
    """Words are kept whole by Pango attributes, not by markup: each label of a nested
    SVG is drawn, both paragraphs stay whole and the title reaches the metadata as is."""
    page = (
        "<html><head><title>รายงานต่อคณะกรรมการ</title>"
        '<meta name="author" content="คณะกรรมการ"></head><body>'
        "<p>คณะกรรมการ</p>"
        '<svg width="200" height="60"><title>คณะกรรมการ</title>'
        '<text x="0" y="15">คณะกรรมการ</text>'
        '<svg><text x="0" y="35">คณะกรรมการ</text></svg>'
        '<text x="0" y="55">คณะกรรมการ</text></svg>'
        "<p>คณะกรรมการ</p></body></html>"
    )
    pdf = render_pdf(page)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert text.split() == ["คณะกรรมการ"] * 5
    metadata = pdf_metadata(pdf)
    assert_plain(metadata, "/Title", "/Author")
    assert metadata["/Title"] == "รายงานต่อคณะกรรมการ"


def pdf_metadata(pdf: bytes) -> dict[str, str]:
    info = PdfReader(BytesIO(pdf)).metadata or {}
    return {key: str(value) for key, value in info.items()}


def assert_plain(metadata: dict[str, str], *keys: str) -> None:
    for key in keys:
        value = metadata.get(key, "")
        assert value, f"{key} is missing: {metadata}"
        assert "<" not in value, (key, value)
        assert ">" not in value, (key, value)
        # Nothing of the word-keeping an earlier version wrote into the HTML.
        assert "\u200b" not in value, (key, value)
        assert "kk-word" not in value, (key, value)


def test_render_pdf_metadata_is_plain_text():
    page = (
        "<html><head><title>รายงานต่อคณะกรรมการ — เครือข่ายน้ำใจ</title>"
        '<meta name="author" content="เครือข่ายน้ำใจ ตำบลป่าประดู่">'
        '<meta name="description" content="การดำเนินงานของคณะกรรมการ"></head>'
        "<body><p>การดำเนินงานของคณะกรรมการ</p></body></html>"
    )
    metadata = pdf_metadata(render_pdf(page))
    assert_plain(metadata, "/Title", "/Author", "/Subject")
    assert metadata["/Title"] == "รายงานต่อคณะกรรมการ — เครือข่ายน้ำใจ"
    assert metadata["/Subject"] == "การดำเนินงานของคณะกรรมการ"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["th", "en"])
def test_agreement_pdf_metadata_is_plain_text(cast, language):
    from agreements import services as agreement_services
    from tests.agreements import factories as agreement_factories

    version = agreement_factories.draft_for(cast)
    version.agreement.title = "บันทึกข้อตกลงความร่วมมือของคณะกรรมการเครือข่าย"
    version.agreement.save()
    pdf = agreement_services.version_pdf_render_one(version=version, language=language)
    metadata = pdf_metadata(pdf)
    assert_plain(metadata, "/Title", "/Author")
    assert metadata["/Title"].startswith("บันทึกข้อตกลงความร่วมมือของคณะกรรมการเครือข่าย — ")
    with translation.override(language):
        assert metadata["/Author"] == cast.network.name
