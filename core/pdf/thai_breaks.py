"""Line breaks never inside a Thai word, told to Pango itself.

Thai has no spaces between words; Pango asks libthai where lines may break, and
libthai also breaks inside compound words (จัด|ทำ, คณะ|กรรมการ, การ|ดำเนินงาน).
PyThaiNLP's newmm tokenizer (offline, its own dictionary) is the judge of what a
word is. Each time WeasyPrint hands Pango a text to lay out (``Layout.set_text``,
for a line, a measurement or a drawing), every word of it that libthai would split
gets a Pango ``allow_breaks=false`` attribute (Pango 1.44 and later): Pango then
breaks lines only between words, and a table cell's narrowest width is its longest
word.

An earlier version wrapped those words in ``<span style="white-space: nowrap">``
before rendering. Each span was an inline box of its own that WeasyPrint laid out,
measured and drew: a fifth of a Thai document's render time (``docs/performance-pdf.md``).
The attributes cost Pango next to nothing and leave the HTML, the box tree and the
text as they are: nothing to keep out of SVG, <title> or the PDF's metadata.

The inline layout's ``can_break_text`` (whether a text box may break at all, asked
when a line overflows) is told the same, so it does not try, pixel by pixel, to break
a lone compound word. Only Thai words are kept, and an opening quotation mark or a
no-break character with the Thai letter after it (libthai would break between them):
with ``overflow-wrap: anywhere`` a long Latin word or URL still breaks where it must.
Without PyThaiNLP installed no word is kept (libthai decides alone). As the other
patches of core.pdf, these are installed at import and act only inside ``applied()``
(render_pdf); they lean on upstream's code, so they are pinned: importing this module
fails when those functions have changed.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from functools import lru_cache

import weasyprint.layout.inline as wp_inline
import weasyprint.text.line_break as wp_line_break
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.line_break import get_log_attrs

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0.
PINNED_SOURCES = {
    "Layout.set_text": "fe23ca9937dbf5205bda422f9c01103f301ef2c511228842632ea86e853274f7",
    "Layout.setup": "fb227a55094f41d42fbd57f180d8b7a9a1e741969ec8ddb3fd5cd80920257442",
    "Layout.deactivate": "bfec3ec8406e1c82a91f9570103eb5ecbc5a20c1339ff26bb0f4eafb03189f0b",
    "can_break_text": "4f3fb5ef1c239df9afd97856784e6cefc518d256a666dc78e0c86defa2e111e3",
}

# Pango functions WeasyPrint does not declare (in ABI mode its library object sees
# declarations added later); declared once, even if this module is loaded again.
try:
    pango.pango_attr_allow_breaks_new  # noqa: B018 - declared already?
except AttributeError:
    ffi.cdef(
        """
        PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);
        PangoAttrList * pango_attr_list_copy (PangoAttrList *list);
        PangoAttrList * pango_attr_list_ref (PangoAttrList *list);
        """
    )

# Two Thai characters or more (U+0E01-U+0E5B: three UTF-8 bytes each).
_THAI = "\u0e01-\u0e5b"
_THAI_RUN = re.compile(f"[{_THAI}]{{2,}}")
# A character that must not end a line when Thai text follows it: an opening quotation
# mark (‘ “ « ‹), a no-break space (U+00A0, U+202F) or a joiner (U+2060, U+FEFF).
# libthai, which Pango asks about Thai text, classes every character it has no TIS-620
# code for alike and allows a break between it and a Thai letter, which UAX #14 does not
# (a quotation mark is QU, a no-break space GL, a joiner WJ): a committee report's line
# ended in “ and "“ความร่วมมือกัน”" began the next. A match is the character and the
# Thai letter after it, kept together.
_GLUE = re.compile(f"[\u2018\u201c\u00ab\u2039\u00a0\u202f\u2060\ufeff][{_THAI}]")
_THAI_BYTES = 3
# On a Layout: (its PangoLayout, WeasyPrint's own attribute list for it or NULL).
_STATE = "_khruakhai_kept_words"

_original_set_text = upstream(wp_line_break.Layout.set_text)
_original_deactivate = upstream(wp_line_break.Layout.deactivate)
_original_can_break_text = upstream(wp_inline.can_break_text)


check_pins = pinned(PINNED_SOURCES, upstream_in(wp_inline, wp_line_break), __name__)


_switch = Switch("thai_breaks")
_on = _switch.now
# Within ``applied()`` (render_pdf) the patch acts; ``disabled()`` turns it off inside.
applied = _switch.applied
disabled = _switch.disabled


def load() -> None:
    """Load the tokenizer now, before a render begins: its dictionary is frozen out of
    the garbage collector's scans (below), which must not catch a render's objects."""
    _tokenizer()


@lru_cache(maxsize=1)
def _tokenizer():
    try:
        # Here, not at the top: PyThaiNLP's import costs 0.2-2 s and 8 MB, and core.pdf
        # is loaded by every web process (the verify page); only a process that renders
        # a PDF pays for it (its dictionary, 70 MB more, loads on the first call).
        from pythainlp.tokenize import word_tokenize  # noqa: PLC0415 - see above
    except ImportError:  # pragma: no cover - PyThaiNLP is a project dependency
        return None
    word_tokenize("ภาษาไทย", engine="newmm")  # loads the dictionary now
    _freeze_long_lived()
    return word_tokenize


def _freeze_long_lived() -> None:
    """Leave the objects this process holds now out of the garbage collector's scans.

    The dictionary just loaded is some 600,000 objects that live as long as the
    process. Every render makes enough objects to start one full collection, which
    walked all of them: 0.1-0.3 s of each PDF (``docs/performance-pdf.md``). Frozen
    (``gc.freeze``, after a collection so that no garbage is kept), they are never
    walked again; what is made later is collected as before.
    """
    gc.collect()
    gc.freeze()


@lru_cache(maxsize=8192)
def run_words(run: str) -> tuple[tuple[int, int], ...]:
    """The words of a Thai run that libthai would break inside, as (start, end)
    character offsets in the run. Remembered: a document repeats its runs (an
    organisation's name in every table, the same label in every row), WeasyPrint
    lays the same text out several times (measured, laid out, drawn), and so do the
    documents a worker renders one after another. The result depends on the run alone."""
    word_tokenize = _tokenizer()
    if word_tokenize is None:
        return ()
    log_attrs = get_log_attrs(run, "th")
    kept = []
    position = 0
    for word in word_tokenize(run, engine="newmm", keep_whitespace=True):
        end = position + len(word)
        if any(log_attrs[i].is_line_break for i in range(position + 1, end)):
            kept.append((position, end))
        position = end
    return tuple(kept)


def _kept(text: str, *, glue: bool = True) -> Iterator[tuple[int, int, int, int]]:
    """Each range of ``text`` not to break inside, as (start, end) in characters and
    (start, end) in UTF-8 bytes, as Pango's attributes count: the Thai words libthai
    would split, then (``glue``) each opening quotation mark or no-break character with
    the Thai letter after it (``_GLUE``). Not remembered per text: WeasyPrint lays out
    every remainder of a paragraph (a cell's narrowest width is measured break by
    break), so whole texts rarely repeat; their runs do (``run_words``)."""
    for run in _THAI_RUN.finditer(text):
        words = run_words(run[0])
        if words:
            before = len(text[: run.start()].encode())
            for start, end in words:
                yield (
                    run.start() + start,
                    run.start() + end,
                    before + start * _THAI_BYTES,
                    before + end * _THAI_BYTES,
                )
    for glued in _GLUE.finditer(text) if glue else ():
        before = len(text[: glued.start()].encode())
        yield (*glued.span(), before, before + len(glued[0].encode()))


def kept_words(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) character offsets in ``text`` of the Thai words to keep whole."""
    return tuple((start, end) for start, end, _, _ in _kept(text, glue=False))


def kept_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) character offsets in ``text`` not to break inside (``_kept``)."""
    return tuple((start, end) for start, end, _, _ in _kept(text))


def set_text(self, text, justify=False):
    """WeasyPrint's Layout.set_text, then the text's Thai words kept whole."""
    if not _on():
        return _original_set_text(self, text, justify)
    state = self.__dict__.pop(_STATE, None)
    if state is not None and state[0] is self.layout:
        # The previous text's words are not this one's: give WeasyPrint back the
        # list it made (it may change it in place for letter and word spacing).
        pango.pango_layout_set_attributes(self.layout, state[1])
    _original_set_text(self, text, justify)
    ranges = [(start, end) for _, _, start, end in _kept(self.text)]
    if not ranges:
        return None
    own = pango.pango_layout_get_attributes(self.layout)
    kept = pango.pango_attr_list_copy(own) if own != ffi.NULL else pango.pango_attr_list_new()
    for start, end in ranges:
        attribute = pango.pango_attr_allow_breaks_new(False)
        attribute.start_index, attribute.end_index = start, end
        pango.pango_attr_list_insert(kept, attribute)
    if own != ffi.NULL:
        # The layout lets go of WeasyPrint's list when it takes ours: hold it.
        own = ffi.gc(pango.pango_attr_list_ref(own), pango.pango_attr_list_unref)
    self.__dict__[_STATE] = (self.layout, own)
    pango.pango_layout_set_attributes(self.layout, kept)
    pango.pango_attr_list_unref(kept)
    return None


def deactivate(self):
    """WeasyPrint's Layout.deactivate, letting go of the kept list with the layout."""
    self.__dict__.pop(_STATE, None)
    return _original_deactivate(self)


def can_break_text(text, lang):
    """WeasyPrint's can_break_text, without the breaks inside the ranges kept whole."""
    if not _on() or (len(text) < 3 and not _GLUE.match(text)):
        # Two letters are upstream's to judge (WeasyPrint asks about the letters either
        # side of two inline boxes), unless they are a kept mark and its Thai letter.
        return _original_can_break_text(text, lang)
    kept = kept_ranges(text)
    if not kept:
        return _original_can_break_text(text, lang)
    inside = {i for start, end in kept for i in range(start + 1, end)}
    log_attrs = get_log_attrs(text, lang)
    return any(log_attrs[i].is_line_break and i not in inside for i in range(1, len(text)))


set_text.__wrapped_original__ = _original_set_text
deactivate.__wrapped_original__ = _original_deactivate
can_break_text.__wrapped_original__ = _original_can_break_text
wp_line_break.Layout.set_text = set_text
wp_line_break.Layout.deactivate = deactivate
# weasyprint.layout.inline bound the function when it was imported and calls it there.
wp_inline.can_break_text = can_break_text
