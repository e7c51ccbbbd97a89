"""Page content compressed at zlib's default level, not its slowest.

pydyf compresses every content stream of a PDF with ``zlib.compressobj(level=9)``.
For the text and drawing operators of our pages level 9 buys almost nothing over
zlib's default (6): the committee report's streams came to 83,139 bytes at 9 and
83,559 at 6 (+0.5 %), but deflating took 9.9 ms against 6.8
(docs/performance-pdf.md, "Thirteenth pass"). The PDF reads the same: only how hard
the compressor looked for repeats differs.

pydyf finds zlib through its module's name ``zlib``; inside ``applied()`` (render_pdf)
that name gives level 6 to ``compressobj`` and is zlib itself for everything else.
Outside, and for other writers of PDFs (pyHanko's seal), nothing changes. Pinned to
the pydyf method that asks for level 9.
"""

from __future__ import annotations

import zlib

import pydyf

from .switch import Switch, pinned

# sha256 of inspect.getsource() of pydyf's Stream.data (pydyf 0.13), the one caller of
# compressobj.
PINNED_SOURCES = {
    "Stream.data": "bdc2bc513f286de7b7a7220a43e6085daa6ed0056d9c04e3c9b5abe40f3ecf81",
}
LEVEL = 6


def _function_of(name: str):
    # A property: its getter holds the source.
    return pydyf.Stream.data.fget


check_pins = pinned(PINNED_SOURCES, _function_of, __name__)

_switch = Switch("deflate")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled


class _Zlib:
    """zlib as pydyf sees it: compressobj at LEVEL while a render applies the patch."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args, **kwargs):
        return zlib.compressobj(LEVEL if _on() else level, *args, **kwargs)


pydyf.zlib = _Zlib()
