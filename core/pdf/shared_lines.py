"""A line of text laid out once per document for the text boxes that repeat it.

WeasyPrint lays out each line of each text box with Pango (``split_first_line``, called
by ``weasyprint.layout.inline.split_text_box``): a Pango context, layout, attributes,
the text shaped and broken, the line's metrics. Reports repeat their cells: the same
status, percentage or owner in row after row, the same label on every page. WeasyPrint
shares one computed style between text boxes that cascade alike, so a repeat is the same
text in the same style object at the same width: of the ~900 lines of the bench
committee report, half repeat an earlier one, and laying them out again was ~7 % of its
render (docs/performance-pdf.md, tenth pass).

Here the ``split_first_line`` that ``split_text_box`` calls remembers, per document (on
WeasyPrint's LayoutContext), what it returned for a text, a style object and the same
arguments, and gives the next box the same answer: the same numbers and the same Pango
layout. The boxes that share a layout only read it afterwards: drawing reactivates it
(core.pdf.kept_layouts finds it still active) and draws its first line, the same for
each. What would change a layout after its line is laid out is left to upstream:

- a line laid out with the extra word spacing of ``text-align: justify``
  (``justification_spacing``; ``add_word_spacing`` gives a justified line's box a new
  layout, the shared one unchanged);
- a line shortened with an ellipsis when it is drawn (``text-overflow``,
  ``block-ellipsis``, which the line's block decides, not the text's style): the
  drawing sets the shortened text and width on the box's layout, so ``draw_text`` here
  first gives that box a layout of its own, a copy holding no Pango objects, which the
  drawing builds afresh as upstream builds every layout it draws. This is done at
  ``draw_text``, not in core.pdf.thai_text's drawing, so that it holds whichever
  ``draw_first_line`` runs (upstream's, with thai_text switched off).

The other caller of the remembered function, ``trailing_whitespace_size`` (sizing an
automatic table's cells), keeps only the width.

The style is keyed by identity and kept alive in the memo, so its identity cannot be
taken by another style within the document (as core.pdf.preferred_widths does). Texts
longer than ``LONGEST`` (the rest of a paragraph, which seldom repeats) are laid out as
upstream does, unremembered, so that a long paragraph's every remainder is not kept. The
PDF is byte for byte the same with and without (tests/core/test_pdf_shared_lines.py).

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the functions it relies on.
"""

from __future__ import annotations

import copy

import weasyprint.draw as wp_draw
import weasyprint.draw.text as wp_draw_text
import weasyprint.layout.inline as wp_inline
import weasyprint.layout.preferred as wp_preferred
import weasyprint.text.line_break as wp_line_break

from .switch import Switch, pinned, remembered_per_style, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the
# function remembered, its callers (split_text_box puts the layout on the new box and
# changes nothing in it; trailing_whitespace_size keeps the width only), the justified
# line's layout (made anew, not changed), the drawing, which changes a layout only for
# an ellipsis, and draw_text, which decides that and is wrapped here, and the layout's
# deactivate, whose attributes the copy goes without.
PINNED_SOURCES = {
    "split_first_line": "39ad1016863ca34de0bea4c9fcffb46da7e27813c87dd82b7011bfa19fe5504f",
    "split_text_box": "8c564329599ef23fac6cc8c403768e9e51638226d87a8b2de69c49c9c5f408c8",
    "trailing_whitespace_size": "cd005b8042a652f9072d7190546439113280315f9a5b865b432c6e015b333b1d",
    "add_word_spacing": "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    "draw_first_line": "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
    "draw_text": "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
    "Layout.deactivate": "bfec3ec8406e1c82a91f9570103eb5ecbc5a20c1339ff26bb0f4eafb03189f0b",
}
_ATTRIBUTE = "_khruakhai_shared_lines"
# Characters; see the docstring.
LONGEST = 300

_original = upstream(wp_inline.split_first_line)
_original_draw_text = upstream(wp_draw_text.draw_text)
# What Layout.deactivate lets go of (the Pango objects and the style), and the markers
# core.pdf's patches keep on a layout about its Pango objects.
_ACTIVE = ("layout", "language", "style")
_MARKERS = "_khruakhai_"

check_pins = pinned(
    PINNED_SOURCES, upstream_in(wp_inline, wp_preferred, wp_draw_text, wp_line_break), __name__
)

_switch = Switch("shared_lines")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled


def _shareable(text: str, context, justification_spacing) -> bool:
    return _on() and context is not None and not justification_spacing and len(text) <= LONGEST


def split_first_line(
    text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
):
    """WeasyPrint's split_first_line, remembered per document for repeated lines."""
    if not _shareable(text, context, justification_spacing):
        return _original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    return remembered_per_style(
        context,
        _ATTRIBUTE,
        style,
        (text, max_width, is_line_start, minimum),
        lambda: _original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        ),
    )


def own_layout(textbox) -> None:
    """Give the box a layout of its own: a copy of the shared one without its Pango
    objects (as ``deactivate`` leaves a layout), which the next ``reactivate`` builds."""
    layout = copy.copy(textbox.pango_layout)
    for name in [*_ACTIVE, *(key for key in vars(layout) if key.startswith(_MARKERS))]:
        vars(layout).pop(name, None)
    textbox.pango_layout = layout


def draw_text(stream, textbox, offset_x, text_overflow, *rest):
    """WeasyPrint's draw_text; a line it will cut short with an ellipsis gets a layout of
    its own first (see the module's docstring)."""
    block_ellipsis = rest[0] if rest else "none"
    if _on() and (text_overflow == "ellipsis" or block_ellipsis != "none"):
        own_layout(textbox)
    return _original_draw_text(stream, textbox, offset_x, text_overflow, *rest)


split_first_line.__wrapped_original__ = _original
draw_text.__wrapped_original__ = _original_draw_text
# weasyprint.layout.inline bound the function when it was imported and calls it there;
# weasyprint.draw bound draw_text the same way.
wp_inline.split_first_line = split_first_line
wp_draw_text.draw_text = draw_text
wp_draw.draw_text = draw_text
