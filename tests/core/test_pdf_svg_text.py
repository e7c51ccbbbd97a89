"""SVG labels: each letter's layout made once per document (core.pdf.svg_text)."""

from __future__ import annotations

from collections import Counter

import pytest
import weasyprint
import weasyprint.text.line_break as wp_line_break

from core.pdf import render_pdf, svg_text

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
    calls: list[str] = []
    original = svg_text._original

    def counting(text, *args, **kwargs):
        calls.append(text)
        return original(text, *args, **kwargs)

    monkeypatch.setattr(svg_text, "_original", counting)
    return calls


def test_the_pdf_is_the_same_byte_for_byte():
    with svg_text.disabled():
        upstream = render_pdf(HTML)
    kept = render_pdf(HTML)
    assert kept == upstream
    # and again, with the font's glyphs already known to the process
    assert render_pdf(HTML) == upstream


def test_each_letter_is_laid_out_once_per_document(counted):
    with svg_text.disabled():
        render_pdf(HTML)
    upstream = Counter(counted)
    counted.clear()
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


def test_pinned_to_the_functions_it_relies_on(monkeypatch):
    svg_text.check_pins()
    monkeypatch.setitem(svg_text.PINNED_SOURCES, "text", "0" * 64)
    with pytest.raises(RuntimeError, match="text"):
        svg_text.check_pins()
