"""Percentages and struts remembered per computed style (core.pdf.per_style): the PDF
is the bytes WeasyPrint makes when it works them out for every box."""

from __future__ import annotations

import pytest
import weasyprint.layout.percent as wp_percent
import weasyprint.text.line_break as wp_line_break

from core.pdf import per_style, render_pdf

from .pdf_helpers import calls_through, pdftotext, rendered_on_and_off

STYLE = """
@page { size: A5; margin: 10%; @bottom-right { content: counter(page); width: 30%; } }
table { border-collapse: collapse; width: 90%; }
td, th { border: 1pt solid #000; padding: 2%; }
td.wide { border-width: 3pt; }
.box { box-sizing: border-box; width: 50%; padding: 5mm; margin: 0 auto; min-height: 2lh; }
.tall { line-height: 2; font-size: 12pt; }
.percent { line-height: 150%; }
"""


def page() -> str:
    rows = "".join(
        f'<tr><th>{i}</th><td class="{"wide" if i % 3 else ""}">คณะกรรมการ {i}</td>'
        f"<td>ภาคีเครือข่าย</td></tr>"
        for i in range(45)
    )
    body = (
        f"<table>{rows}</table>"
        '<div class="box tall">ร่วมกันวางแผน ติดตาม และรายงานผล</div>'
        '<p class="percent">บรรทัดที่สูงหนึ่งเท่าครึ่ง<br>และอีกบรรทัด</p>'
        '<div style="display: flex"><div style="width: 40%">ซ้าย</div><div>ขวา</div></div>'
    )
    return f"<html><head><style>{STYLE}</style></head><body>{body}</body></html>"


def test_the_pdf_is_the_bytes_of_answers_worked_out_each_time():
    remembered, upstream = rendered_on_and_off(per_style, page())
    assert remembered == upstream
    assert "คณะกรรมการ 44" in pdftotext(remembered)


@pytest.mark.parametrize(
    ("owner", "name"),
    [(per_style, "_resolve_percentages"), (per_style, "_strut")],
)
def test_upstream_works_out_each_answer_once_per_style_and_inputs(monkeypatch, owner, name):
    made = calls_through(monkeypatch, owner, name)
    render_pdf(page())
    remembered = len(made)
    made.clear()
    with per_style.disabled():
        render_pdf(page())
    assert remembered < len(made) / 3


def test_the_answer_is_kept_on_the_style_itself():
    """The memo is an entry of the style's own dictionary: it goes when the style goes."""
    from weasyprint.css import InitialStyle
    from weasyprint.text.fonts import FontConfiguration

    style = InitialStyle(FontConfiguration())
    with per_style.applied():
        first = wp_line_break.strut(style)
        assert wp_line_break.strut(style) is first
    assert style.__dict__["_khruakhai_strut"] is first
    assert wp_percent.resolve_percentages is per_style.resolve_percentages
