"""WeasyPrint's layout context emptied when a render ends, so that reference counting
frees what it holds and the collector's closing run (core.pdf.collector) has little to do.

A ``LayoutContext`` holds ``partial(get_image_from_uri, context=self)``: a reference
cycle. Everything the context holds then waits for the cyclic collector: the computed
style of every element with its cascaded declarations, the tables' and our patches'
per-document memos. In the bench committee report (with its charts in paths) that
is 65,963 objects, found by the collection ``render_pdf`` ends with in 22–25 ms; only
1,945 were in cycles themselves before the charts became paths (docs/performance-pdf.md).

Inside ``released()`` each layout context a render makes is noted and emptied at the
end (its ``__dict__`` cleared): what it held then goes by reference counting as the
render returns, and the closing collection finds 9,698 objects in the bench
committee report (3.6–4.4 ms): the parser's tree and a few cycles of styles. In the test
document of tests/core/test_pdf_layout_context.py it found 2,256 instead of 34,245;
since core.pdf.ua_stylesheet stopped making six pseudo-element styles per element the
context holds far less, and the test document's counts are 11,929 and 14,926.
``render_pdf`` ends the block after ``write_pdf`` returns, when nothing reads the
context any more. The PDF is the same bytes (a test compares).

Like the WeasyPrint patches it is installed at import, acts only inside ``released()``
and is pinned to the function it wraps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import weasyprint.document as wp_document
from weasyprint.document import Document

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream function in WeasyPrint 70.0: it makes
# the layout context (with the partial that points back at it) and hands it over.
PINNED_SOURCES = {
    "Document._build_layout_context": (
        "2b072254ab89701b33ddec26648e88cf1978480e7fae081b6cfad43b5f1346dc"
    ),
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_document), __name__)

_switch = Switch("layout_context")
_on = _switch.now
disabled = _switch.disabled
# The layout contexts made inside the innermost released() of this thread or task.
_made: ContextVar[list | None] = ContextVar("khruakhai_layout_contexts", default=None)
# A classmethod: upstream's function under the binding (or our wrapper's, imported twice).
_found = upstream(Document._build_layout_context)
_original = getattr(_found, "__func__", _found)


@contextlib.contextmanager
def released() -> Iterator[None]:
    """Empty, at the end, every layout context made inside."""
    made: list = []
    token = _made.set(made)
    try:
        with _switch.applied():
            yield
    finally:
        _made.reset(token)
        for context in made:
            context.__dict__.clear()


def pages_released(document) -> None:
    """Let go of the laid-out pages' boxes: each box's children emptied, top down.

    WeasyPrint's layout functions keep closures over the boxes they lay out (a table's
    rows and cells, a page's margin boxes), and a closure that refers to itself is a
    reference cycle: the pages' box trees wait for the collector, ~8,000 of the ~40,000
    objects a committee report leaves. Cut from their parents, the boxes the cycles do
    not hold go by reference counting as the render returns, and the collection after
    it has that much less to trace (docs/performance-pdf.md, "Thirteenth pass"). Called
    once the PDF is written: nothing reads the boxes any more. Inside ``released()``
    only, like the context's own release.
    """
    if not _on():
        return
    stack = [page._page_box for page in document.pages]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", None)
        if children:
            stack.extend(children)
            box.children = ()


def _build_layout_context(cls, *args, **kwargs):
    context = _original(cls, *args, **kwargs)
    made = _made.get()
    if made is not None and _on():
        made.append(context)
    return context


_build_layout_context.__wrapped_original__ = _original
Document._build_layout_context = classmethod(_build_layout_context)
