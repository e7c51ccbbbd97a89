"""Two answers WeasyPrint works out again for every box, kept on the style they come from.

- ``resolve_percentages(box, containing_block)`` sets a box's margins, paddings, borders,
  widths and heights from its computed style and its containing block's size, calling a
  helper per property: ~3,000 calls per committee report, 7 % of its render.
- ``strut(style)`` (a line's height and baseline for a font) looks its answer up in the
  font configuration's cache under a key it builds each time as the ``str()`` of 14 style
  values: 1,875 calls, 2.6 % of the render, nearly all of it the key.

Both answers depend only on the style's values (and, for the first, the containing
block's width and height, whether the box is a page, and the border widths a collapsed
table already gave the box). WeasyPrint shares one computed style between the boxes
that cascade alike (the cells of a column, the rows of a table), so the answers repeat.
Here each is remembered on the style object itself, under those inputs: a copy of a
style (which WeasyPrint makes before changing one) starts without them, and they go
with the style when the document is let go. Together −3.7 % of the committee report's
instructions, the same bytes (docs/performance-pdf.md, eleventh pass; a test compares).
Like the other patches of core.pdf these are installed at import, act only inside
``applied()`` (render_pdf), and are pinned to the functions they rely on.
"""

from __future__ import annotations

import importlib

import weasyprint.layout.percent as wp_percent
import weasyprint.text.line_break as wp_line_break
from weasyprint.formatting_structure import boxes

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the two
# remembered, and what they call whose output is remembered with them.
PINNED_SOURCES = {
    "resolve_percentages": "71673078096fcf8764e6412933288cc79ba956eae0d939deda27beaeac45acad",
    "adjust_box_sizing": "88f3351db0280d16752c28f87f2a50344c0177dd5e20879e8b8da4be3ef4ec8e",
    "strut": "b57885b70dd08efe92f72a746709e08c576f47b90edb36f02925fefa15bb761a",
    "_font_style_cache_key": "d6b09d54b8258d5861359b1bae2533929064715f647e36902523399bd14cce46",
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_percent, wp_line_break), __name__)

_switch = Switch("per_style")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

# What resolve_percentages (and adjust_box_sizing, which it calls) set on a box.
RESOLVED = (
    "margin_top",
    "margin_right",
    "margin_bottom",
    "margin_left",
    "padding_top",
    "padding_right",
    "padding_bottom",
    "padding_left",
    "border_top_width",
    "border_right_width",
    "border_bottom_width",
    "border_left_width",
    "width",
    "min_width",
    "max_width",
    "height",
    "min_height",
    "max_height",
)
_BORDERS = ("border_top_width", "border_right_width", "border_bottom_width", "border_left_width")
_UNSET = object()
_PERCENTAGES = "_khruakhai_percentages"
_STRUT = "_khruakhai_strut"

_resolve_percentages = upstream(wp_percent.resolve_percentages)
_strut = upstream(wp_line_break.strut)


def resolve_percentages(box, containing_block):
    memo = getattr(box.style, "__dict__", None)
    if not _on() or memo is None:
        return _resolve_percentages(box, containing_block)
    if isinstance(containing_block, boxes.Box):
        size = (containing_block.width, containing_block.height)
    else:
        size = tuple(containing_block)
    # With collapsed borders upstream keeps the widths the table's grid gave the box.
    collapsed = (
        tuple(getattr(box, side, _UNSET) for side in _BORDERS)
        if box.style["border_collapse"] == "collapse"
        else None
    )
    key = (isinstance(box, boxes.PageBox), size, collapsed)
    answers = memo.setdefault(_PERCENTAGES, {})
    values = answers.get(key)
    if values is None:
        _resolve_percentages(box, containing_block)
        answers[key] = {name: getattr(box, name) for name in RESOLVED}
        return None
    # Plain attributes of the box (no Box class defines them as properties): set in
    # one call rather than eighteen.
    box.__dict__.update(values)
    return None


def strut(style):
    memo = getattr(style, "__dict__", None)
    if not _on() or memo is None:
        return _strut(style)
    answer = memo.get(_STRUT)
    if answer is None:
        answer = memo[_STRUT] = _strut(style)
    return answer


resolve_percentages.__wrapped_original__ = _resolve_percentages
strut.__wrapped_original__ = _strut
# Each module that imported a name holds its own reference (compiled modules too: they
# look their globals up in the module's dictionary); flex calls percent's.
_LAYOUT = ("percent", "inline", "page", "float", "grid", "absolute", "block", "column", "table")
for _name in _LAYOUT:
    importlib.import_module(f"weasyprint.layout.{_name}").resolve_percentages = resolve_percentages
for _name in ("text.line_break", "layout.inline", "css.units", "css.computed_values"):
    importlib.import_module(f"weasyprint.{_name}").strut = strut
