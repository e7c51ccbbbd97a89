"""A table's collapsed borders stroked as one path per width and colour.

With ``border-collapse: collapse`` (every table of our PDFs, pdf/base.css) WeasyPrint
works out the grid of borders and then draws each cell edge on its own: a saved
graphics state, the colour, the line width, one segment, a stroke, the state restored.
A committee report has ~2,000 such segments, 3 % of its render
(docs/performance-pdf.md, "Thirteenth pass").

Here upstream's ``draw_collapsed_borders`` still decides every segment (where it runs,
how far it reaches into the corners, its width, colour and style, and the order they
are painted in): it is handed a stand-in for the stream that only notes the segments.
They are then drawn in that order, each run of consecutive solid segments of one width
and one opaque colour as a single path stroked once, inside one saved state. Stroking several
straight segments in one path with butt caps and an opaque colour paints exactly what
stroking them one by one does (the pages are the same pixels; a test compares); a
see-through colour would paint the corners twice one by one, so its segments stay
upstream's, one by one. Any other style (dotted, dashed, double, ridge…) is drawn by
upstream's ``draw_line``.

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the functions it relies on.
"""

from __future__ import annotations

import contextlib

import weasyprint.draw as wp_draw
import weasyprint.draw.border as wp_border

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the one
# whose segments are collected, and the one that draws a segment.
PINNED_SOURCES = {
    "draw_collapsed_borders": "120b162d2a4f90661f89b01079f842af22cd057db2823b4417f2b8b38d381d1c",
    "draw_line": "cc41cbfdbabe04d00caee3bea0eea18ff37ebdc68b9cb1f9d9433d0e187edf69",
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_draw, wp_border), __name__)

_switch = Switch("collapsed_borders")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_draw_collapsed_borders = upstream(wp_draw.draw_collapsed_borders)
_draw_line = upstream(wp_draw.draw_line)
_NOTHING = contextlib.nullcontext()


class _Segments:
    """What upstream's draw_collapsed_borders gets as its stream: its contexts do
    nothing, and draw_line (below) notes each segment here instead of drawing it."""

    __slots__ = ("noted",)

    def __init__(self) -> None:
        self.noted: list[tuple] = []

    def artifact(self):
        return _NOTHING

    def stacked(self):
        return _NOTHING


def draw_line(stream, x1, y1, x2, y2, thickness, style, color, offset=0):
    if type(stream) is _Segments:
        stream.noted.append((x1, y1, x2, y2, thickness, style, color, offset))
        return None
    return _draw_line(stream, x1, y1, x2, y2, thickness, style, color, offset)


def draw_collapsed_borders(stream, table):
    if not _on():
        return _draw_collapsed_borders(stream, table)
    segments = _Segments()
    _draw_collapsed_borders(segments, table)
    noted = segments.noted
    start = 0
    while start < len(noted):
        x1, y1, x2, y2, thickness, style, color, offset = noted[start]
        end = start + 1
        # Only an opaque colour: where see-through segments overlap (the corners),
        # upstream's separate strokes paint twice and one path paints once.
        if style == "solid" and color.alpha == 1:
            while end < len(noted) and noted[end][4:7] == (thickness, style, color):
                end += 1
        with stream.artifact(), stream.stacked():
            if style != "solid":
                _draw_line(stream, x1, y1, x2, y2, thickness, style, color, offset)
            else:
                # What upstream's draw_line does for a solid segment, once for the run.
                stream.set_color(color, stroke=True)
                stream.set_line_width(thickness)
                for x1, y1, x2, y2, *_rest in noted[start:end]:
                    stream.move_to(x1, y1)
                    stream.line_to(x2, y2)
                stream.stroke()
        start = end
    return None


draw_line.__wrapped_original__ = _draw_line
draw_collapsed_borders.__wrapped_original__ = _draw_collapsed_borders
# weasyprint.draw calls both through its own names (draw_line is imported there from
# weasyprint.draw.border); other modules keep upstream's draw_line.
wp_draw.draw_line = draw_line
wp_draw.draw_collapsed_borders = draw_collapsed_borders
