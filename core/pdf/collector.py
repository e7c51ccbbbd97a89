"""Python's cyclic garbage collector paused while WeasyPrint renders, run once after.

A render makes hundreds of thousands of objects, and leaves some 75,000 of them as
garbage in reference cycles (the bench committee report: boxes, styles and layouts
that point at each other), which only the collector frees. While the render runs, the
collector starts every 700 allocations: it walks the young survivors (the growing box
tree) again and again and, a time or two per render, every object the process holds.
That was ~58 ms of the committee report's ~780 ms. Paused during the render and run
once after, over the young objects only (``gc.collect(0)``: all the render made), it
costs ~31 ms, most of which is freeing the garbage itself (docs/performance-pdf.md).

The collector is one per process: a render pauses it for every thread, for the half
second a render takes. Renders in several threads at once keep it paused until the
last one ends. If something else has disabled it (a test, a benchmark), it is left
disabled and not run.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_renders = 0
# Whether the collector was running when the first of the current renders began.
_resume = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Collect no garbage inside; collect the young generation once the last render ends."""
    global _renders, _resume
    with _lock:
        if _renders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _renders += 1
    try:
        yield
    finally:
        with _lock:
            _renders -= 1
            collect = _renders == 0 and _resume
            if collect:
                gc.enable()
        if collect:
            gc.collect(0)
