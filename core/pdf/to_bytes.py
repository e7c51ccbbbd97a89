"""The numbers of a PDF's drawing operators written once per value, not once per use.

Every operand of every operator WeasyPrint draws with (a move, a line, a rectangle, a
colour, a text matrix) goes through pydyf's ``_to_bytes``: the committee report makes
~33,000 such calls, 13,700 of them for floats, which it formats with
``f"{item:f}".rstrip("0")``, ~34 million instructions, 2.2 % of its render
(docs/performance-pdf.md, "Fourteenth pass"). Those floats take only ~1,700 values
(a page's margins, a table's column edges and the text lines' baselines come back
again and again), so here a float's bytes are kept in a table the first time and looked
up after; exact bytes, text and ints are converted in place, by their type rather than
by ``isinstance`` tests in turn. Anything else (a pydyf object, a subclass) goes to
upstream's function. The bytes are upstream's: the table holds what it returned.

The table is one per process and is emptied when it reaches _KEPT values. Acts only
inside ``applied()`` (render_pdf); outside it, pydyf's function runs. Pinned to pydyf
0.13's ``_to_bytes``.
"""

from __future__ import annotations

import pydyf

from .switch import Switch, pinned, upstream

# sha256 of inspect.getsource() of pydyf 0.13's _to_bytes.
PINNED_SOURCES = {
    "_to_bytes": "1cefd02c285d3aee7ad09bf6e5be50b2b7bd6956dec69829790e64f5255e0009",
}

# Upstream's function, also when this module is imported a second time.
_upstream = upstream(pydyf._to_bytes)
check_pins = pinned(PINNED_SOURCES, lambda _name: _upstream, __name__)

_switch = Switch("to_bytes")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

# A float's bytes, as upstream wrote them; emptied when it holds _KEPT values.
_FLOATS: dict[float, bytes] = {}
_KEPT = 20_000


def to_bytes(item) -> bytes:
    """pydyf's ``_to_bytes``: the same bytes, a float's looked up once it was written."""
    kind = type(item)
    if kind is bytes:
        return item
    if not _on():
        return _upstream(item)
    if kind is float:
        written = _FLOATS.get(item)
        if written is None:
            if len(_FLOATS) >= _KEPT:
                _FLOATS.clear()
            written = _FLOATS[item] = _upstream(item)
        return written
    if kind is int or kind is str:
        return str(item).encode("ascii")
    return _upstream(item)


to_bytes.__wrapped_original__ = _upstream
# pydyf's functions and methods look the name up in their module on every call.
pydyf._to_bytes = to_bytes
