"""Whether a box is in normal flow, answered once per float and position.

WeasyPrint asks ``Box.is_in_normal_flow()`` about 10,000 times a committee report
(each block's children, each line's boxes, each table cell, once per layout pass). The
method calls five others, each reading the box's style: ~4,800 instructions a call,
2.0 % of the render (docs/performance-pdf.md, "Thirteenth pass").

The answer depends on two computed values only, ``float`` and ``position`` (the five
methods read nothing else), so it is remembered per pair of values, in a dictionary
shared by every document: there are a handful of pairs. A box that carries one of the
five methods itself (WeasyPrint tells a flex item it is never floated) is answered by
upstream. Keyed on the values, not on the
style object, a style WeasyPrint changes in place (a footnote's float set to none when
it is built) gets the answer for what it now says.

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the methods whose answer it remembers.
"""

from __future__ import annotations

from weasyprint.formatting_structure import boxes

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream methods in WeasyPrint 70.0: the one
# remembered and the five it calls, whose only input is the style's float and position.
PINNED_SOURCES = {
    "Box.is_in_normal_flow": "5f49d6ab23da7e51003ce68f78e8cb04629e9c2edbf51f77ffa8acd7098e0368",
    "Box.is_floated": "6e6071b81868ea92a30a24506034cdbbed8d943d7075c86d1df386eac5b9f660",
    "Box.is_absolutely_positioned": (
        "397e0c33b3087681e486d5b2511db349c7b069144c717ace90e3ebfbcc61d111"
    ),
    "Box.is_running": "1c451d5c39f4a663221d4c0171f9d2065e3ce6dc07c450b40fac81b9309638a2",
    "Box.is_footnote": "3550ea0c868601870c2436360c86cbc01df1c53e1e50f40e7ac343977523b593",
    "Box.is_note": "2651f1110437e2e311aae3e2c1fdf588b621975e1706bdf66796986422581c37",
}

check_pins = pinned(PINNED_SOURCES, upstream_in(boxes), __name__)

_switch = Switch("normal_flow")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_is_in_normal_flow = upstream(boxes.Box.is_in_normal_flow)
# (float, position) -> answer. A few entries for any number of documents.
_answers: dict[tuple, bool] = {}


def is_in_normal_flow(self) -> bool:
    # A box may answer one of the five itself: WeasyPrint gives each flex item its own
    # is_floated (never floated, whatever its style says), the one such override it has
    # (a test searches its source for others). Such a box asks upstream.
    if not _on() or "is_floated" in self.__dict__:
        return _is_in_normal_flow(self)
    style = self.style
    key = (style["float"], style["position"])
    answer = _answers.get(key)
    if answer is None:
        answer = _answers[key] = _is_in_normal_flow(self)
    return answer


is_in_normal_flow.__wrapped_original__ = _is_in_normal_flow
boxes.Box.is_in_normal_flow = is_in_normal_flow
