"""Where a line or a block goes when nothing floats beside it.

WeasyPrint places every line box, table and replaced block through
``avoid_collisions``: it measures the box, builds the left and right keywords of the
containing block's direction, walks the floats laid out so far (``excluded_shapes``)
for those the box meets, and only then takes the containing block's edges. Our PDFs
float nothing, so the walk finds nothing: ~2,600 calls and 1.2 % of the committee
report's render (docs/performance-pdf.md, "Thirteenth pass").

With no float on the page and a left-to-right containing block, the answer is the
containing block's content edges, worked out here by upstream's own arithmetic in its
order (the same floats, to the bit). Anything else (a float, right-to-left text) is
upstream's.

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the function it shortcuts.
"""

from __future__ import annotations

import weasyprint.layout.block as wp_block
import weasyprint.layout.float as wp_float
import weasyprint.layout.inline as wp_inline

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream function in WeasyPrint 70.0.
PINNED_SOURCES = {
    "avoid_collisions": "5fc7793c573af328ffa88757d08f1641b19832805a1e48aa8b8204530c477e5d",
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_float), __name__)

_switch = Switch("no_floats")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_avoid_collisions = upstream(wp_float.avoid_collisions)


def avoid_collisions(context, box, containing_block, outer=True):
    if not _on() or context.excluded_shapes or containing_block.style["direction"] != "ltr":
        return _avoid_collisions(context, box, containing_block, outer)
    # Upstream's statements with no float to walk: same operations, same order.
    position_y = box.position_y if outer else box.border_box_y()
    if box.border_height() == 0 and box.is_floated():
        return 0, position_y, containing_block.width
    max_left_bound = containing_block.content_box_x()
    max_right_bound = max_left_bound + containing_block.width
    if not outer:
        max_left_bound += box.margin_left
        max_right_bound -= box.margin_right
    position_x = max_left_bound
    available_width = max_right_bound - max_left_bound
    if not outer:
        position_x -= box.margin_left
        position_y -= box.margin_top
    return position_x, position_y, available_width


avoid_collisions.__wrapped_original__ = _avoid_collisions
# Each module that imported the name holds its own reference (compiled modules look
# their globals up in the module's dictionary); layout.replaced imports it when called.
for _module in (wp_float, wp_block, wp_inline):
    _module.avoid_collisions = avoid_collisions
