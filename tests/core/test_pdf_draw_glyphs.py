"""core.pdf.weasyprint_draw.draw_glyphs: every run of glyphs written exactly as the loop
that read Pango's structs field by field wrote it, with each glyph's text formatted once."""

from __future__ import annotations

import pytest
from weasyprint.text.ffi import FROM_UNITS, pango

from core.pdf import render_pdf, thai_text, weasyprint_draw
from core.pdf.weasyprint_draw import _glyph_emoji, _map_glyph_text, _notdef_glyph

# Thai with stacked marks (y offsets: risen glyphs), Latin with kerning pairs, digits,
# a bold run and a small one (other fonts and sizes in one line), and an SVG label.
HTML = (
    "<p>ผู้ใหญ่บ้าน ปู่ กิ่ง ตั๋ว ฤดู กฎหมาย ปฏิบัติ น้ำ — AVA Wave To. 2569 (ร้อยละ 87.5)</p>"
    "<p><b>ที่ประชุมคณะกรรมการ</b> <small>Yours faithfully, ffi ffl</small></p>"
    '<p><img src="data:image/svg+xml,'
    "%3Csvg xmlns='http://www.w3.org/2000/svg' width='200' height='40'%3E"
    "%3Ctext x='5' y='25' font-family='Sarabun'%3E%E0%B8%97%E0%B8%B5%E0%B9%88 AVA%3C/text%3E"
    '%3C/svg%3E"></p>'
)


def _reference(stream, textbox, glyph_item, font, font_size, string, x_advance, emojis, utf8_line):
    """The loop as it was before: each field read from Pango's structs through cffi,
    each glyph id and kerning formatted where it is written."""
    pango_font = glyph_item.item.analysis.font
    glyph_string = glyph_item.glyphs
    glyphs_info = glyph_string.glyphs
    clusters = glyph_string.log_clusters
    parts = [string, "<"]
    for i in range(glyph_string.num_glyphs):
        glyph_info = glyphs_info[i]
        glyph_id = glyph_info.glyph
        width = glyph_info.geometry.width
        if glyph_id == pango.PANGO_GLYPH_EMPTY:
            parts.append(f">{-width / font_size}<")
            continue
        if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
            glyph_id = _notdef_glyph(font, glyph_id, width, font_size)
        if glyph_id not in font.to_unicode:
            _map_glyph_text(font, glyph_id, glyph_item, clusters, i, utf8_line)
        offset = glyph_info.geometry.x_offset / font_size
        rise = glyph_info.geometry.y_offset / 1000
        if rise:
            parts = [
                weasyprint_draw._show_risen_glyph(
                    stream, "".join(parts), font, glyph_id, offset, rise
                )
            ]
        else:
            if offset:
                parts.append(f">{-offset}<")
            parts.append(f"{glyph_id:02x}" if font.bitmap else f"{glyph_id:04x}")
        logical_width = font.widths.get(glyph_id)
        if logical_width is None:
            pango.pango_font_get_glyph_extents(
                pango_font, glyph_id, stream.ink_rect, stream.logical_rect
            )
            logical_width = font.widths[glyph_id] = round(
                stream.logical_rect.width * 1000 * FROM_UNITS / font_size
            )
        kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
        if kerning:
            parts.append(f">{int(kerning)}<")
        if font.svg or font.png or font.colr:
            emoji = _glyph_emoji(
                stream, textbox, font, pango_font, glyph_id, logical_width, font_size,
                kerning, x_advance,
            )  # fmt: skip
            if emoji:
                emojis.append(emoji)
        x_advance += (logical_width + offset - kerning) / 1000
    return "".join(parts), x_advance


class _Recorder:
    """A stream that records what a risen glyph writes; glyph extents use the real one's."""

    def __init__(self, stream) -> None:
        self.ink_rect, self.logical_rect = stream.ink_rect, stream.logical_rect
        self.calls: list[tuple] = []

    def show_text(self, text):
        self.calls.append(("show_text", text))

    def set_text_rise(self, rise):
        self.calls.append(("set_text_rise", rise))


@pytest.fixture
def compared(monkeypatch):
    """Every draw_glyphs call of a render, checked against the reference; the runs seen."""
    runs: list[tuple[str, int]] = []
    real = weasyprint_draw.draw_glyphs

    def checking(stream, textbox, glyph_item, font, font_size, string, x_advance, emojis, line):
        ours, theirs = _Recorder(stream), _Recorder(stream)
        args = (textbox, glyph_item, font, font_size, string, x_advance)
        got = real(ours, *args, [], line)
        expected = _reference(theirs, *args, [], line)
        assert got == expected
        assert ours.calls == theirs.calls
        runs.append((got[0], len(ours.calls)))
        return real(stream, *args, emojis, line)

    monkeypatch.setattr(thai_text, "draw_glyphs", checking)
    return runs


@pytest.mark.parametrize("cold", [True, False], ids=["first-render", "tables-filled"])
def test_every_run_is_written_as_the_field_by_field_loop_wrote_it(compared, cold, monkeypatch):
    if cold:
        monkeypatch.setattr(weasyprint_draw, "_GLYPH_HEX", {})
        monkeypatch.setattr(weasyprint_draw, "_KERNINGS", {})
    render_pdf(HTML)
    assert len(compared) >= 5
    # Kernings were written, and risen Thai marks shown on their own.
    assert any(">" in text.strip("<>") for text, _ in compared)
    assert any(shown for _, shown in compared)


def test_the_pdf_is_the_same_with_the_tables_filled():
    first = render_pdf(HTML)
    assert weasyprint_draw._GLYPH_HEX
    assert weasyprint_draw._KERNINGS
    assert render_pdf(HTML) == first


def test_the_tables_stay_small():
    """Each glyph id once; a kerning far outside any font's is written, not kept."""
    assert weasyprint_draw._kerning(5) == ">5<"
    assert weasyprint_draw._KERNINGS[5] == ">5<"
    assert weasyprint_draw._kerning(123_456) == ">123456<"
    assert 123_456 not in weasyprint_draw._KERNINGS
    assert weasyprint_draw._glyph_hex(0x2A, False) == "002a"
    assert weasyprint_draw._glyph_hex(0x2A, True) == "2a"
    assert weasyprint_draw._GLYPH_HEX[0x2A] == "002a"
    assert weasyprint_draw._GLYPH_HEX_BITMAP[0x2A] == "2a"
