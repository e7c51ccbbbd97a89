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
runs, and the last one to end lets the collector run again. A render during which
another ended collects the middle generation too: that one's collection moved this
render's young objects there, and they must not wait for a moment with no render. A
collector that was disabled when the first of them began (by a test, a benchmark) is
left disabled and not run. A process forked during a render starts with the collector
as it was before, and the renders it inherited half-done leave it alone.
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
# Renders ended so far, and the process's generation (a forked child starts a new one).
_ended = 0
_epoch = 0


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Collect no garbage inside; collect the young generation at the end."""
    global _renders, _resume
    with _lock:
        if _renders == 0:
            _resume = gc.isenabled()
        # Counted before the collector is disabled, and (below) enabled again before
        # the count drops: a collector disabled here always has a render counted.
        _renders += 1
        gc.disable()
        epoch, ended = _epoch, _ended
    try:
        yield
    finally:
        _end(epoch, ended)


def _end(epoch: int, ended: int) -> None:
    global _renders, _ended
    if epoch != _epoch:
        return  # begun in the parent of this forked process: not this process's count
    try:
        # Collected before the collector runs again: enabled first, it would start on
        # its own at the next allocation, the render's objects being far past its
        # threshold. A collector disabled by someone else is not run.
        if _resume:
            gc.collect(1 if _ended != ended else 0)
    finally:
        with _lock:
            _ended += 1
            if _renders == 1 and _resume:
                gc.enable()
            _renders -= 1


def _after_fork_in_child() -> None:
    global _lock, _renders, _epoch
    _lock = threading.Lock()
    if _renders and _resume:
        gc.enable()
    _renders = 0
    _epoch += 1


os.register_at_fork(after_in_child=_after_fork_in_child)
