"""A document's <style> is parsed once per process (core.pdf.stylesheets), and the PDF
is the one WeasyPrint makes when it parses it every time."""

from __future__ import annotations

import os
from io import BytesIO

import pytest
import weasyprint
from pypdf import PdfReader

from core.pdf import render_pdf, stylesheets

from .pdf_helpers import pdftotext

STYLE = """
@page { size: A5; margin: 2cm; @bottom-right { content: "หน้า " counter(page); } }
@page :first { @bottom-right { content: none; } }
h1 { font-size: 20pt; }
.late { color: #a00; font-weight: 600; }
td:nth-child(2) { width: 60%; }
"""
ROWS = "".join(f'<tr><td>{i}</td><td class="late">คณะกรรมการเครือข่าย</td></tr>' for i in range(60))


def page(style: str = STYLE) -> str:
    body = f"<h1>รายงาน</h1><table>{ROWS}</table>"
    return f"<html><head><style>{style}</style></head><body>{body}</body></html>"


@pytest.fixture
def parses(monkeypatch):
    """The <style> texts WeasyPrint parses while the test runs, kept parses forgotten."""
    texts: list[str] = []
    original = stylesheets._parse

    def counting(*args, **kwargs):
        if kwargs.get("string") is not None:
            texts.append(kwargs["string"])
        return original(*args, **kwargs)

    stylesheets.forget()
    monkeypatch.setattr(stylesheets, "_parse", counting)
    yield texts
    stylesheets.forget()


def _sizes(pdf: bytes) -> set[tuple[float, float]]:
    return {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(BytesIO(pdf)).pages
    }


def test_a_style_text_is_parsed_once_and_its_page_rules_reach_every_document(parses):
    first = render_pdf(page())
    second = render_pdf(page())
    assert parses.count(STYLE) == 1
    assert first == second
    # @page from the kept parse: A5 (420 × 595 pt), and the page numbers after the first.
    assert _sizes(second) == {(420, 595)}
    text = pdftotext(second)
    assert "หน้า 2" in text
    assert "หน้า 1" not in text


def test_the_pdf_is_the_bytes_of_a_parse_every_time(parses):
    render_pdf(page())  # kept
    kept = render_pdf(page())
    with stylesheets.disabled():
        parsed = render_pdf(page())
    assert kept == parsed
    assert parses.count(STYLE) == 2


@pytest.mark.parametrize(
    "rule",
    [
        '@font-face { font-family: "X"; src: local("Sarabun"); }',
        '@FONT-FACE { font-family: "X"; src: local("Sarabun"); }',
        '@import url("data:text/css,p{color:red}");',
        '@\\69mport url("data:text/css,p{color:red}");',
        ":root { --c: #a00; } .late { color: VAR(--c); }",
        "@layer base { h1 { color: #333; } }",
        "@counter-style thumbs { system: cyclic; symbols: '*'; suffix: ' '; }",
        "@color-profile --swop { src: local(x); }",
        "h1 { background: linear-gradient(#fff, #eee 2em); }",
    ],
)
def test_a_text_acting_outside_its_stylesheet_is_parsed_every_time(parses, rule):
    style = STYLE + rule
    render_pdf(page(style))
    render_pdf(page(style))
    assert parses.count(style) == 2


def test_another_document_with_the_same_style_is_the_pdf_of_its_own_parse(parses):
    """Nothing of one document stays in the kept parse for the next."""
    render_pdf(page())
    other = page().replace("รายงาน", "บันทึกการประชุม").replace("60%", "40%")
    kept = render_pdf(other)
    with stylesheets.disabled():
        parsed = render_pdf(other)
    assert kept == parsed


def test_two_style_elements_each_kept_and_both_applied(parses):
    second = "@page { size: A4 landscape; } h1 { color: #a00; }"
    html = page().replace("</head>", f"<style>{second}</style></head>")
    render_pdf(html)
    kept = render_pdf(html)
    with stylesheets.disabled():
        parsed = render_pdf(html)
    assert kept == parsed
    assert parses.count(STYLE) == parses.count(second) == 2  # one kept, one disabled
    assert _sizes(kept) == {(842, 595)}  # the later @page wins, as upstream's cascade


def test_another_base_url_is_another_parse(parses):
    render_pdf(page(), base_url="http://testserver/")
    render_pdf(page(), base_url="http://testserver/other/")
    render_pdf(page(), base_url="http://testserver/")
    assert parses.count(STYLE) == 2


def test_outside_render_pdf_weasyprint_parses_as_it_does(parses):
    weasyprint.HTML(string=page()).render()
    weasyprint.HTML(string=page()).render()
    assert parses.count(STYLE) == 2


def test_kept_parses_are_bounded(parses, monkeypatch):
    monkeypatch.setattr(stylesheets, "MOST", 2)
    for i in range(3):
        render_pdf(page(STYLE + f"h2 {{ margin: {i}pt; }}"))
    assert len(stylesheets._kept) == 1  # the third cleared the two before it


def test_a_child_forked_while_the_lock_is_held_can_keep_parses():
    """A Celery pool process forked while another thread of its parent held the lock."""
    with stylesheets._lock:
        child = os.fork()
        if child == 0:  # pragma: no cover - the child process
            os._exit(0 if stylesheets._lock.acquire(timeout=2) else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
