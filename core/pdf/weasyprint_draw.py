"""WeasyPrint 70.0's ``draw_first_line`` (``weasyprint/draw/text.py``, BSD licence), in blocks.

core.pdf.thai_text replaces WeasyPrint's function with a copy that adds ActualText
around misread Thai runs. The copy is cut into the blocks below, in upstream's
order, so that each function stays readable (and under the project's complexity
limit); thai_text's ``draw_first_line`` is the loop that calls them, with its own
lines marked ``# ActualText``. The blocks are upstream's lines, with three differences,
marked: ``# ActualText`` (the line's UTF-8 is passed in, not encoded per run),
``# kept layouts`` (a line shortened with an ellipsis is drawn on a layout built afresh,
as upstream builds it, and let go after: core.pdf.kept_layouts) and ``# speed``
(draw_glyphs).

When WeasyPrint is upgraded (thai_text's pins fail loudly), compare the new upstream
function with draw_first_line and these blocks, block by block, and update both.
"""

from __future__ import annotations

import struct
from io import BytesIO
from xml.etree import ElementTree

from PIL import Image
from weasyprint.images import RasterImage, SVGImage
from weasyprint.logger import LOGGER
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
from weasyprint.text.fonts import get_hb_object_data
from weasyprint.text.line_break import get_last_word_end

from . import kept_layouts

__all__ = ["draw_glyphs", "ellipsised_first_line", "use_font"]

# One PangoGlyphInfo as bytes: the glyph (guint32), its geometry (width, x_offset and
# y_offset, gint32 each) and its visual attributes (a guint of bit fields, unused here).
# draw_glyphs reads a run's glyphs from one copy of the array: each field read through
# cffi made a new object (a struct for the geometry, an int for each number).
_GLYPH_INFO = struct.Struct("=Iiii4x")
if (
    ffi.sizeof("PangoGlyphInfo") != _GLYPH_INFO.size
    or ffi.offsetof("PangoGlyphInfo", "geometry") != 4
    or ffi.sizeof("PangoGlyphGeometry") != 12
):  # pragma: no cover - a Pango whose glyph array is laid out otherwise
    raise ImportError("PangoGlyphInfo is not laid out as core.pdf.weasyprint_draw reads it")

# What draw_glyphs writes for a glyph id (four hex digits; two for a bitmap font) and for
# a kerning (">-12<", in thousandths of an em), made once per process: formatting them
# was a quarter of its work. A document uses a few hundred glyphs, and kernings of a
# few units; only those inside _KERNINGS_KEPT are kept, so the table stays small.
_GLYPH_HEX: dict[int, str] = {}
_GLYPH_HEX_BITMAP: dict[int, str] = {}
_KERNINGS: dict[int, str] = {}
_KERNINGS_KEPT = range(-2000, 2001)


def _glyph_hex(glyph_id: int, bitmap: bool) -> str:
    text = f"{glyph_id:02x}" if bitmap else f"{glyph_id:04x}"
    (_GLYPH_HEX_BITMAP if bitmap else _GLYPH_HEX)[glyph_id] = text
    return text


def _kerning(kerning: int) -> str:
    text = f">{kerning}<"
    if kerning in _KERNINGS_KEPT:
        _KERNINGS[kerning] = text
    return text


def ellipsised_first_line(textbox, text_overflow, block_ellipsis):
    """The layout's first line, ellipsised as the style asks."""
    if text_overflow == "ellipsis" or block_ellipsis != "none":  # kept layouts
        # An ellipsis changes the layout: upstream's way, on a layout built afresh
        # (the box's own: core.pdf.shared_lines gave it one before drawing began).
        with kept_layouts.rebuilt(textbox):  # kept layouts
            return _first_line(textbox, text_overflow, block_ellipsis)  # kept layouts
    return _first_line(textbox, text_overflow, block_ellipsis)  # kept layouts


def _first_line(textbox, text_overflow, block_ellipsis):
    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)

    if text_overflow == "ellipsis" or block_ellipsis != "none":
        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(textbox.pango_layout.layout, int(max_width * TO_UNITS))
        if text_overflow == "ellipsis":
            pango.pango_layout_set_ellipsize(textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == "auto":
                ellipsis = "…"
            else:
                assert block_ellipsis[0] == "string"
                ellipsis = block_ellipsis[1]

            # Remove last word if hyphenated.
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style["hyphenate_character"]):
                last_word_end = get_last_word_end(
                    new_text[: -len(textbox.style["hyphenate_character"])],
                    textbox.style["lang"],
                )
                if last_word_end:
                    new_text = new_text[:last_word_end]

            textbox.pango_layout.set_text(new_text + ellipsis)

    first_line, index = textbox.pango_layout.get_first_line()

    if block_ellipsis != "none":
        while index:
            last_word_end = get_last_word_end(
                textbox.pango_layout.text[: -len(ellipsis)], textbox.style["lang"]
            )
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()
    return first_line


def use_font(stream, textbox, pango_font, string: str):
    """Add a run's font to the document; show the glyphs so far. (font, font_size)."""
    # Add font file content and get font size.
    font, font_size = stream.add_font(pango_font)

    # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
    # This is also needed by raster emoji fonts, see #2800.
    if pango.pango_version() < 14802 or font.png:
        font_size = textbox.style["font_size"]

    # Go through the run glyphs.
    if string:
        stream.show_text(string)
    stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
    return font, font_size


def _notdef_glyph(font, glyph_id: int, width, font_size) -> int:
    """Display .notdef and log warning for missing glyphs: the glyph id to use."""
    codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
    LOGGER.warning(
        '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
        chr(codepoint),
        codepoint,
    )
    glyph_id = font.get_unused_glyph_id(codepoint)
    font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
    if 0 not in font.widths:
        # "width" is actually Pango’s get_approximate_char_width. Force
        # .notdef’s to use this width, even if it’s not the right, as we
        # want to keep Pango’s layout for next glyphs.
        font.widths[0] = font.widths[glyph_id]
    return glyph_id


def _map_glyph_text(font, glyph_id: int, glyph_item, clusters, i: int, utf8_line: bytes) -> None:
    """Create mapping between glyphs and Unicode codepoints."""
    # Get positions of the glyph in the UTF-8 string.
    offset = glyph_item.item.offset
    t1 = clusters[i]
    if glyph_item.item.analysis.level % 2:  # rtl
        t2 = glyph_item.item.length if i == 0 else clusters[i - 1]
    else:
        num_glyphs = glyph_item.glyphs.num_glyphs
        t2 = glyph_item.item.length if i == num_glyphs - 1 else clusters[i + 1]
    # ActualText: the line's UTF-8, encoded once per line (upstream: once per run).
    font.to_unicode[glyph_id] = utf8_line[offset + t1 : offset + t2].decode()


def _show_risen_glyph(stream, string: str, font, glyph_id: int, offset, rise) -> str:
    """Show a glyph with a vertical offset on its own; return the new glyph list."""
    if string[-1] == "<":
        string = string[:-1]
    else:
        string += ">"
    if string:
        stream.show_text(string)
    stream.set_text_rise(-rise)
    string = ""
    if offset:
        string = f"{-offset}"
    string += f"<{glyph_id:02x}>" if font.bitmap else f"<{glyph_id:04x}>"
    stream.show_text(string)
    stream.set_text_rise(0)
    return "<"


def _glyph_emoji(
    stream, textbox, font, pango_font, glyph_id: int, logical_width, font_size, kerning, x_advance
):
    """Create list of emojis: the entry of an SVG, PNG or COLR glyph, or None."""
    if font.svg:
        svg_data = get_hb_object_data(font.hb_face, "svg", glyph_id)
        if svg_data:
            # Do as explained in specification
            # https://learn.microsoft.com/typography/opentype/spec/svg
            tree = ElementTree.fromstring(svg_data)  # noqa: S314 (font data)
            if tree.get("id") != f"glyph{glyph_id}":
                defs = ElementTree.Element("defs")
                for child in list(tree):
                    defs.append(child)
                    tree.remove(child)
                tree.append(defs)
                ElementTree.SubElement(tree, "use", attrib={"href": f"#glyph{glyph_id}"})
            if "viewBox" not in tree.attrib:
                tree.attrib["viewBox"] = f"0 0 {font.upem} {font.upem}"
            image = SVGImage(tree, None, None, None)
            a = d = 1
            return [image, font, a, d, x_advance, 0]
    elif font.png:
        png_data = get_hb_object_data(font.hb_font, "png", glyph_id)
        if png_data:
            pillow_image = Image.open(BytesIO(png_data))
            image_id = f"{font.hash}{glyph_id}"
            image = RasterImage(pillow_image, image_id, png_data)
            d = logical_width / 1000
            a = pillow_image.width / pillow_image.height * d
            pango.pango_font_get_glyph_extents(
                pango_font, glyph_id, stream.ink_rect, stream.logical_rect
            )
            f = -stream.logical_rect.y
            f = f * FROM_UNITS / font_size - font_size
            return [image, font, a, d, x_advance, f]
    elif font.colr:
        svg_data = get_hb_object_data(font.hb_font, "colr", glyph_id)
        if svg_data:
            tree = ElementTree.fromstring(svg_data)  # noqa: S314 (font data)
            image = SVGImage(tree, None, None, None)
            a = d = 1
            e = x_advance - kerning
            return [image, font, a, d, e, -textbox.baseline]
    return None


def draw_glyphs(
    stream, textbox, glyph_item, font, font_size, string: str, x_advance, emojis, utf8_line: bytes
):
    """Add a run's glyphs to ``string``: (string, x_advance).

    Upstream's loop, with three changes for speed (# speed), none to what it writes: what
    stays the same from one glyph to the next (the font's tables and flags, Pango's
    constants) is read once per run; the glyphs and their geometry are unpacked from a
    copy of Pango's array in one step (_GLYPH_INFO: each field read of a cffi struct
    made a new object); a glyph's and a kerning's text are formatted once per process
    (_GLYPH_HEX, _KERNINGS); and the text is collected in a list, joined once. This loop
    draws every glyph of every PDF: it was ~7 % of a committee render once WeasyPrint
    itself was compiled (docs/performance-pdf.md, tenth pass).
    """
    pango_font = glyph_item.item.analysis.font
    glyph_string = glyph_item.glyphs
    num_glyphs = glyph_string.num_glyphs
    clusters = glyph_string.log_clusters
    # speed: the run's glyphs and geometries, read from one copy of Pango's array.
    glyph_infos = _GLYPH_INFO.iter_unpack(
        ffi.buffer(glyph_string.glyphs, num_glyphs * _GLYPH_INFO.size)[:]
    )
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG  # speed
    widths, to_unicode, bitmap = font.widths, font.to_unicode, font.bitmap  # speed
    has_emojis = font.svg or font.png or font.colr  # speed
    parts = [string, "<"]  # speed
    hexes = _GLYPH_HEX_BITMAP if bitmap else _GLYPH_HEX  # speed
    kernings = _KERNINGS  # speed
    for i, (glyph_id, width, x_offset, y_offset) in enumerate(glyph_infos):  # speed
        # Display zero-width empty glyph.
        if glyph_id == empty:
            parts.append(f">{-width / font_size}<")
            continue

        # Display .notdef and log warning for missing glyphs.
        if glyph_id & unknown:
            glyph_id = _notdef_glyph(font, glyph_id, width, font_size)

        # Create mapping between glyphs and Unicode codepoints.
        if glyph_id not in to_unicode:
            _map_glyph_text(font, glyph_id, glyph_item, clusters, i, utf8_line)

        # Set horizontal and vertical offsets.
        offset = x_offset / font_size
        rise = y_offset / 1000
        if rise:
            parts = [_show_risen_glyph(stream, "".join(parts), font, glyph_id, offset, rise)]
        else:
            if offset:
                parts.append(f">{-offset}<")
            parts.append(hexes.get(glyph_id) or _glyph_hex(glyph_id, bitmap))  # speed

        # Get glyph logical widths.
        logical_width = widths.get(glyph_id)  # speed: the widths are ints, never None
        if logical_width is None:
            pango.pango_font_get_glyph_extents(
                pango_font, glyph_id, stream.ink_rect, stream.logical_rect
            )
            logical_width = widths[glyph_id] = round(
                stream.logical_rect.width * 1000 * FROM_UNITS / font_size
            )

        # Set kerning, word spacing, letter spacing.
        kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
        if kerning:
            kerning_int = int(kerning)  # speed
            parts.append(kernings.get(kerning_int) or _kerning(kerning_int))  # speed

        # Create list of emojis.
        if has_emojis:
            emoji = _glyph_emoji(
                stream,
                textbox,
                font,
                pango_font,
                glyph_id,
                logical_width,
                font_size,
                kerning,
                x_advance,
            )
            if emoji:
                emojis.append(emoji)

        x_advance += (logical_width + offset - kerning) / 1000
    return "".join(parts), x_advance
