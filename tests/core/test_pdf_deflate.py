"""Page content deflated at zlib's default level inside a render (core.pdf.deflate):
the same content, compressed at level 6; level 9 outside a render, as pydyf does."""

from __future__ import annotations

import zlib
from io import BytesIO

import weasyprint
from pypdf import PdfReader

from core.pdf import deflate

from .pdf_helpers import pdftotext, rendered_on_and_off

HTML = (
    "<html><body>"
    + "".join(f"<p>ภาคีทุกฝ่ายร่วมกันวางแผน ติดตาม และรายงานผล {i}</p>" for i in range(80))
    + "</body></html>"
)


def _contents(pdf: bytes) -> list[tuple[bytes, bytes]]:
    """(deflated, inflated) content stream of each page, as the PDF holds it."""
    streams = [page["/Contents"].get_object() for page in PdfReader(BytesIO(pdf)).pages]
    return [(stream._data, zlib.decompress(stream._data)) for stream in streams]


def _level(deflated: bytes, inflated: bytes) -> int:
    for level in (6, 9):
        packer = zlib.compressobj(level=level)
        if packer.compress(inflated) + packer.flush() == deflated:
            return level
    raise AssertionError("deflated at neither level")


def test_the_pages_hold_the_same_content_deflated_at_level_6():
    six, nine = rendered_on_and_off(deflate, HTML)
    ours, upstream = _contents(six), _contents(nine)
    assert len(ours) == len(upstream) >= 2
    assert [inflated for _, inflated in ours] == [inflated for _, inflated in upstream]
    assert {_level(*page) for page in ours} == {6}
    assert {_level(*page) for page in upstream} == {9}
    assert pdftotext(six) == pdftotext(nine)


def test_outside_a_render_pydyf_deflates_at_level_9():
    pdf = weasyprint.HTML(string=HTML).write_pdf()
    assert {_level(*page) for page in _contents(pdf)} == {9}
    # pydyf's other uses of zlib reach zlib itself.
    assert deflate.pydyf.zlib.decompress is zlib.decompress
