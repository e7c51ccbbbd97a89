"""The SVG the charts are drawn with: the document, text and wrapped labels.

Text is escaped; colours are SVG attributes (the CSP forbids inline style). Each
chart carries a <title> and <desc> for screen readers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from roadmap.models import Activity

from .text import FONT, FONT_SIZE, LINE

STATUS_COLOURS = {
    Activity.Status.NOT_STARTED: "#adb5bd",
    Activity.Status.IN_PROGRESS: "#0d6efd",
    Activity.Status.DONE: "#198754",
    Activity.Status.BLOCKED: "#dc3545",
}
GROUP_COLOURS = ("#0d6efd", "#198754", "#fd7e14")
MUTED = "#6c757d"


def svg(
    width: int, height: int, title: str, body: list[str], desc: str = "", *, fixed: bool = False
) -> str:
    # A fixed-width chart scrolls sideways on a phone instead of shrinking its text away.
    size = f'width="{width}" height="{height}"' if fixed else 'width="100%"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'{size} role="img" class="roadmap-chart" font-family="{FONT}" font-size="{FONT_SIZE}">'
        f"<title>{escape(title)}</title><desc>{escape(desc or title)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _attrs(attrs: dict) -> str:
    return "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())


def text(x: float, y: float, content: str, **attrs) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}"{_attrs(attrs)}>{escape(content)}</text>'


def label(x: float, y: float, lines: Sequence[str], **attrs) -> str:
    """One label: a <text>, and one <tspan> per line when it was wrapped."""
    if len(lines) == 1:
        return text(x, y, lines[0], **attrs)
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * LINE:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{_attrs(attrs)}>{spans}</text>'


class Shapes:
    """Rectangles and lines of one paint drawn as one ``<path>`` per paint.

    WeasyPrint draws each SVG element through its whole per-node machinery (state,
    transforms, filters, clips, masks, markers, opacity, colours parsed again): about
    0.12 ms an element, where a path of many parts costs little more than one. In the
    committee report, 143 rectangles and lines became 21 paths and its render 3 %
    faster (docs/performance-pdf.md). Browsers draw the same picture (Chromium differs
    by anti-aliasing only).

    A paint is the element's other attributes (``fill``, ``stroke``, …), in first-use
    order; its shapes keep their order inside it. Shapes of different paints that must
    overlap in a given order belong in different ``Shapes`` drawn in that order.
    """

    def __init__(self) -> None:
        self._parts: dict[str, list[str]] = {}

    def rect(self, x: float, y: float, width: float, height: float, *, rx: float = 0, **paint):
        """A rectangle with corners rounded as SVG's ``<rect rx>`` rounds them (ry = rx,
        then each at most half its side: a bar narrower than two radii gets elliptical
        corners); nothing when it has no area.

        Each corner is the cubic Bézier curve that WeasyPrint (and browsers) draw for a
        quarter of an ellipse, written out (``c``): an ``a`` (arc) command made
        WeasyPrint work that curve out with trigonometry and a matrix per corner, a tenth
        of the committee report's chart drawing (23 of 242 million instructions).
        """
        if width <= 0 or height <= 0:
            return
        rw, rh = min(rx, width / 2), min(rx, height / 2)
        if rw <= 0 or rh <= 0:
            part = f"M{_n(x)} {_n(y)}h{_n(width)}v{_n(height)}h{_n(-width)}z"
        else:
            # Per corner: the radii (r), the control points' distance along each
            # tangent, KAPPA of a radius (k), and what is left of the radius (l).
            w, h = _n(width - 2 * rw), _n(height - 2 * rh)
            rx_, ry_ = _n(rw), _n(rh)
            kx, ky = _n(_KAPPA * rw), _n(_KAPPA * rh)
            lx, ly = _n(rw - _KAPPA * rw), _n(rh - _KAPPA * rh)
            part = (
                f"M{_n(x + rw)} {_n(y)}h{w}c{kx} 0 {rx_} {ly} {rx_} {ry_}"
                f"v{h}c0 {ky} -{lx} {ry_} -{rx_} {ry_}"
                f"h-{w}c-{kx} 0 -{rx_} -{ly} -{rx_} -{ry_}"
                f"v-{h}c0 -{ky} {lx} -{ry_} {rx_} -{ry_}z"
            )
        self._parts.setdefault(_attrs(paint), []).append(part)

    def line(self, x1: float, y1: float, x2: float, y2: float, **paint):
        # A <line> is never filled; a path of segments is filled black unless told.
        paint.setdefault("fill", "none")
        self._parts.setdefault(_attrs(paint), []).append(f"M{_n(x1)} {_n(y1)}L{_n(x2)} {_n(y2)}")

    def paths(self) -> list[str]:
        return [f'<path{paint} d="{"".join(parts)}"/>' for paint, parts in self._parts.items()]


# 4/3·tan(π/8): a quarter circle's cubic Bézier control distance, in radii.
_KAPPA = 4 / 3 * math.tan(math.pi / 8)


def _n(value: float) -> str:
    """A coordinate to a hundredth of a unit, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
