"""Benchmarks (``make bench``): never part of ``make test``."""

from __future__ import annotations

import os
import sys


def interpreter() -> str:
    """The interpreter that runs the bench, resolved: its build decides 9-18 % of the
    render times (the Makefile's VENV_PYTHON; docs/performance.md, eighth pass)."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def engine() -> str:
    """The interpreter and whether WeasyPrint and our patches are compiled: what the
    figures ran on."""
    from core.pdf import compiled_patches
    from core.pdf.compiled import status

    return f"{interpreter()}; {status()}; {compiled_patches.status()}"


# The machine-speed probe's workloads, about a second of CPU or less each.
_LOOP_ADDITIONS = 10_000_000
_OBJECTS = 1_000_000
_ZLIB_BYTES = 8 * 1024 * 1024


class _Cell:
    __slots__ = ("next", "value")

    def __init__(self, value: int, following: _Cell | None) -> None:
        self.value = value
        self.next = following


def machine_speed(*, repeat: int = 3) -> dict[str, float]:
    """CPU seconds (best of ``repeat``) of three fixed workloads: a pure-Python loop of
    10,000,000 additions (the interpreter alone); 1,000,000 small objects made, linked
    and freed (memory: what a render's hundreds of thousands of boxes cost to make and
    to free); zlib compressing 8 MiB of fixed pseudo-random bytes (C code, as Chromium
    and PostgreSQL are).

    The same code has measured twice as slow on one machine as on another, and one
    machine's speed moved by more than half within minutes (docs/performance-pdf.md, twelfth and
    sixteenth passes): a figure, or a ratio of Python to C, compares with another
    run's only beside these."""
    import random
    import time
    import zlib

    data = random.Random(17).randbytes(_ZLIB_BYTES)  # noqa: S311 - a fixed workload

    def loop() -> None:
        total = 0
        for i in range(_LOOP_ADDITIONS):
            total += i

    def objects() -> None:
        head = None
        for i in range(_OBJECTS):
            head = _Cell(i, head)
        # Freed one by one, as a render's garbage is (iteratively: a chain this long
        # would overflow the C stack if dropped at once).
        while head is not None:
            head = head.next

    def best(work) -> float:
        times = []
        for _ in range(repeat):
            started = time.process_time()
            work()
            times.append(time.process_time() - started)
        return round(min(times), 2)

    return {
        "python_loop_s": best(loop),
        "objects_s": best(objects),
        "zlib_s": best(lambda: zlib.compress(data, 6)),
    }
