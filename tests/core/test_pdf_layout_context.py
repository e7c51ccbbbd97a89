"""render_pdf empties WeasyPrint's layout context at its end (core.pdf.layout_context):
reference counting frees what it held, and the closing collection has little left."""

from __future__ import annotations

import pytest
import weasyprint

from core.pdf import layout_context, render_pdf

from .pdf_helpers import pdftotext, watching_collections

ROWS = "".join(
    f"<tr><td>{i}</td><td>คณะกรรมการเครือข่ายร่วมกันวางแผนการดำเนินงาน</td></tr>" for i in range(150)
)
CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 40" width="200" height="40">'
    '<rect x="0" y="0" width="120" height="18" fill="#198754"/>'
    '<text x="190" y="34" text-anchor="end">ร้อยละ 60</text></svg>'
)
HTML = f"<h1>รายงาน</h1>{CHART}<table>{ROWS}</table>"


@pytest.fixture
def made(monkeypatch):
    """Every layout context WeasyPrint makes while the test runs."""
    contexts: list = []
    original = layout_context._original

    def noting(cls, *args, **kwargs):
        contexts.append(original(cls, *args, **kwargs))
        return contexts[-1]

    monkeypatch.setattr(layout_context, "_original", noting)
    return contexts


@pytest.fixture
def closing_collection():
    """How many objects each collection found, in order."""
    with watching_collections("collected") as found:
        yield found


def test_render_pdf_empties_the_layout_context_it_made(made):
    pdf = render_pdf(HTML)
    assert len(made) == 1
    assert made[0].__dict__ == {}
    assert "คณะกรรมการ" in pdftotext(pdf)


def test_weasyprint_used_directly_keeps_its_context(made):
    """Only inside released() (render_pdf): a Document WeasyPrint renders elsewhere
    (its own tests, a page count) keeps a working context."""
    weasyprint.HTML(string="<p>ก</p>").render()
    assert "style_for" in made[-1].__dict__


def test_nested_blocks_each_empty_their_own(made):
    with layout_context.released():
        weasyprint.HTML(string="<p>ก</p>").render()
        with layout_context.released():
            weasyprint.HTML(string="<p>ข</p>").render()
        assert made[1].__dict__ == {}
        assert "style_for" in made[0].__dict__
    assert made[0].__dict__ == {}


def _failed_render() -> None:
    with layout_context.released():
        weasyprint.HTML(string="<p>ก</p>").render()
        raise RuntimeError("the render failed")


def test_a_failed_render_still_empties_it(made):
    with pytest.raises(RuntimeError):
        _failed_render()
    assert made[0].__dict__ == {}


def test_the_closing_collection_finds_a_fraction_of_what_it_did(closing_collection):
    render_pdf(HTML)  # the first render's one-off setup
    with layout_context.disabled():
        render_pdf(HTML)
    held = closing_collection[-1]  # the collection render_pdf ends with
    render_pdf(HTML)
    released = closing_collection[-1]
    # The styles, their declarations and the memos: without the release they are found
    # only by the collector. Most of them were the six pseudo-element styles of every
    # element, which core.pdf.ua_stylesheet no longer makes: 14,926 objects without the
    # release and 11,929 with it for this document (34,000 and 2,300 before).
    assert released < held
    assert held - released > 2_000


def test_the_pdf_is_the_same_bytes():
    """The release comes after write_pdf returned: what it could harm is a later
    render (state shared between documents), so two released renders come first."""
    render_pdf(HTML)
    released = render_pdf(HTML)
    with layout_context.disabled():
        kept = render_pdf(HTML)
    assert released == kept


def test_the_pages_boxes_go_before_the_closing_collection(closing_collection, monkeypatch):
    """Cut from their parents once the PDF is written, the laid-out boxes the layout's
    closures do not hold go by reference counting, not by the collector."""
    render_pdf(HTML)
    released = closing_collection[-1]
    monkeypatch.setattr(layout_context, "pages_released", lambda document: None)
    render_pdf(HTML)
    kept = closing_collection[-1]
    assert kept - released > 1_000


def test_released_pages_hold_no_boxes_and_the_pdf_was_written_first():
    with layout_context.released():
        document = weasyprint.HTML(string=HTML).render()
        pdf = document.write_pdf()
        layout_context.pages_released(document)
    assert all(page._page_box.children == () for page in document.pages)
    assert "คณะกรรมการ" in pdftotext(pdf)
    # Outside released(): left as WeasyPrint made them.
    kept = weasyprint.HTML(string=HTML).render()
    layout_context.pages_released(kept)
    assert all(page._page_box.children for page in kept.pages)
