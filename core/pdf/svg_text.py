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
layout built by the same calls), so for labels drawn letter by letter the PDF is the
same, operator for operator. Most labels are no longer drawn letter by letter: see
"a label drawn as one string" below.

Only the calls of the SVG text code are remembered: they alone pass WeasyPrint's dummy
``Style`` of ``weasyprint/svg/text.py``, made from INITIAL_VALUES and the five fields the
key holds (font family, style, weight and size, direction) with an infinite width. Every
other call (the HTML text of the page) goes to WeasyPrint's function untouched. As the
other patches of core.pdf, it is installed at import and acts only inside ``applied()``
(render_pdf); it leans on upstream's code, so it is pinned: importing it fails when the
functions it relies on have changed (a test checks the same).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from math import inf

import weasyprint.draw.text as wp_draw_text
import weasyprint.layout.inline  # binds the original before the swap below
import weasyprint.layout.preferred  # noqa: F401 - as above
import weasyprint.svg as wp_svg
import weasyprint.svg.utils as wp_svg_utils
import weasyprint.text.line_break as wp_line_break
from weasyprint.matrix import Matrix
from weasyprint.svg.bounding_box import extend_bounding_box, is_valid_bounding_box
from weasyprint.svg.utils import size

from .switch import Switch, document_memo, pinned, upstream, upstream_in

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
    # Draws an anchored label in a group moved by the label's width (below).
    "SVG.draw_node": "5e24443a435c491ef0f0a66bfc93d8e39193c999270d8d048dea06da900c89ba",
}
_ATTRIBUTE = "_khruakhai_svg_letters"
# The SVG elements drawn by weasyprint.svg.text.text; only these two may be drawn whole.
_WHOLE_TAGS = ("text", "tspan")
# Attributes that place or stretch letters one by one: with one of them, upstream draws.
_PER_LETTER = ("dx", "dy", "rotate", "textLength")

_original = upstream(wp_line_break.split_first_line)
_original_text = upstream(wp_svg_text.text)
_original_draw_node = upstream(wp_svg.SVG.draw_node)


# Upstream's functions and methods, also where core.pdf.thai_breaks has wrapped them.
check_pins = pinned(PINNED_SOURCES, upstream_in(wp_svg_text, wp_line_break, wp_svg), __name__)


_switch = Switch("svg_text")
_on = _switch.now
_whole = Switch("svg_whole_text")
_in_place = Switch("svg_anchored_in_place")
# Within ``applied()`` (render_pdf) the patches act; ``disabled()`` turns them all off
# inside, ``whole_text_disabled()`` the drawing of labels as whole strings (and so the
# anchored ones in place), ``anchored_in_place_disabled()`` only the latter.
whole_text_disabled = _whole.disabled
anchored_in_place_disabled = _in_place.disabled


@contextlib.contextmanager
def applied() -> Iterator[None]:
    with _switch.applied(), _whole.applied(), _in_place.applied():
        yield


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    with _switch.disabled(), _whole.disabled(), _in_place.disabled():
        yield


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
        or not _on()
    ):
        return _original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    kept = document_memo(context, _ATTRIBUTE)
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


# --- a label drawn as one string ----------------------------------------------------------
#
# Upstream draws every letter of an SVG <text> on its own: a Pango layout, a text
# object and a ToUnicode lookup per letter. Thai shaping needs the cluster: MAI EK
# after SARA II (ที่) drawn alone lands on the vowel, so the tone mark vanished from
# chart labels; drawn as one string, Pango stacks it above. A label that places no
# letter on its own (one x and one y at most; no dx, dy, rotate, textLength or
# letter-spacing: every label roadmap.charts draws) is laid out and drawn whole, at
# the place and with the bounding box upstream's loop would give its first letter and
# its whole advance. Any other text goes to upstream's function.


def _style(svg, node, font_size) -> wp_svg_text.Style:
    """The dummy style of upstream's text(), made the same way."""
    from weasyprint.css.properties import INITIAL_VALUES  # noqa: PLC0415 - as upstream

    style = wp_svg_text.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    style["font_weight"] = node.get("font-weight", 400)
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    if style["font_weight"] == "normal":
        style["font_weight"] = 400
    elif style["font_weight"] == "bold":
        style["font_weight"] = 700
    else:
        try:
            style["font_weight"] = int(style["font_weight"])
        except ValueError:
            style["font_weight"] = 400
    return style


def _one_value(node, name: str, reference: float, font_size) -> float | bool | None:
    """The attribute's single length, None when absent, False when it lists several."""
    if name not in node.attrib:
        return None
    # Through the module: core.pdf.svg_paths passes a plain number through quickly.
    values = wp_svg_utils.normalize(node.attrib[name]).strip().split(" ")
    return False if len(values) > 1 else size(values[0], font_size, reference)


def _y_align(node, height: float, font_size) -> float:
    """Upstream's vertical alignment of a text box (its hack, kept as it is)."""
    ascent, descent = font_size * 0.8, font_size * 0.2
    display_anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if display_anchor == "middle":
        return -height / 2
    if display_anchor == "top":
        return 0
    if display_anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0


def _whole_position(svg, node, font_size) -> tuple | None:
    """The label's x and y (each None when absent) when text() draws it as one string;
    None when upstream draws it letter by letter."""
    if (
        not _whole.now()
        or node.tag not in _WHOLE_TAGS
        or not node.text
        or any(name in node.attrib for name in _PER_LETTER)
        or svg.length(node.get("letter-spacing"), font_size)
    ):
        return None
    x = _one_value(node, "x", svg.inner_width, font_size)
    y = _one_value(node, "y", svg.inner_height, font_size)
    return None if x is False or y is False else (x, y)


def text(svg, node, font_size):
    """weasyprint.svg.text.text, drawing a label whose letters are not placed one by
    one as one string."""
    position = _whole_position(svg, node, font_size)
    if position is None:
        return _original_text(svg, node, font_size)
    x, y = position
    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    # As upstream's loop does for the first letter, then advances by the whole text.
    if x:
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + _y_align(node, height, font_size)
    points = (
        (x_position, y_position - baseline),
        (x_position + width, y_position - baseline + height),
    )
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, points)
    anchor = node.__dict__.get(_ANCHOR)
    if anchor is not None and is_valid_bounding_box(node.text_bounding_box):
        # Where upstream's group would have put it: moved left by the label's box's
        # width, or half of it (SVG.draw_node), the box read as upstream reads it.
        box_width = node.text_bounding_box[2]
        shift = box_width / 2 if anchor == "middle" else box_width
        x -= shift
        x_position -= shift

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = wp_svg_text.TextBox(layout, style)
    text_box.baseline = baseline
    matrix = Matrix(a=1, d=-1, e=x_position, f=y_position)
    emojis = wp_draw_text.draw_first_line(svg.stream, text_box, "none", "none", matrix)
    svg.stream.end_text()
    svg.stream.pop_state()
    wp_draw_text.draw_emojis(svg.stream, style, x, y, emojis)
    return None


text.__wrapped_original__ = _original_text


# --- an anchored label drawn in place -----------------------------------------------------
#
# A <text> anchored at its middle or end (text-anchor; start in right-to-left text too)
# is drawn by upstream into a group of its own, a Form XObject: a stream with its own
# dictionary, bounding box and compression, drawn moved left by the width of what was
# drawn in it (SVG.draw_node). Our charts anchor 30 labels so (axis values, column
# heads): 30 XObjects a committee report. A label drawn whole (above) with nothing
# inside it (no tspan) has its width known before it is drawn: it is drawn in place,
# moved by the same amount, with no group. Its letters land where upstream's did (a
# test compares the words' boxes and the pages' pixels); its bounding box stays where
# upstream leaves it (the group's own coordinates).
_ANCHOR = "_khruakhai_anchor"
_SHIFTED = ("middle", "end")


def _anchored_in_place(svg, node, font_size) -> str | None:
    """The anchor ("middle" or "end") of a label text() draws whole and in place."""
    anchor = node.get("text-anchor")
    if anchor not in _SHIFTED or not _in_place.now():
        return None
    if (
        node.tag != "text"
        or not node.display
        or node.get("direction", "ltr") != "ltr"
        or len(node._etree_node)  # a tspan: upstream moves it in the same group
        # with the size draw_node hands text(): the node's own
        or _whole_position(svg, node, size(node.get("font-size", "1em"), font_size, font_size))
        is None
    ):
        return None
    return anchor


def draw_node(self, node, font_size, fill_stroke=True, context=None):
    """SVG.draw_node, an anchored label drawn in place (text()) instead of in a group."""
    anchor = _anchored_in_place(self, node, font_size)
    if anchor is None:
        return _original_draw_node(self, node, font_size, fill_stroke, context)
    # Upstream then sees a label anchored at its start: no group.
    node.attrib["text-anchor"] = "start"
    node.__dict__[_ANCHOR] = anchor
    try:
        return _original_draw_node(self, node, font_size, fill_stroke, context)
    finally:
        node.attrib["text-anchor"] = anchor
        del node.__dict__[_ANCHOR]


draw_node.__wrapped_original__ = _original_draw_node
wp_svg.SVG.draw_node = draw_node
# weasyprint.svg looks text up by name (its TAGS and its ``TAGS.get(tag) == text``
# tests of whether a node is text): both must see the same function.
wp_svg.text = text
for _tag, _drawer in list(wp_svg.TAGS.items()):
    if _drawer is _original_text:
        wp_svg.TAGS[_tag] = text
