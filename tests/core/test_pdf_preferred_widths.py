"""core.pdf.preferred_widths: a text's narrowest and widest lines, measured for an
automatic table or a flex box, are measured once per document; the PDF is the same."""

from __future__ import annotations

import pytest

from core.pdf import preferred_widths, render_pdf

from .pdf_helpers import calls_through, counted_outside_and_inside

# Automatic tables whose cells repeat (a date and an event in every row of the
# agreement's history), Thai with marks, Latin with spaces, a number that must not
# wrap, a table long enough to run onto a second page (sized again there), a flex
# row, and letter spacing on one column (a style of its own).
ROW = (
    "<tr><td>29 พฤศจิกายน 2569 01:26 น.</td><td>ลงนาม</td>"
    "<td>องค์กรภาคีทดสอบที่ {n} ผู้อำนวยการโรงเรียน</td><td class=n>12,500.50</td></tr>"
)
HTML = f"""
<style>
  table {{ border-collapse: collapse; font-size: 12pt; }}
  td {{ border: 0.5pt solid #555; padding: 2pt 4pt; }}
  td.n {{ white-space: nowrap; text-align: right; }}
  td:nth-child(2) {{ letter-spacing: 0.05em; }}
  .row {{ display: flex; gap: 8pt; }}
</style>
<table>{"".join(ROW.format(n=n) for n in range(60))}</table>
<div class=row><div>ความก้าวหน้ารายขั้นตอน</div><div>Committee report of the period</div>
<div>ลงนาม</div></div>
<table><tr><td>ลงนาม</td><td>Signed by the network's coordinator</td></tr></table>
"""


@pytest.fixture
def calls(monkeypatch):
    """The texts measured by WeasyPrint's function."""
    return calls_through(monkeypatch, preferred_widths, "_original")


def test_the_pdf_is_the_same_byte_for_byte():
    with preferred_widths.disabled():
        upstream = render_pdf(HTML)
    assert render_pdf(HTML) == upstream


def test_a_text_is_measured_once_per_document(calls):
    with preferred_widths.disabled():
        render_pdf(HTML)
    upstream = list(calls)
    calls.clear()
    render_pdf(HTML)
    # Upstream measures the repeated cells again; here each (text, style, width) once.
    assert len(calls) < len(upstream) / 2
    assert set(calls) == set(upstream)


def test_documents_do_not_share_answers(calls):
    render_pdf(HTML)
    first = len(calls)
    render_pdf(HTML)
    assert len(calls) == 2 * first


def test_acts_only_inside_render_pdf(calls):
    outside, inside = counted_outside_and_inside(calls, preferred_widths, HTML)
    assert inside < outside / 2


def test_the_layout_is_not_kept(monkeypatch):
    """Its caller keeps the numbers only; a kept Pango layout would hold memory."""

    class Context:
        pass

    layout, style = object(), {"font_size": 12}
    monkeypatch.setattr(preferred_widths, "_original", lambda *args: (layout, 3, None, 9.5, 14, 11))
    context = Context()
    with preferred_widths.applied():
        first = preferred_widths.split_first_line("ลงนาม", style, context, 0, 0, True, True)
        again = preferred_widths.split_first_line("ลงนาม", style, context, 0, 0, True, True)
    assert first == again == (None, 3, None, 9.5, 14, 11)
    kept = vars(context)[preferred_widths._ATTRIBUTE]
    assert not any(layout in value[1] for value in kept.values())
    assert all(value[0] is style for value in kept.values())


def test_a_long_text_is_not_remembered(monkeypatch):
    """A paragraph's remainders would each be a key: past LONGEST, upstream's way."""

    class Context:
        pass

    made = []

    def measuring(text, *args):
        made.append(text)
        return (object(), 3, None, 9.5, 14, 11)

    monkeypatch.setattr(preferred_widths, "_original", measuring)
    context, style = Context(), {"font_size": 12}
    long_text = "ก" * (preferred_widths.LONGEST + 1)
    with preferred_widths.applied():
        for _ in range(2):
            preferred_widths.split_first_line(long_text, style, context, 0, 0, True, True)
            preferred_widths.split_first_line("ลงนาม", style, context, 0, 0, True, True)
    assert made == [long_text, "ลงนาม", long_text]
    assert [key[1] for key in vars(context)[preferred_widths._ATTRIBUTE]] == ["ลงนาม"]
