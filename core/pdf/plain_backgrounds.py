"""Boxes with no background, no border image and square corners, passed over quickly.

After laying out a page WeasyPrint visits every box on it (``layout_box_backgrounds``):
it resolves the four corner radii, looks for a border image and a mask border, builds
the list of background images, computes the background colour and, for the great
majority of boxes (text, lines, cells, paragraphs), finds there is nothing to paint
and sets ``box.background = None``. 1.5 % of the committee report's render
(docs/performance-pdf.md, "Thirteenth pass").

Whether a box is such a plain box depends only on its computed style, which
WeasyPrint shares between boxes that cascade alike, and is final once the page is laid
out; so it is worked out once per style (kept on the style's own dictionary, as
core.pdf.per_style keeps its answers). A plain box then gets what upstream would have
given it: square corners (``(0, 0)``, upstream's short track when a radius is zero),
its children visited, and no background. Every other box, and the page itself, is
upstream's.

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the functions whose work it skips.
"""

from __future__ import annotations

import weasyprint.layout.background as wp_background
import weasyprint.layout.percent as wp_percent
from weasyprint.draw.color import get_color

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the one
# shortcut, and the corner radii it resolves first.
PINNED_SOURCES = {
    "layout_box_backgrounds": "617a870678c82755762bbf53eecd2a871214b00246b2abf8f3a9a1524695f68a",
    "resolve_radii_percentages": (
        "4980b3798c671710fc8a66f6034f7dea2acb8b3903da7262775a48ad12244162"
    ),
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_background, wp_percent), __name__)

_switch = Switch("plain_backgrounds")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_layout_box_backgrounds = upstream(wp_background.layout_box_backgrounds)
_CORNERS = (
    "border_top_left_radius",
    "border_top_right_radius",
    "border_bottom_right_radius",
    "border_bottom_left_radius",
)
_PLAIN = "_khruakhai_plain_background"


def _plain(style) -> bool:
    """Nothing for upstream to lay out: square corners (a zero radius on each, which
    upstream resolves to (0, 0) whatever the box), no border image or mask border, no
    shadow, and no background image or colour (or a hidden box, which paints none)."""
    memo = getattr(style, "__dict__", None)
    if memo is None:
        return False
    answer = memo.get(_PLAIN)
    if answer is None:
        answer = memo[_PLAIN] = bool(
            all((0, "px") in style[corner] for corner in _CORNERS)
            and style["border_image_source"][0] == "none"
            and style["mask_border_source"][0] == "none"
            and not style["box_shadow"]
            and (
                style["visibility"] == "hidden"
                or (
                    not any(kind == "url" or value for kind, value in style["background_image"])
                    and get_color(style, "background_color").alpha == 0
                )
            )
        )
    return answer


def layout_box_backgrounds(page, box, get_image_from_uri, layout_children=True, style=None):
    if not _on() or style is not None or box is page or not _plain(box.style):
        return _layout_box_backgrounds(page, box, get_image_from_uri, layout_children, style)
    for corner in _CORNERS:
        setattr(box, corner, (0, 0))
    if layout_children:
        for child in box.all_children():
            layout_box_backgrounds(page, child, get_image_from_uri)
    box.background = None
    return None


layout_box_backgrounds.__wrapped_original__ = _layout_box_backgrounds
# Upstream's function visits the children through this module name: a plain box under
# a painted one is passed over too.
wp_background.layout_box_backgrounds = layout_box_backgrounds
