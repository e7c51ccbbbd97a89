"""Thai text that copies out of our PDFs exactly: ActualText around misread runs.

The defect (WeasyPrint 70, upstream Kozea/WeasyPrint#2841): WeasyPrint writes one
Unicode string per glyph in the font's ToUnicode map, fixed the first time the glyph
is drawn (``draw_first_line`` in ``weasyprint/draw/text.py``). Thai shaping reuses
glyphs in other contexts — SARA AM is drawn as NIKHAHIT + SARA AA, tone marks are
substituted and moved inside a cluster — so later clusters map back to the wrong
text: ``pdftotext`` reads "ตาบล" for ตำบล and "นา" for น้ำ.

The fix, as Chromium's PDF backend does it: while a line is drawn, every Pango run
of Thai text (a few words in one font) whose glyphs would not read back as its own
text is wrapped in marked content that carries the text::

    /Span <</ActualText (<UTF-16BE with a BOM>)>> BDC [<glyphs>] TJ EMC

Text extractors that honour ActualText (poppler's pdftotext, Acrobat, most search
indexers and screen readers) then read the run's real text. Only the text
operators are split and marked; the glyphs and their positions are the same, so
the pages look the same. Text that is not Thai is not even looked at: English PDFs
are unchanged. (pypdf ignores ActualText and keeps reading the ToUnicode map, as it
does for Chromium's PDFs.) Chromium marks each misread cluster; marking the run
reads the same and keeps the fix within 5% of the render time (see
_run_actual_text and `make bench`).

``draw_first_line`` below is WeasyPrint 70.0's function (BSD licence) with that
wrapping added; the lines that differ are marked ``# ActualText``. Its blocks (the
ellipsis, a run's font, the glyph loop) are upstream's code in
core.pdf.weasyprint_draw. It is installed over WeasyPrint's at import and only acts
inside ``applied()`` (render_pdf uses it). Because it copies WeasyPrint's code, it is
pinned: importing this module fails if WeasyPrint is not 70.0 or if the function it
replaces has changed (a test checks the same). When upgrading WeasyPrint, compare the
new function with this one and those blocks, re-apply the marked lines (or drop both
modules if upstream fixed #2841) and update the pins.
"""

from __future__ import annotations

import itertools
import re

import pydyf
import weasyprint
import weasyprint.draw.text as wp_text
from weasyprint.text.ffi import ffi

from .switch import Switch, upstream
from .switch import source_sha256 as pinned_sha256
from .weasyprint_draw import draw_glyphs, ellipsised_first_line, use_font

PINNED_WEASYPRINT = "70.0"
# sha256 of inspect.getsource(weasyprint.draw.text.draw_first_line) in WeasyPrint 70.0.
PINNED_SOURCE_SHA256 = "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b"

_original = upstream(wp_text.draw_first_line)


def source_sha256() -> str:
    return pinned_sha256(_original)


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
    if not isinstance(pydyf.Stream().stream, list):
        raise RuntimeError(
            "pydyf.Stream no longer keeps its operations in a list: update "
            "core.pdf.thai_text._begin_span and _end_span."
        )


check_pins()


_switch = Switch("thai_text")
_on = _switch.now
# Within ``applied()`` (render_pdf) the patch acts; ``disabled()`` turns it off inside.
applied = _switch.applied
disabled = _switch.disabled


def actual_text_properties(text: str) -> bytes:
    """The property list of an ActualText span: a UTF-16BE literal string with a BOM
    (half the size of a hex string; "(", ")", "\\", CR and LF bytes are escaped)."""
    raw = ("\ufeff" + text).encode("utf-16-be")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    # Readers turn a raw CR in a literal string into LF (ญ U+0E0D would read as ช).
    raw = raw.replace(b"\r", b"\\r").replace(b"\n", b"\\n")
    return b"<</ActualText (" + raw + b")>>"


# The Span operators go straight into the content stream's list of operations
# (pydyf's Stream.stream, which Stream.begin_marked_content also appends to), one
# item each instead of four: a page holds hundreds of Spans.


def _begin_span(stream, string: str, text: str) -> str:  # ActualText
    """Show the glyphs collected so far, begin a Span; return an empty glyph list."""
    if string:
        stream.show_text(string)
    stream.stream.append(b"/Span " + actual_text_properties(text) + b" BDC")
    return ""


def _end_span(stream, string: str) -> str:  # ActualText
    """Show the Span's glyphs and end the Span; return an empty glyph list."""
    stream.stream.append(b"[" + string.encode() + b"] TJ\nEMC" if string else b"EMC")
    return ""


# UTF-8 of the Thai marks: MAI HAN-AKAT, the upper and lower vowels, the tone
# marks, THANTHAKHAT… and SARA AM, which Thai shaping draws as NIKHAHIT over the
# letter + SARA AA. A letter with marks is drawn as several glyphs in one cluster.
_MARK = re.compile(rb"\xe0\xb8[\xb1\xb3-\xba]|\xe0\xb9[\x87-\x8e]")
_MARK_CHARACTER = re.compile("[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]")
_GLYPH_INFO_SIZE = ffi.sizeof("PangoGlyphInfo")
# Kept on WeasyPrint's font object of the document being drawn (it goes with it).
_MISREAD_ATTRIBUTE = "_khruakhai_thai_misread"
assert ffi.offsetof("PangoGlyphInfo", "glyph") == 0
assert _GLYPH_INFO_SIZE % 4 == 0


def _misread_glyphs(font) -> set[int]:
    """Glyphs whose ToUnicode entry does not read back as the glyph standing alone.

    WeasyPrint fixes a glyph's entry the first time it is drawn, from the cluster
    it is drawn in. Glyphs of a cluster of several glyphs get an empty entry or
    the whole cluster: in น้ำ, NIKHAHIT reads "" and SARA AA reads "้ำ", so a later
    plain มา would read back as ม้ำ. The set grows with the font's entries; only
    the entries added since the last call are looked at.
    """
    seen, misread = font.__dict__.get(_MISREAD_ATTRIBUTE, (0, set()))
    entries = font.to_unicode
    if len(entries) > seen:
        misread.update(
            glyph
            for glyph, text in itertools.islice(entries.items(), seen, None)
            if len(text) != 1 or _MARK_CHARACTER.match(text)
        )
        setattr(font, _MISREAD_ATTRIBUTE, (len(entries), misread))
    return misread


def _run_actual_text(font, glyph_item, utf8_line: bytes) -> str | None:
    """The text of the ActualText Span a Pango run needs, or None.

    A run is a stretch of a line in one font and one script: with Thai text, a few
    words, or a whole line. Only left-to-right runs with Thai letters are looked at;
    other text (English) is written exactly as WeasyPrint writes it. A Thai run gets
    a Span with its exact text when it has marks — a letter with marks is several
    glyphs whose ToUnicode entries do not spell it (SARA AM, substituted tone marks),
    and extractors that order characters by position put a zero-width mark after the
    next vowel (ยา่ for ย่า) — or when one of its glyphs is misread (see
    _misread_glyphs).

    The test is a few searches over the run's bytes, done in C. Finer Spans (one
    per cluster, merged per word) read the same, but working them out in Python
    glyph by glyph added about four times as much to drawing (30 ms against 7 ms
    per 8-page bench document, the drawing phase timed alone).
    """
    item = glyph_item.item
    offset, length = item.offset, item.length
    text = utf8_line[offset : offset + length]
    if b"\xe0\xb8" not in text and b"\xe0\xb9" not in text:  # no Thai letters
        return None
    if item.analysis.level % 2:  # right to left
        return None
    if _MARK.search(text) is None:
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        misread = _misread_glyphs(font)
        # The glyph ids, read straight from Pango's array (glyph is the first
        # 32-bit field of each PangoGlyphInfo): no cdata object per glyph.
        raw = memoryview(ffi.buffer(glyph_string.glyphs, count * _GLYPH_INFO_SIZE))
        if not misread or misread.isdisjoint(raw.cast("I")[:: _GLYPH_INFO_SIZE // 4].tolist()):
            return None
    # Without zero-width spaces (a template may hold them; WeasyPrint maps no text to
    # their empty glyphs either).
    return text.replace(b"\xe2\x80\x8b", b"").decode()


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``."""
    if not _on():  # ActualText
        return _original(stream, textbox, text_overflow, block_ellipsis, matrix)

    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return []

    if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
        return []

    first_line = ellipsised_first_line(textbox, text_overflow, block_ellipsis)

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

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            font, font_size = use_font(stream, textbox, pango_font, string)
            string = ""
        actual = _run_actual_text(font, glyph_item, utf8_line)  # ActualText
        if actual is not None:  # ActualText: a Span around the run's glyphs
            string = _begin_span(stream, string, actual)
        string, x_advance = draw_glyphs(
            stream, textbox, glyph_item, font, font_size, string, x_advance, emojis, utf8_line
        )

        # Close the last glyphs list, remove if empty.
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"
        if actual is not None:  # ActualText: end the run's Span
            string = _end_span(stream, string)

    # Draw text.
    if string or actual is None:  # ActualText: nothing is left after a Span
        stream.show_text(string)

    return emojis


draw_first_line.__wrapped_original__ = _original
# Installed once; draw_text and the SVG text code look the name up in this module.
wp_text.draw_first_line = draw_first_line
