"""SVG chart labels: each letter's Pango layout made once per document, not once per letter.

WeasyPrint 70 draws an SVG ``<text>`` letter by letter (``weasyprint/svg/text.py``): for
every letter it calls ``split_first_line(letter, style, context, inf, 0)`` to measure it,
then, when drawing, ``layout.reactivate(style)`` builds a second Pango context and layout
for it. The committee report's charts have ~2,200 letters in 135 labels, drawn from a few
dozen distinct (letter, font) pairs: making ~4,400 Pango layouts was ~17 % of its render.

Here ``split_first_line`` remembers, per document (WeasyPrint's LayoutContext), what it
returned for SVG text: the same text in the same SVG style gives the same layout and the
same width, height and baseline, so the later calls get the first one's answer. The layout
handed out is activated by its first ``reactivate`` and stays active: the next letters
that use it skip the rebuild. Drawing is unchanged (the same ``draw_first_line`` on a
layout built by the same calls), so the PDF is the same, operator for operator.

Only the calls of the SVG text code are remembered: they alone pass WeasyPrint's dummy
``Style`` of ``weasyprint/svg/text.py``, made from INITIAL_VALUES and the five fields the
key holds (font family, style, weight and size, direction) with an infinite width. Every
other call (the HTML text of the page) goes to WeasyPrint's function untouched. As the
other patches of core.pdf, it is installed at import and acts only inside ``applied()``
(render_pdf); it leans on upstream's code, so it is pinned: importing it fails when the
functions it relies on have changed (a test checks the same).
"""

from __future__ import annotations

import importlib
from math import inf

import weasyprint.layout.inline  # binds the original before the swap below
import weasyprint.layout.preferred  # noqa: F401 - as above
import weasyprint.text.line_break as wp_line_break

from .switch import Switch, pins_check

# The module, not the function weasyprint.svg re-exports under the same name.
wp_svg_text = importlib.import_module("weasyprint.svg.text")

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0.
PINNED_SOURCES = {
    "text": "67a30c3e181b4a8002350771928b86b26dfef05b2706d0b3c6b46943e41af61b",
    "split_first_line": "39ad1016863ca34de0bea4c9fcffb46da7e27813c87dd82b7011bfa19fe5504f",
    "first_line_metrics": "55ec5d0b58b29a8bda9f4c85d3bc3bc46b45d2110e05982e7126c7f4d507e65d",
    "Layout.reactivate": "0b89ee097104b71376c179f48a98858708b07169dc0212c393263a1a831607c9",
    "Layout.deactivate": "bfec3ec8406e1c82a91f9570103eb5ecbc5a20c1339ff26bb0f4eafb03189f0b",
    "create_layout": "6587192cc0ab3ffad7bb1902654c7f26dd28910f760804bcf67cbf7b986660b0",
}
_ATTRIBUTE = "_khruakhai_svg_letters"

_original = getattr(
    wp_line_break.split_first_line, "__wrapped_original__", wp_line_break.split_first_line
)


def _function(name: str):
    if name == "text":
        return wp_svg_text.text
    if name == "split_first_line":
        return _original
    if name.startswith("Layout."):
        return getattr(wp_line_break.Layout, name.removeprefix("Layout."))
    return getattr(wp_line_break, name)


def check_pins() -> None:
    """Fail loudly if WeasyPrint changed under the functions this module relies on."""
    pins_check(PINNED_SOURCES, _function, __name__)


check_pins()


_switch = Switch("svg_text")
# Within ``applied()`` (render_pdf) the patch acts; ``disabled()`` turns it off inside.
applied = _switch.applied
disabled = _switch.disabled


class _KeptLayout(wp_line_break.Layout):
    """A letter's layout shared by the document's SVG text: built on its first
    ``reactivate`` and kept; the next ones find it active and leave it as it is."""

    def reactivate(self, style):
        if "layout" not in self.__dict__:
            super().reactivate(style)


def split_first_line(
    text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
):
    """WeasyPrint's split_first_line, remembered per document for SVG text."""
    if (
        type(style) is not wp_svg_text.Style
        or context is None
        or max_width != inf
        or justification_spacing != 0
        or not is_line_start
        or minimum
        or not _switch.on
    ):
        return _original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    kept = context.__dict__.get(_ATTRIBUTE)
    if kept is None:
        kept = {}
        setattr(context, _ATTRIBUTE, kept)
    key = (
        text,
        tuple(style["font_family"]),
        style["font_style"],
        style["font_weight"],
        style["font_size"],
        style["direction"],
        style.font_config,
    )
    result = kept.get(key)
    if result is None:
        result = _original(text, style, context, max_width, justification_spacing)
        result[0].__class__ = _KeptLayout
        kept[key] = result
    return result


split_first_line.__wrapped_original__ = _original
# weasyprint/svg/text.py imports the name from this module on every call; the layout
# modules bound WeasyPrint's function when they were imported (above) and keep it.
wp_line_break.split_first_line = split_first_line
