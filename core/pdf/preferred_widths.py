"""A text's line widths measured once per document for tables' and flex boxes' sizing.

To size an automatic table, a flex item or a page's margin box, WeasyPrint measures
the narrowest and widest lines its cells' text can make
(``weasyprint.layout.preferred.inline_line_widths``): for the narrowest it calls
``split_first_line`` with a zero width on the rest of the text after every break,
which lays the whole rest out again each time. It measures the same text of the same
style again and again: the agreement's tables are sized more than once as they run
over pages, and its history repeats the same date and event in every row: of 860
such calls in the bench agreement, 431 repeat an earlier one (24 ms of the 60 ms
they take, about 5 % of the render; docs/performance-pdf.md).

Here the ``split_first_line`` that module calls remembers, per document (on
WeasyPrint's LayoutContext), what it answered for a text, a style object and the
same arguments. Its callers there keep only the numbers (the length, where the next
line starts, the width, the height and the baseline), never the Pango layout, so the
layout is not kept. The style is keyed by identity, and kept alive in the memo so its
identity cannot be reused by another style within the document; WeasyPrint shares one
computed style between elements that cascade alike, which is what makes repeats hit.
Texts longer than ``LONGEST`` (a paragraph in a cell) are measured as upstream does,
unremembered. The PDF is byte for byte the same with and without (a test compares).

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the functions it relies on.
"""

from __future__ import annotations

import weasyprint.layout.preferred as wp_preferred

from .switch import Switch, pinned, remembered_per_style, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the one
# caller of this module's name (it must discard the layout; trailing_whitespace_size
# imports inline's) and the function remembered.
PINNED_SOURCES = {
    "inline_line_widths": "6c24f789e3ce5bb70434e3997a84c8faec2d0646cc9d81de371f58ec622dfeb8",
    "split_first_line": "39ad1016863ca34de0bea4c9fcffb46da7e27813c87dd82b7011bfa19fe5504f",
}

_original = upstream(wp_preferred.split_first_line)
_ATTRIBUTE = "_khruakhai_preferred_widths"
# The narrowest line is measured on every remainder of a text (a new string after each
# break): remembering the remainders of a long Thai paragraph (no spaces) would keep
# about length × breaks / 2 characters. Table cells and labels, which repeat, are short.
LONGEST = 300


# This module's split_first_line unwraps to upstream's too.
check_pins = pinned(PINNED_SOURCES, upstream_in(wp_preferred), __name__)

_switch = Switch("preferred_widths")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled


def split_first_line(
    text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
):
    """WeasyPrint's split_first_line, its numbers remembered per document."""
    if not _on() or len(text) > LONGEST:
        return _original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )

    def numbers() -> tuple:
        _layout, *rest = _original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        return (None, *rest)

    key = (text, max_width, justification_spacing, is_line_start, minimum)
    return remembered_per_style(context, _ATTRIBUTE, style, key, numbers)


split_first_line.__wrapped_original__ = _original
wp_preferred.split_first_line = split_first_line
