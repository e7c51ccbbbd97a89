"""SVG labels (core.pdf.svg_text): each letter's layout made once per document, and a
label that places no letter on its own drawn as one string.

Upstream WeasyPrint draws an SVG <text> letter by letter; a Thai tone mark drawn
alone after an upper vowel (ที่) lands on the vowel and is lost in it. Drawn whole,
Pango stacks the mark above: the label's ink reaches higher than the same label
without the mark. Labels placed letter by letter (several x values, dx, rotate) are
still upstream's.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import weasyprint
import weasyprint.svg as wp_svg
import weasyprint.text.line_break as wp_line_break
from PIL import Image

from core.pdf import render_pdf, svg_text

from .pdf_helpers import calls_through, pdftotext

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed"
)

# Labels as our charts draw them (Thai with marks, digits, Latin), and what else SVG text
# may carry: another size and weight, a family list, bold, rotation, anchors, per-letter
# positions, letter spacing, textLength, right to left, a tspan, an empty text; a second
# chart repeats letters of the first.
SVG = """
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 260" width="600" height="260"
     font-family="Sarabun, sans-serif" font-size="13">
  <text x="0" y="20">1. ทำให้รู้สึกถึงความเร่งด่วนที่ต้องมีเครือข่าย</text>
  <text x="586" y="20" fill="#212529" text-anchor="end">76%</text>
  <text x="300" y="45" text-anchor="middle" font-weight="bold">พ.ค. 2569 น้ำ ตำบล</text>
  <text x="10" y="70" font-size="9" font-style="italic">Committee report, ก.ย. 2569</text>
  <text x="10" y="95" letter-spacing="2">ผู้อำนวยการ 123</text>
  <text x="10" y="120" textLength="200">กิ่ง ปู่ ฤดู ABC</text>
  <text x="10 30 50 70" y="145" rotate="10 20">ขอบคุณ</text>
  <text x="300" y="170" dy="3" dominant-baseline="central">คณะ<tspan fill="#c00">กรรมการ</tspan>
  </text>
  <text x="50" y="200" transform="rotate(-30 50 200)" font-family="serif">rotated ข้อความ</text>
  <text x="400" y="230" direction="rtl">abc</text>
  <text x="10" y="250"></text>
</svg>
"""
HTML = f"""<div>{SVG}</div><p>ข้อความในย่อหน้า ทำให้รู้สึก</p>
<div style="width: 8cm">{SVG.replace("76%", "81%")}</div>"""


@pytest.fixture
def counted(monkeypatch):
    """The texts laid out by WeasyPrint's function."""
    return calls_through(monkeypatch, svg_text, "_original")


def test_the_pdf_is_the_same_byte_for_byte():
    """Remembering layouts changes nothing drawn (labels drawn letter by letter)."""
    with svg_text.disabled():
        upstream = render_pdf(HTML)
    with svg_text.whole_text_disabled():
        kept = render_pdf(HTML)
        assert kept == upstream
        # and again, with the font's glyphs already known to the process
        assert render_pdf(HTML) == upstream


def test_each_letter_is_laid_out_once_per_document(counted):
    with svg_text.disabled():
        render_pdf(HTML)
    upstream = Counter(counted)
    counted.clear()
    with svg_text.whole_text_disabled():
        render_pdf(HTML)
    kept = Counter(counted)
    # Once per letter and style: ร is in a dozen labels of three styles.
    assert upstream["ร"] >= 12
    assert kept["ร"] <= 3
    assert kept.total() < upstream.total() / 3
    # a second document starts afresh (its own fonts, its own layouts)
    counted.clear()
    render_pdf(HTML)
    assert len(counted) > 0


def test_a_whole_label_is_laid_out_once_not_letter_by_letter(counted):
    render_pdf(HTML)
    whole = Counter(counted)
    assert whole["1. ทำให้รู้สึกถึงความเร่งด่วนที่ต้องมีเครือข่าย"] == 1  # in both charts
    assert whole["ท"] == 0  # no letter of a simple label on its own
    assert "ข" in whole  # ขอบคุณ is placed letter by letter: upstream's way


def test_the_page_text_is_not_remembered(counted):
    render_pdf("<p>ทำให้รู้สึกถึงความเร่งด่วน</p><p>ทำให้รู้สึกถึงความเร่งด่วน</p>")
    assert counted == []


def test_acts_only_inside_render_pdf(counted):
    with svg_text.disabled():
        render_pdf(HTML)
    upstream = len(counted)
    counted.clear()
    weasyprint.HTML(string=HTML).write_pdf()
    assert len(counted) == upstream  # every letter laid out by WeasyPrint's function
    assert wp_line_break.split_first_line is svg_text.split_first_line


def _svg_page(label: str, attributes: str = 'x="10" y="40"') -> str:
    return (
        "<style>@page { size: 120px 60px; margin: 0 } body { margin: 0 }"
        " svg { display: block }</style>"
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" '
        f'font-family="Sarabun" font-size="24"><text {attributes}>{label}</text></svg>'
    )


def _ink_top(pdf: bytes, tmp_path: Path, name: str) -> int:
    """The first pixel row with ink, at 300 dpi."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", source, tmp_path / name], check=True
    )
    with Image.open(tmp_path / f"{name}.png") as image:
        grey = image.convert("L")
        width, height = grey.size
        data = grey.tobytes()
    return next(y for y in range(height) if min(data[y * width : (y + 1) * width]) < 128)


@needs_poppler
def test_a_tone_mark_stacks_above_the_upper_vowel(tmp_path):
    vowel = _ink_top(render_pdf(_svg_page("ที")), tmp_path, "vowel")
    marked = _ink_top(render_pdf(_svg_page("ที่")), tmp_path, "marked")
    assert marked < vowel - 5, (marked, vowel)  # the mark's ink rises above the vowel's
    with svg_text.disabled():
        # Upstream: the mark drawn alone sits on the vowel, no higher than it.
        lost = _ink_top(render_pdf(_svg_page("ที่")), tmp_path, "lost")
    assert lost >= vowel - 1, (lost, vowel)


PLACED = """
<style>@page { size: 240px 120px; margin: 0 } body { margin: 0 } svg { display: block }</style>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" font-family="Sarabun"
     font-size="14">
  <text x="230" y="16" text-anchor="end">76%</text>
  <text x="120" y="34" text-anchor="middle">Middle</text>
  <text x="8" y="52" dominant-baseline="central">central</text>
  <text x="8" y="70" display-anchor="bottom">bottom</text>
  <text x="120" y="88" text-anchor="middle"><tspan x="120" y="88">one</tspan><tspan
    x="120" y="104">ทดสอบ</tspan></text>
  <text x="200" y="110" transform="rotate(-20 200 110)">tilt</text>
</svg>
"""
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)')


def _boxes(pdf: bytes) -> dict[str, tuple[float, ...]]:
    return {
        m[5]: tuple(float(v) for v in m.groups()[:4])
        for m in _WORD.finditer(pdftotext(pdf, "-bbox"))
    }


def test_a_whole_label_lands_where_upstreams_letters_did():
    """Anchors, baselines, tspans and transforms place the whole string as upstream
    placed its letters (within kerning: Pango shapes the pairs together now)."""
    with svg_text.whole_text_disabled():
        upstream = _boxes(render_pdf(PLACED))
    whole = _boxes(render_pdf(PLACED))
    assert (
        set(whole)
        == set(upstream)
        == {"76%", "Middle", "central", "bottom", "one", "ทดสอบ", "tilt"}
    )
    for word, box in whole.items():
        assert all(abs(a - b) <= 1.5 for a, b in zip(box, upstream[word], strict=True)), (
            word,
            box,
            upstream[word],
        )


@pytest.mark.parametrize(
    "attributes", ['x="10 30 50" y="40"', 'x="10" y="40" dx="2"', 'x="10" y="40" rotate="5"']
)
def test_letters_placed_one_by_one_stay_upstreams(attributes):
    page = _svg_page("abc", attributes)
    with svg_text.disabled():
        upstream = render_pdf(page)
    assert pdftotext(render_pdf(page)) == pdftotext(upstream)
    assert pdftotext(render_pdf(page), "-bbox") == pdftotext(upstream, "-bbox")


# --- anchored labels drawn in place -------------------------------------------------------
ANCHORED = """
<style>@page { size: 260px 140px; margin: 0 } body { margin: 0 } svg { display: block }</style>
<svg xmlns="http://www.w3.org/2000/svg" width="260" height="140" font-family="Sarabun"
     font-size="14">
  <text x="250" y="16" text-anchor="end">76%</text>
  <text x="130" y="34" text-anchor="middle" font-weight="bold">ผู้อำนวยการ น้ำ</text>
  <text x="130" y="52" text-anchor="middle" font-size="9">ก.ย. 2569</text>
  <g text-anchor="end" fill="#c00"><text x="250" y="70">สำรวจ 12</text></g>
  <text x="130" y="88" text-anchor="middle"><tspan x="130" y="88">หนึ่ง</tspan></text>
  <text x="130" y="106" text-anchor="end" direction="rtl">abc</text>
  <text x="20" y="124" text-anchor="middle" transform="rotate(-90 20 124)">แกน</text>
</svg>
"""


def _forms(pdf: bytes) -> int:
    return pdf.count(b"/Subtype /Form")


def test_an_anchored_label_is_drawn_in_place_not_in_a_group():
    """Upstream draws each anchored label in a Form XObject of its own; drawn whole and
    with nothing inside it, it is drawn in place. A tspan inside, or right-to-left text,
    keeps upstream's group."""
    with svg_text.anchored_in_place_disabled():
        upstream = render_pdf(ANCHORED)
    in_place = render_pdf(ANCHORED)
    assert _forms(upstream) == 7
    assert _forms(in_place) == 2  # the tspan's label and the right-to-left one
    assert len(in_place) < len(upstream)


def test_an_anchored_label_lands_where_upstreams_group_put_it():
    """The same words in the same boxes, to a hundredth of a point."""
    with svg_text.anchored_in_place_disabled():
        upstream = _boxes(render_pdf(ANCHORED))
    in_place = _boxes(render_pdf(ANCHORED))
    assert set(in_place) == set(upstream)
    assert {"76%", "2569", "หนึ่ง", "abc", "แกน"} <= set(in_place)
    for word, box in in_place.items():
        assert all(abs(a - b) <= 0.01 for a, b in zip(box, upstream[word], strict=True)), (
            word,
            box,
            upstream[word],
        )


@needs_poppler
def test_an_anchored_label_draws_the_same_pixels(tmp_path):
    """At 300 dpi not one pixel differs from upstream's group."""
    pages = {}
    for name, switch in (
        ("upstream", svg_text.anchored_in_place_disabled),
        ("in_place", contextlib.nullcontext),
    ):
        with switch():
            (tmp_path / f"{name}.pdf").write_bytes(render_pdf(ANCHORED))
        source, target = tmp_path / f"{name}.pdf", tmp_path / name
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", "-singlefile", source, target], check=True
        )
        with Image.open(tmp_path / f"{name}.pgm") as image:
            pages[name] = image.tobytes()
    assert pages["in_place"] == pages["upstream"]
    assert min(pages["in_place"]) < 128  # ink was drawn


def test_the_label_is_anchored_again_after_it_is_drawn(monkeypatch):
    """The node's own anchor is put back once it is drawn (a <use> may draw it again)."""
    seen = []

    def spy(svg, node, *args):
        result = svg_text.draw_node(svg, node, *args)
        if node.tag == "text":
            seen.append(node.get("text-anchor"))
        return result

    monkeypatch.setattr(wp_svg.SVG, "draw_node", spy)
    render_pdf(ANCHORED)
    assert seen == ["end", "middle", "middle", "end", "middle", "end", "middle"]
