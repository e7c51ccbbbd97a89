"""The SVG the charts are drawn with: the document, text and wrapped labels.

Text is escaped; colours are SVG attributes (the CSP forbids inline style). Each
chart carries a <title> and <desc> for screen readers.
"""

from __future__ import annotations

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
