"""core.pdf.shared_lines: a line of text repeated in a document (the same text, style
and width) is laid out once, and every box that repeats it draws the same layout; the
PDF is the same, byte for byte."""

from __future__ import annotations

import contextlib

import pytest

from core.pdf import render_pdf, shared_lines

from .pdf_helpers import calls_through, counted_outside_and_inside, pdftotext

# A long table whose cells repeat (a status, a percentage, a date in every row), its
# header repeated on each page it runs onto, rows long enough to break over lines,
# Thai with stacked marks beside Latin, a cell with a line break, a column with
# letter spacing (a style of its own), a justified paragraph, lines cut short with an
# ellipsis beside the same text drawn whole (they share the line's layout), the same
# text at two widths.
ROW = (
    "<tr><td>{n}</td><td>กำลังดำเนินการ</td><td>100</td>"
    "<td>ที่ประชุมคณะกรรมการเครือข่ายติดตามผลทุกเดือน Committee follow-up</td>"
    "<td class=s>เสร็จแล้ว<br>Done</td><td>1 ธ.ค. 2569</td></tr>"
)
JUSTIFIED = "<p class=j>" + "ความร่วมมือของโรงเรียนในเครือข่าย " * 12 + "</p>"
LONG = "ความร่วมมือของโรงเรียนในเครือข่ายเพื่อพัฒนาคุณภาพการศึกษาของนักเรียนทุกคน"
CUT = f"<div class=cut>{LONG}</div><div class=whole>{LONG}</div>"
HTML = f"""
<style>
  table {{ border-collapse: collapse; font-size: 11pt; width: 100%; }}
  td, th {{ border: 0.5pt solid #555; padding: 2pt 4pt; }}
  td.s {{ letter-spacing: 0.05em; }}
  tr {{ break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  p.j {{ text-align: justify; }}
  .cut, .whole {{ width: 60mm; }}
  .cut {{ max-lines: 1; block-ellipsis: auto; overflow: hidden; }}
  .narrow {{ width: 30mm; }}
</style>
<table><thead><tr><th>ที่</th><th>สถานะ</th><th>%</th><th>กิจกรรม</th><th>ผล</th><th>วันที่</th>
</tr></thead><tbody>{"".join(ROW.format(n=n % 7) for n in range(90))}</tbody></table>
{JUSTIFIED}{JUSTIFIED}{CUT}{CUT}
<div>กำลังดำเนินการ</div><div class=narrow>กำลังดำเนินการ</div>
"""


@pytest.fixture
def calls(monkeypatch):
    """The texts WeasyPrint's function lays out."""
    return calls_through(monkeypatch, shared_lines, "_original")


def test_the_pdf_is_the_same_byte_for_byte():
    with shared_lines.disabled():
        upstream = render_pdf(HTML)
    shared = render_pdf(HTML)
    assert shared == upstream
    text = pdftotext(shared)
    # The table's column breaks it over two lines.
    assert text.replace("\n", "").count("กำลังดำเนินการ") == 92
    assert text.count("ใน…") == 2
    assert "……" not in text
    assert text.count("การศึกษาของนักเรียนทุกคน") == 2  # the whole ones


def test_an_ellipsis_is_drawn_on_the_box_s_own_copy(monkeypatch):
    """The second line cut short would show two ellipses if the first one's drawing
    had changed the layout they share (as it did before draw_text gave it its own)."""
    with shared_lines.disabled():
        upstream = render_pdf(HTML)
    monkeypatch.setattr(shared_lines, "own_layout", lambda textbox: None)
    shared_without_copy = render_pdf(HTML)
    assert shared_without_copy != upstream
    assert "……" in pdftotext(shared_without_copy)


# Lines cut short beside the same line drawn whole, in blocks whose last line is
# elsewhere, and a header repeated on every page (laid out again on each).
CUT_ELSEWHERE = (
    """
<style>
  .cut { width: 60mm; max-lines: 1; block-ellipsis: auto; overflow: hidden; }
  header { position: fixed; top: 0; }
  p { margin: 0 0 40mm; }
</style>
<header class=cut><div>Status done ความร่วมมือของโรงเรียนในเครือข่ายเพื่อพัฒนา</div></header>
<div class=cut><div>Status done</div><div>more</div></div>
<div class=cut><div>Status done</div></div>
"""
    + "<p>ความร่วมมือของโรงเรียนในเครือข่าย</p>" * 20
)


@pytest.mark.parametrize("thai_text_on", [True, False], ids=["thai_text", "upstream-drawing"])
@pytest.mark.parametrize("html", [HTML, CUT_ELSEWHERE], ids=["report", "cut-elsewhere"])
def test_the_same_bytes_whichever_drawing_runs(html, thai_text_on):
    """The ellipsis's copy is made at draw_text: with core.pdf.thai_text's drawing and
    with upstream's draw_first_line (thai_text off, as bench/bench_pdf.py measures it)
    alike, each cut line is drawn on the box's own layout."""
    from core.pdf import thai_text

    with contextlib.nullcontext() if thai_text_on else thai_text.disabled():
        with shared_lines.disabled():
            upstream = render_pdf(html)
        shared = render_pdf(html)
    assert shared == upstream
    assert "……" not in pdftotext(shared)


def test_a_repeated_line_is_laid_out_once_per_document(calls):
    with shared_lines.disabled():
        render_pdf(HTML)
    upstream = list(calls)
    calls.clear()
    render_pdf(HTML)
    assert len(calls) < len(upstream) / 2
    assert set(calls) == set(upstream)
    # At three widths: the table's column, the page's and the narrow div's.
    assert calls.count("กำลังดำเนินการ") == 3


def test_a_line_laid_out_with_justification_spacing_is_upstream_s(monkeypatch):
    """A justified line's layout with its extra word spacing is made for its box."""

    class Context:
        pass

    made = []
    monkeypatch.setattr(shared_lines, "_original", lambda text, *args: made.append(text) or (3,))
    context, style = Context(), {"font_size": 12}
    with shared_lines.applied():
        for _ in range(2):
            shared_lines.split_first_line("ลงนาม", style, context, 100, 2.5)
    assert made == ["ลงนาม", "ลงนาม"]
    assert not vars(context).get(shared_lines._ATTRIBUTE)


def test_documents_do_not_share_lines(calls):
    render_pdf(HTML)
    first = len(calls)
    render_pdf(HTML)
    assert len(calls) == 2 * first


def test_acts_only_inside_render_pdf(calls):
    outside, inside = counted_outside_and_inside(calls, shared_lines, HTML)
    assert inside < outside / 2


def test_the_style_is_kept_and_a_long_text_is_not_remembered(monkeypatch):
    """The style's identity is the key: it stays alive with the memo. A paragraph's
    remainders would each be a key: past LONGEST, upstream's way."""

    class Context:
        pass

    made = []

    def laying_out(text, *args):
        made.append(text)
        return (object(), 3, None, 9.5, 14, 11)

    monkeypatch.setattr(shared_lines, "_original", laying_out)
    context, style = Context(), {"font_size": 12}
    long_text = "ก" * (shared_lines.LONGEST + 1)
    with shared_lines.applied():
        first = shared_lines.split_first_line("ลงนาม", style, context, 100, 0)
        again = shared_lines.split_first_line("ลงนาม", style, context, 100, 0)
        shared_lines.split_first_line("ลงนาม", style, context, 50, 0)
        for _ in range(2):
            shared_lines.split_first_line(long_text, style, context, 100, 0)
    assert first is again
    assert made == ["ลงนาม", "ลงนาม", long_text, long_text]
    kept = vars(context)[shared_lines._ATTRIBUTE]
    assert all(value[0] is style for value in kept.values())
    assert [key[1:3] for key in kept] == [("ลงนาม", 100), ("ลงนาม", 50)]
