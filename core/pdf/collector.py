"""Python's cyclic garbage collector paused while WeasyPrint renders, run once after.

A render makes hundreds of thousands of objects, and leaves some 75,000 of them as
garbage in reference cycles (the bench committee report: boxes, styles and layouts
that point at each other), which only the collector frees. While the render runs, the
collector starts every 700 allocations: it walks the young survivors (the growing box
tree) again and again and, a time or two per render, every object the process holds.
That was ~58 ms of the committee report's ~780 ms. Paused during the render and run
once at its end, over the young objects only (``gc.collect(0)``: all the render made),
it costs ~31 ms, most of which is freeing the garbage itself (docs/performance-pdf.md).

The collector is one per process: a render pauses it for every thread, for the half
second a render takes. Each render collects at its end, even while another one still
runs (renders that keep overlapping in threads must not pile up their garbage), and
the last one to end lets the collector run again. A collector that was disabled when
the first of them began (by a test, a benchmark) is left disabled. A process forked
during a render (it should not be) starts with the collector as it was before it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_renders = 0
# Whether the collector was running when the first of the current renders began.
_resume = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Collect no garbage inside; collect the young generation at the end."""
    global _renders, _resume
    with _lock:
        if _renders == 0:
            _resume = gc.isenabled()
            gc.disable()
        _renders += 1
    try:
        yield
    finally:
        # Collected before the collector runs again: enabled first, it would start on
        # its own at the next allocation, the render's objects being far past its
        # threshold. A collector disabled by someone else is not run.
        if _resume:
            gc.collect(0)
        with _lock:
            _renders -= 1
            if _renders == 0 and _resume:
                gc.enable()


def _after_fork_in_child() -> None:
    global _lock, _renders
    _lock = threading.Lock()
    if _renders and _resume:
        gc.enable()
    _renders = 0


os.register_at_fork(after_in_child=_after_fork_in_child)
