"""Dotted borders on some sides only, drawn as one stroked line per side.

WeasyPrint 70 draws a dotted border that is not on all four sides (our signature
lines: ``border-bottom: 0.6pt dotted``) dot by dot: every dot is a four-curve circle
added to a clipping path, then the border ring is filled through it. A 16 cm line
at 0.6 pt is about 380 dots, 1,500 curves; the agreement's twelve signature lines
alone made a third of its render time (``docs/performance-pdf.md``).

WeasyPrint already draws a dotted border on all four sides the fast way (its
``draw_dotted_dashed_border``): one stroked line per side, a dash array of zero-length
dashes and round caps, so each dash becomes a filled circle. ``draw_border`` below does
the same for the other dotted borders, with the dots where upstream's generic code
puts them (``clip_border_segment``: a dot on each corner, the space between spread
evenly, the dot's diameter the border's width) and inside the same clipping region
(the side's trapezoid, from upstream's own function, and the border ring). The page
looks the same; the PDF holds one line per side instead of hundreds of paths.

Any other border (solid, dashed, mixed styles, rounded corners, a border image,
column rules, all four sides dotted) is drawn by WeasyPrint's function, unchanged.
As core.pdf.thai_text's, the function is installed at import and acts only inside
``applied()`` (render_pdf); it leans on WeasyPrint's code, so it is pinned: importing
it fails when the functions it relies on have changed (a test checks the same).
"""

from __future__ import annotations

from math import floor

import weasyprint.draw as wp_draw
import weasyprint.draw.border as wp_border
from weasyprint.formatting_structure import boxes

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0.
PINNED_SOURCES = {
    "draw_border": "8ba918f30893929f061678e6625703977bda5bdcdbb5c708d69898760371f0ab",
    "clip_border_segment": "624eca4b7d452596dd4f0c0fd3fd7b80b795652c527827ca7ee2b96206576102",
    "rounded_box": "b499ad0139b4a5b3dca09a4a7abf616adcfb7d1f59656f35dc1a2ae98dafc43e",
}
SIDES = ("top", "right", "bottom", "left")

_original = upstream(wp_border.draw_border)


check_pins = pinned(PINNED_SOURCES, upstream_in(wp_border), __name__)


_switch = Switch("dotted_border")
_on = _switch.now
# Within ``applied()`` (render_pdf) the patch acts; ``disabled()`` turns it off inside.
applied = _switch.applied
disabled = _switch.disabled


def _dotted_sides(box) -> list[tuple[str, float, object]] | None:
    """(side, width, color) of the sides to draw, in upstream's order, when this module
    draws the border; None when WeasyPrint's own function must."""
    style = box.style
    if style["visibility"] != "visible" or style["border_image_source"][0] != "none":
        return None
    if isinstance(box, boxes.BlockContainerBox) and (
        style["column_width"] != "auto" or style["column_count"] != "auto"
    ):
        return None
    widths = [getattr(box, f"border_{side}_width") for side in SIDES]
    if 0 not in widths or set(widths) == {0}:
        # Four sides (upstream has a fast path for four dotted sides), or none.
        return None
    if any(rx or ry for rx, ry in box.rounded_border_box()[4:]):
        return None
    sides = []
    for index in (2, 3, 1, 0):  # upstream's order
        side, width = SIDES[index], widths[index]
        if width == 0:
            continue
        color = wp_border.get_color(style, f"border_{side}_color")
        if not color.alpha or style[f"border_{side}_style"] != "dotted":
            return None
        sides.append((side, width, color))
    return sides


def _dots(box, side: str, width: float) -> tuple[tuple[float, float], tuple[float, float], float]:
    """Centre of the first dot, a point past the last one, and the period: the dots of
    upstream's clip_border_segment (no rounded corner)."""
    bbx, bby, bbw, bbh = box.rounded_border_box()[:4]
    length = bbw if side in ("top", "bottom") else bbh
    number_of_spaces = floor(length / width / 2)
    number_of_dashes = number_of_spaces + 1
    space = (length - number_of_dashes * width) / number_of_spaces if number_of_spaces else 0
    period = space + width
    # Upstream draws dots 0 … number_of_dashes (the last one past the corner, clipped);
    # the line runs half a period further so that the last dash is inside it.
    end = (number_of_dashes + 0.5) * period
    half = width / 2
    if side == "top":
        start, stop = (bbx + half, bby + half), (bbx + half + end, bby + half)
    elif side == "bottom":
        y = bby + bbh - half
        start, stop = (bbx + half, y), (bbx + half + end, y)
    elif side == "right":
        x = bbx + bbw - half
        start, stop = (x, bby + half), (x, bby + half + end)
    else:
        start, stop = (bbx + half, bby + half), (bbx + half, bby + half + end)
    return start, stop, period


def _draw_dotted_side(stream, box, side: str, width: float, color) -> None:
    border_box = box.rounded_border_box()
    # The side's trapezoid, by upstream's code (a solid style only clips).
    wp_border.clip_border_segment(
        stream,
        "solid",
        width,
        side,
        border_box[:4],
        [getattr(box, f"border_{s}_width") for s in SIDES],
        border_box[4:],
    )
    # The border ring, which upstream fills through the dots.
    wp_border.rounded_box(stream, box.rounded_padding_box())
    wp_border.rounded_box(stream, border_box)
    stream.clip(even_odd=True)
    stream.end()
    start, stop, period = _dots(box, side, width)
    stream.set_color(color, stroke=True)
    stream.set_line_width(width)
    stream.set_line_cap(1)  # round: a zero-length dash is a dot as wide as the line
    stream.set_dash([0, period], 0)
    stream.move_to(*start)
    stream.line_to(*stop)
    stream.stroke()


def draw_border(stream, box):
    """WeasyPrint's draw_border, with dotted borders on some sides stroked."""
    sides = _dotted_sides(box) if _on() else None
    if sides is None:
        return _original(stream, box)
    for side, width, color in sides:
        with stream.artifact(), stream.stacked():
            _draw_dotted_side(stream, box, side, width, color)
    return None


draw_border.__wrapped_original__ = _original
# draw/__init__.py imported the name: both places get the new function.
wp_border.draw_border = draw_border
wp_draw.draw_border = draw_border
