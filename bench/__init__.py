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
