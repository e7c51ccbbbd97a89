"""WeasyPrint's drawing contexts as plain context managers (core.pdf.stream_contexts):
the PDF is the bytes WeasyPrint's generators make, tagged PDFs keep upstream's."""

from __future__ import annotations

import base64
from io import BytesIO

import pytest
import weasyprint
from pypdf import PdfReader
from weasyprint.pdf.stream import Stream

from core.pdf import stream_contexts

from .pdf_helpers import calls_through, pdftotext, rendered_on_and_off

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40">'
    '<g opacity="0.5"><rect x="2" y="2" width="60" height="20" fill="#198754"/></g>'
    '<text x="4" y="36" font-size="10">ภาคี</text></svg>'
)


def page() -> str:
    """Backgrounds, borders, opacity, a transform, an image, a table over two pages."""
    image = base64.b64encode(SVG.encode()).decode()
    rows = "".join(
        f'<tr><td style="background: #eee">{i}</td><td>คณะกรรมการเครือข่าย {i}</td></tr>'
        for i in range(70)
    )
    return (
        "<html><head><style>@page { size: A5; @bottom-right { content: counter(page); } }"
        "td { border: 1pt solid #555; padding: 2pt; }</style></head><body>"
        '<h1 style="opacity: 0.8; transform: rotate(2deg)">รายงานความก้าวหน้า</h1>'
        '<p style="border: 2pt dashed #a00; border-radius: 4pt; background: #fde">ข้อความ</p>'
        f'<img src="data:image/svg+xml;base64,{image}" style="width: 40mm">'
        f"<table>{rows}</table></body></html>"
    )


def test_the_pdf_is_the_bytes_of_upstreams_generators():
    plain, upstream = rendered_on_and_off(stream_contexts, page())
    assert plain == upstream
    assert "คณะกรรมการเครือข่าย 69" in pdftotext(plain)


def test_upstreams_generators_are_not_entered_in_a_render(monkeypatch):
    entered = calls_through(monkeypatch, stream_contexts, "_stacked")
    artifacts = calls_through(monkeypatch, stream_contexts, "_artifact")
    rendered_on_and_off(stream_contexts, page())
    # Entered only by the render with the patch disabled.
    with_patch_off = len(entered)
    assert with_patch_off > 100
    assert artifacts
    entered.clear()
    from core.pdf import render_pdf

    render_pdf(page())
    assert entered == []


def test_a_tagged_pdf_keeps_upstreams_marked_content():
    """pdf_tags (which render_pdf never asks for) marks content: upstream's generators
    do it, with the patch applied too."""

    def tagged() -> bytes:
        return weasyprint.HTML(string=page()).write_pdf(pdf_tags=True)

    with stream_contexts.applied():
        ours = tagged()
    with stream_contexts.disabled(), stream_contexts.applied():
        theirs = tagged()
    assert ours == theirs
    catalog = PdfReader(BytesIO(ours)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog


def test_the_state_is_restored_when_drawing_fails():
    stream = Stream({}, (0, 0, 100, 100), {}, {}, None, {}, None)
    depth = len(stream._ctm_stack)
    inside = []
    with (  # noqa: PT012 - the failure is raised inside the context under test
        stream_contexts.applied(),
        pytest.raises(ValueError, match="drawing"),
        stream.stacked(),
    ):
        inside.append(len(stream._ctm_stack))
        raise ValueError("drawing")
    assert inside == [depth + 1]
    assert len(stream._ctm_stack) == depth
