"""Thai text that copies out of our PDFs exactly: ActualText around misread cells.

The defect (WeasyPrint 70, upstream Kozea/WeasyPrint#2841): WeasyPrint writes one
Unicode string per glyph in the font's ToUnicode map, fixed the first time the glyph
is drawn (``draw_first_line`` in ``weasyprint/draw/text.py``). Thai shaping reuses
glyphs in other contexts — SARA AM is drawn as NIKHAHIT + SARA AA, tone marks are
substituted and moved inside a cluster — so later clusters map back to the wrong
text: ``pdftotext`` reads "ตาบล" for ตำบล and "นา" for น้ำ.

The fix, as Chromium's PDF backend does it: while a line is drawn, every Thai cell
(a letter with its tone marks and upper or lower vowels, SARA AM included) whose
glyphs would not read back as its own text is wrapped in marked content::

    /Span <</ActualText <FEFF…UTF-16BE…>>> BDC [<glyphs>] TJ EMC

Text extractors that honour ActualText (poppler's pdftotext, Acrobat, most search
indexers and screen readers) then read the cell's real text. Only the text
operators are split and marked; the glyphs and their positions are the same, so
the pages look the same. Text that is not Thai is not even looked at: English PDFs
are unchanged. (pypdf ignores ActualText and keeps reading the ToUnicode map, as it
does for Chromium's PDFs.)

``draw_first_line`` below is WeasyPrint 70.0's function (BSD licence) with that
wrapping added; the lines that differ are marked ``# ActualText``. It is installed
over WeasyPrint's at import and only acts inside ``applied()`` (render_pdf uses it).
Because it copies WeasyPrint's code, it is pinned: importing this module fails if
WeasyPrint is not 70.0 or if the function it replaces has changed (a test checks
the same). When upgrading WeasyPrint, re-apply the marked lines to the new function
(or drop this module if upstream fixed #2841) and update the pins.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import operator
import re
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from xml.etree import ElementTree

import weasyprint
import weasyprint.draw.text as wp_text
from PIL import Image
from weasyprint.images import RasterImage, SVGImage
from weasyprint.logger import LOGGER
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
from weasyprint.text.fonts import get_hb_object_data
from weasyprint.text.line_break import get_last_word_end

PINNED_WEASYPRINT = "70.0"
# sha256 of inspect.getsource(weasyprint.draw.text.draw_first_line) in WeasyPrint 70.0.
PINNED_SOURCE_SHA256 = "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b"

_original = getattr(wp_text.draw_first_line, "__wrapped_original__", wp_text.draw_first_line)


def source_sha256() -> str:
    return hashlib.sha256(inspect.getsource(_original).encode()).hexdigest()


def check_pins() -> None:
    """Fail loudly if WeasyPrint changed under the copied function."""
    if weasyprint.__version__ != PINNED_WEASYPRINT:
        raise RuntimeError(
            f"core.pdf.thai_text patches WeasyPrint {PINNED_WEASYPRINT}, found "
            f"{weasyprint.__version__}: re-apply the ActualText fix to the new "
            "weasyprint.draw.text.draw_first_line and update the pins."
        )
    if source_sha256() != PINNED_SOURCE_SHA256:
        raise RuntimeError(
            "weasyprint.draw.text.draw_first_line is not the function core.pdf.thai_text "
            "copied: re-apply the ActualText fix and update PINNED_SOURCE_SHA256."
        )


check_pins()

_active: ContextVar[bool] = ContextVar("khruakhai_thai_text_active", default=False)
_suppressed: ContextVar[bool] = ContextVar("khruakhai_thai_text_suppressed", default=False)


@contextlib.contextmanager
def applied():
    """Within this block, WeasyPrint writes ActualText for misread Thai cells."""
    token = _active.set(not _suppressed.get())
    try:
        yield
    finally:
        _active.reset(token)


@contextlib.contextmanager
def disabled():
    """Render without the fix (for the before/after comparisons and the bench)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


@lru_cache(maxsize=4096)
def actual_text_properties(text: str) -> bytes:
    """The property list of an ActualText span: a UTF-16BE literal string with a BOM
    (half the size of a hex string; "(", ")", "\\", CR and LF bytes are escaped)."""
    raw = ("\ufeff" + text).encode("utf-16-be")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    # Readers turn a raw CR in a literal string into LF (ญ U+0E0D would read as ช).
    raw = raw.replace(b"\r", b"\\r").replace(b"\n", b"\\n")
    return b"<</ActualText (" + raw + b")>>"


def _close(stream, string):  # ActualText
    """Show the glyphs collected so far; return an empty glyph list."""
    string = string[:-1] if string[-1] == "<" else string + ">"
    if string:
        stream.show_text(string)
    return "<"


# UTF-8 of the characters that belong to the previous letter's cell: the Thai
# combining marks (MAI HAN-AKAT, upper and lower vowels, tone marks, THANTHAKHAT…)
# and SARA AM, which Thai shaping draws as NIKHAHIT over the letter + SARA AA.
_JOINING = re.compile(rb"\xe0\xb8[\xb1\xb3-\xba]|\xe0\xb9[\x87-\x8e]")
_GLYPH_INFO_SIZE = ffi.sizeof("PangoGlyphInfo")
_more_than_one_char = (3).__lt__  # UTF-8 length of one Thai character is 3 bytes
# Kept on WeasyPrint's font object of the document being drawn (it goes with it).
_SUSPECT_ATTRIBUTE = "_khruakhai_thai_suspects"
assert ffi.offsetof("PangoGlyphInfo", "glyph") == 0 and _GLYPH_INFO_SIZE % 4 == 0


def _run_spans(font, glyph_item, utf8_line: bytes) -> dict[int, tuple[int, str]] | None:
    """The ActualText Spans one Pango run needs: {first glyph: (last glyph, text)}.

    A cell is a letter with its marks. A cell of several glyphs always gets a Span:
    even when each glyph is named right, extractors that order characters by
    position put a zero-width mark after the next vowel (ยา่ for ย่า). A cell of one
    glyph reads back as that glyph's ToUnicode entry, fixed the first time the
    glyph is drawn (WeasyPrint's rule, replayed here in drawing order): it gets a
    Span only when that entry is other text (SARA AA after NIKHAHIT reads "ำ").
    Only left-to-right runs with Thai text are looked at: other text (English) is
    written exactly as WeasyPrint writes it. Spans in the same word are merged.
    """
    item = glyph_item.item
    if item.analysis.level % 2:
        return None
    text = utf8_line[item.offset : item.offset + item.length]
    if b"\xe0\xb8" not in text and b"\xe0\xb9" not in text:  # no Thai letters
        return None
    glyph_string = glyph_item.glyphs
    count = glyph_string.num_glyphs
    clusters = ffi.unpack(glyph_string.log_clusters, count)
    # The glyph ids, read straight from Pango's array (glyph is the first 32-bit
    # field of each PangoGlyphInfo): much cheaper than a cdata object per glyph.
    raw = ffi.buffer(glyph_string.glyphs, count * _GLYPH_INFO_SIZE)
    glyphs = memoryview(raw).cast("I")[:: _GLYPH_INFO_SIZE // 4].tolist()
    joining = {m.start() for m in _JOINING.finditer(text)}
    length = item.length
    # ends[i]: where the text WeasyPrint maps glyph i to (if first drawn there) ends.
    ends = [*clusters[1:], length]
    known = font.to_unicode
    empty, unknown_flag = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    # Glyphs of this font whose ToUnicode entry may be other text than the single
    # character of a cell they are alone in (see below).
    suspect = font.__dict__.get(_SUSPECT_ATTRIBUTE)
    if suspect is None:
        suspect = set()
        setattr(font, _SUSPECT_ATTRIBUTE, suspect)

    # Glyphs that belong to the cell of the glyph before them: the same Pango
    # cluster, or a mark (tone mark, vowel above or below, SARA AM).
    attached = (
        [i for i in range(1, count) if clusters[i] == clusters[i - 1] or clusters[i] in joining]
        if joining or any(map(operator.eq, clusters, clusters[1:]))
        else []
    )
    cells = []  # (first glyph, last glyph) of the cells of several glyphs
    for i in attached:
        if cells and cells[-1][1] == i - 1:
            cells[-1] = (cells[-1][0], i)
        else:
            cells.append((i - 1, i))
    in_cells = set()
    for first, last in cells:
        in_cells.update(range(first, last + 1))
    # A glyph drawn inside a Pango cluster of several glyphs, or for several
    # characters, gets a ToUnicode entry that is not its own character (SARA AA
    # drawn for SARA AM reads "ำ"): it becomes a suspect for the single-glyph cells.
    # (The any(map(…)) tests run in C and spare the loops in most runs.)
    if any(map(_more_than_one_char, map(operator.sub, ends, clusters))):
        suspect.update([glyphs[i] for i in range(count) if ends[i] - clusters[i] > 3])
    if any(map(operator.eq, clusters, clusters[1:])):
        shared = [i for i in range(1, count) if clusters[i] == clusters[i - 1]]
        suspect.update([glyphs[i] for i in shared], [glyphs[i - 1] for i in shared])
    wanted = cells
    if not wanted and suspect.isdisjoint(glyphs):
        return None
    for index in [i for i, glyph in enumerate(glyphs) if glyph in suspect]:
        glyph = glyphs[index]
        if index in in_cells or glyph == empty or glyph & unknown_flag:
            continue
        entry = known.get(glyph)
        if entry is None:  # first drawn in this run, where WeasyPrint maps it
            first = glyphs.index(glyph)
            entry = text[clusters[first] : ends[first]].decode()
        if entry != text[clusters[index] : ends[index]].decode():
            wanted.append((index, index))
    spans = {}
    span_start = span_byte_start = span_byte_end = -1
    for first, last in sorted(wanted):
        byte_start = clusters[first]
        byte_end = clusters[last + 1] if last + 1 < count else length
        # Join a Span to the previous one when only letters lie between them (the
        # same word): fewer, longer Spans keep the content stream, and so the
        # render time, small; the Span's text is still the exact text.
        gap = text[span_byte_end:byte_start] if span_start >= 0 else b" "
        if b" " in gap or b"\xe2\x80\x8b" in gap:  # a space or ZERO WIDTH SPACE
            span_start, span_byte_start = first, byte_start
        span_byte_end = byte_end
        spans[span_start] = (last, text[span_byte_start:span_byte_end].decode())
    return spans


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``."""
    if not _active.get():  # ActualText
        return _original(stream, textbox, text_overflow, block_ellipsis, matrix)

    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return []

    if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
        return []

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

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ""
    x_advance = 0
    emojis = []
    run = first_line.runs[0]
    utf8_line = textbox.pango_layout.text.encode()  # ActualText
    while run != ffi.NULL:
        # Get Pango objects.
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs
        num_glyphs = glyph_string.num_glyphs
        clusters = glyph_string.log_clusters
        utf8_text = None

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            # Add font file content and get font size.
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)

            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            # This is also needed by raster emoji fonts, see #2800.
            if pango.pango_version() < 14802 or font.png:
                font_size = textbox.style["font_size"]

            # Go through the run glyphs.
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
        # ActualText: the Spans this run needs, {first glyph: (last glyph, text)}.
        spans = _run_spans(font, glyph_item, utf8_line)  # ActualText
        span_end = -1  # ActualText: the last glyph of the open Span
        string += "<"
        for i, glyph_info in enumerate(glyphs_info[0:num_glyphs]):
            glyph_id = glyph_info.glyph
            width = glyph_info.geometry.width

            if spans and i in spans:  # ActualText: open a Span around the cell
                span_end, actual = spans[i]
                string = _close(stream, string)
                stream.begin_marked_content("Span", actual_text_properties(actual))

            # Display zero-width empty glyph.
            if glyph_id == pango.PANGO_GLYPH_EMPTY:
                string += f">{-width / font_size}<"
                if i == span_end:  # ActualText: close the Span
                    string = _close(stream, string)
                    stream.end_marked_content()
                continue

            # Display .notdef and log warning for missing glyphs.
            if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
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

            # Create mapping between glyphs and Unicode codepoints.
            if glyph_id not in font.to_unicode:
                # Get positions of the glyph in the UTF-8 string.
                offset = glyph_item.item.offset
                t1 = clusters[i]
                if glyph_item.item.analysis.level % 2:  # rtl
                    t2 = glyph_item.item.length if i == 0 else clusters[i - 1]
                else:
                    t2 = glyph_item.item.length if i == num_glyphs - 1 else clusters[i + 1]
                utf8_text = utf8_text or textbox.pango_layout.text.encode()
                font.to_unicode[glyph_id] = utf8_text[offset + t1 : offset + t2].decode()

            # Set horizontal and vertical offsets.
            offset = glyph_info.geometry.x_offset / font_size
            rise = glyph_info.geometry.y_offset / 1000
            if rise:
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
                string = "<"
            else:
                if offset:
                    string += f">{-offset}<"
                string += f"{glyph_id:02x}" if font.bitmap else f"{glyph_id:04x}"

            # Get glyph logical widths.
            if glyph_id in font.widths:
                logical_width = font.widths[glyph_id]
            else:
                pango.pango_font_get_glyph_extents(
                    pango_font, glyph_id, stream.ink_rect, stream.logical_rect
                )
                logical_width = font.widths[glyph_id] = round(
                    stream.logical_rect.width * 1000 * FROM_UNITS / font_size
                )

            # Set kerning, word spacing, letter spacing.
            kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
            if kerning:
                string += f">{int(kerning)}<"

            # Create list of emojis.
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
                    emojis.append([image, font, a, d, x_advance, 0])
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
                    emojis.append([image, font, a, d, x_advance, f])
            elif font.colr:
                svg_data = get_hb_object_data(font.hb_font, "colr", glyph_id)
                if svg_data:
                    tree = ElementTree.fromstring(svg_data)  # noqa: S314 (font data)
                    image = SVGImage(tree, None, None, None)
                    a = d = 1
                    e = x_advance - kerning
                    emojis.append([image, font, a, d, e, -textbox.baseline])

            x_advance += (logical_width + offset - kerning) / 1000

            if i == span_end:  # ActualText: close the Span
                string = _close(stream, string)
                stream.end_marked_content()

        # Close the last glyphs list, remove if empty.
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"

    # Draw text.
    stream.show_text(string)

    return emojis


draw_first_line.__wrapped_original__ = _original
# Installed once; draw_text and the SVG text code look the name up in this module.
wp_text.draw_first_line = draw_first_line
