"""A line's Pango layout kept from layout to drawing, not built and shaped twice.

WeasyPrint 70 lays a line of text out with Pango (``split_first_line``), keeps the
numbers, then lets go of the Pango objects (``Layout.deactivate``) to spare memory.
To draw the line it builds them all again (``Layout.reactivate``: a Pango context,
a font description, a layout, the text and its attributes, then the line shaped
again): a second layout for each of the ~950 lines of the committee report. Here,
inside ``applied()`` (render_pdf), ``deactivate`` keeps them, and ``reactivate``
finds the layout as it was left: the same text in the same style. A kept layout
lives as long as its text box; the document lets go of all of them at its end. The
committee report's render peaks at the same memory either way (~205 MB); a 137-page
table of Thai text at 342 MB instead of 318.

What would make the kept layout differ from the one upstream builds, and so is built
as upstream does:

- another style asked for, or a line spread for ``text-align: justify`` (its layout
  is rebuilt with the extra word spacing: ``justification_spacing``);
- a line shortened with an ellipsis while drawn (``text-overflow``,
  ``block-ellipsis``): core.pdf.weasyprint_draw draws it inside ``rebuilt()``, on a
  layout built as upstream builds it, and lets that go after the drawing.

Drawing asks Pango for a single paragraph (``ellipsised_first_line``), which would
lay the kept line out once more. A text with no paragraph or line separator is one
paragraph in either mode, so ``set_text`` asks for that mode at once and drawing
finds nothing to change; a text with a separator is laid out in paragraphs, as
upstream does, even on a layout that held a shorter piece of it before. The PDF
is the same, byte for byte (tests/core/test_pdf_kept_layouts.py). Like the other
patches of core.pdf it is installed at import, acts only inside ``applied()`` and is
pinned to the upstream functions it relies on.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import weasyprint.draw.text as wp_draw_text
import weasyprint.layout.inline as wp_inline
import weasyprint.text.line_break as wp_line_break
from weasyprint.text.ffi import pango

from . import thai_breaks
from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the two
# replaced, and the callers whose order of calls this module relies on (layout:
# first_line_metrics ends the layout of a line with deactivate; add_word_spacing
# makes a justified line's layout; drawing: draw_text reactivates, draws, deactivates).
PINNED_SOURCES = {
    "Layout.deactivate": "bfec3ec8406e1c82a91f9570103eb5ecbc5a20c1339ff26bb0f4eafb03189f0b",
    "Layout.reactivate": "0b89ee097104b71376c179f48a98858708b07169dc0212c393263a1a831607c9",
    "first_line_metrics": "55ec5d0b58b29a8bda9f4c85d3bc3bc46b45d2110e05982e7126c7f4d507e65d",
    "add_word_spacing": "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    "draw_text": "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
}

# Pango's paragraph separators, and the line separators (which single-paragraph mode
# would draw instead of breaking at).
_SEPARATORS = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")
_CHANGED = "_khruakhai_changed"
# On a Layout: the PangoLayout this module put in single-paragraph mode.
_SINGLE = "_khruakhai_single_paragraph"

# The functions under this module's: core.pdf.thai_breaks' own wrappers of set_text and
# deactivate (its Thai word attributes go with the layout), and upstream's reactivate.
_inner_set_text = thai_breaks.set_text
_inner_deactivate = thai_breaks.deactivate
_original_reactivate = upstream(wp_line_break.Layout.reactivate)

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_line_break, wp_inline, wp_draw_text), __name__)

_switch = Switch("kept_layouts")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled


def set_text(self, text, justify=False):
    """Layout.set_text (core.pdf.thai_breaks'), in single-paragraph mode when that
    lays the text out the same."""
    _inner_set_text(self, text, justify)
    if not _on():
        return
    if not _SEPARATORS.search(self.text):
        pango.pango_layout_set_single_paragraph_mode(self.layout, True)
        self.__dict__[_SINGLE] = self.layout
    elif self.__dict__.pop(_SINGLE, None) is self.layout:
        # The same layout given a longer text with a separator (split_first_line tries a
        # short piece of a text first): back to paragraphs, as upstream lays it out.
        pango.pango_layout_set_single_paragraph_mode(self.layout, False)


def deactivate(self):
    """Keep the Pango layout for the drawing, unless it was changed while drawn."""
    changed = self.__dict__.pop(_CHANGED, False)
    if _on() and not changed and "layout" in self.__dict__:
        return None
    self.__dict__.pop(_SINGLE, None)
    return _inner_deactivate(self)


def reactivate(self, style):
    """Upstream's reactivate, unless the layout is still the one laid out."""
    if (
        _on()
        and "layout" in self.__dict__
        and style is self.style
        and not self.justification_spacing
    ):
        return None
    return _original_reactivate(self, style)


@contextlib.contextmanager
def rebuilt(textbox) -> Iterator[None]:
    """Inside, the text box's layout is the one upstream builds to draw, and this module
    stands aside: the drawing changes it (an ellipsis), so it is let go after."""
    if not _on():
        yield  # draw_text's reactivate already built it, as upstream does
        return
    layout = textbox.pango_layout
    layout.__dict__.pop(_SINGLE, None)
    with _switch.suspended():
        layout.reactivate(textbox.style)
        try:
            yield
        finally:
            layout.__dict__[_CHANGED] = True


set_text.__wrapped_original__ = upstream(wp_line_break.Layout.set_text)
deactivate.__wrapped_original__ = upstream(wp_line_break.Layout.deactivate)
reactivate.__wrapped_original__ = _original_reactivate
wp_line_break.Layout.set_text = set_text
wp_line_break.Layout.deactivate = deactivate
wp_line_break.Layout.reactivate = reactivate
