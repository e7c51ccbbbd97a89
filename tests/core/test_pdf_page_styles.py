"""A page's styles made once for all pages that cascade alike (core.pdf.page_styles):
the same PDF as upstream's, with :first, :left, :right and named pages."""

from __future__ import annotations

from core.pdf import page_styles, render_pdf

from .pdf_helpers import pdftotext, rendered_on_and_off, styles_made

STYLE = """
@page { size: A5; margin: 2cm;
        @bottom-right { content: "หน้า " counter(page) " / " counter(pages); } }
@page :first { @bottom-right { content: none; } @top-center { content: "ปก"; } }
@page :left { @bottom-left { content: "ซ้าย " counter(page); } }
@page wide { size: A5 landscape; @top-left { content: "แนวนอน"; } }
.wide { page: wide; }
h2 { break-before: page; }
"""


def page() -> str:
    rows = "".join(f"<tr><td>{i}</td><td>คณะกรรมการเครือข่าย</td></tr>" for i in range(40))
    body = (
        "<h1>รายงาน</h1>"
        + "".join(f"<h2>ส่วนที่ {n}</h2><table>{rows}</table>" for n in range(3))
        + '<div class="wide"><p>ตารางกว้าง</p></div><h2>ท้าย</h2>'
    )
    return f"<html><head><style>{STYLE}</style></head><body>{body}</body></html>"


def test_the_pdf_is_the_bytes_of_a_style_per_page():
    shared, upstream = rendered_on_and_off(page_styles, page())
    assert shared == upstream
    text = pdftotext(shared)
    assert "ปก" in text
    assert "แนวนอน" in text
    assert "ซ้าย 2" in text
    assert "หน้า 3 /" in text
    assert "หน้า 1 /" not in text


def test_pages_that_cascade_alike_share_their_styles(monkeypatch):
    made = styles_made(monkeypatch)
    with page_styles.disabled():
        render_pdf(page())
    pages = sum(1 for element, pseudo in made if hasattr(element, "side") and pseudo is None)
    made.clear()
    render_pdf(page())
    shared = sum(1 for element, pseudo in made if hasattr(element, "side") and pseudo is None)
    # The first page, right and left pages, and the wide page: four kinds.
    assert pages > 8
    assert shared == 4
