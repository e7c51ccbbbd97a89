"""WeasyPrint's drawing contexts as plain context managers, not generators.

``Stream.stacked()`` (the ``q … Q`` around each background, border, text run and image
WeasyPrint draws), ``Stream.artifact()`` and ``Stream.marked()`` are
``@contextmanager`` generators: every use makes a generator and its wrapper, and
leaving it raises StopIteration inside the wrapper and catches it again, a traceback
entry included. The committee report enters them about 4,400 times a render
(docs/performance-pdf.md, "Twelfth pass").

Here ``stacked`` is a small class whose ``__enter__`` and ``__exit__`` do what the
generator did before and after its ``yield`` (push the graphics state; pop it, on an
exception too). ``artifact`` and ``marked`` only act in a tagged PDF (``pdf_tags``,
which we never ask for): for an untagged one they hand back a context that does
nothing, as the generators did; a tagged one gets upstream's. The PDF is the same bytes
(a test compares).

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the functions it replaces.
"""

from __future__ import annotations

import contextlib

import weasyprint.pdf.stream as wp_stream

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream methods in WeasyPrint 70.0, and of the
# state functions ``stacked`` calls.
PINNED_SOURCES = {
    "Stream.stacked": "241f5cdfb961363b6a60b91695674a8c97509e2dd5073d92d494d84e3216ed2f",
    "Stream.artifact": "be61e42186804e990c3fa090d95a0a579b0d9ca73ba2ec9915c57fde18910faa",
    "Stream.marked": "3fa3acacbbf66422e7b0de4346b6eaf638657280a0f62c73172e3c445b888692",
    "Stream.push_state": "3e2340c99b30acb91df8ebf501f871f372d12faedf9364f2a31292e9f9dee9af",
    "Stream.pop_state": "de364bfee3bd7f4f5428094f37263c05d4df86ecbea93e845ed39fdef7f000ce",
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_stream), __name__)

_switch = Switch("stream_contexts")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_stacked = upstream(wp_stream.Stream.stacked)
_artifact = upstream(wp_stream.Stream.artifact)
_marked = upstream(wp_stream.Stream.marked)
# A context that does nothing, shared: it keeps no state.
_NOTHING = contextlib.nullcontext()


class _Stacked:
    """The graphics state saved on entry and restored on exit, as upstream's generator."""

    __slots__ = ("_stream",)

    def __init__(self, stream) -> None:
        self._stream = stream

    def __enter__(self) -> None:
        self._stream.push_state()

    def __exit__(self, *_exception) -> None:
        self._stream.pop_state()


def stacked(self):
    return _Stacked(self) if _on() else _stacked(self)


def artifact(self):
    if _on() and self._tags is None:
        return _NOTHING
    return _artifact(self)


def marked(self, box, tag):
    if _on() and self._tags is None:
        return _NOTHING
    return _marked(self, box, tag)


for _patch, _original in ((stacked, _stacked), (artifact, _artifact), (marked, _marked)):
    _patch.__wrapped_original__ = _original
    _patch.__doc__ = _original.__doc__
    setattr(wp_stream.Stream, _patch.__name__, _patch)
