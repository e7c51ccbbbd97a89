"""Benchmarks (``make bench``): never part of ``make test``."""

from __future__ import annotations

import os
import sys


def interpreter() -> str:
    """The interpreter that runs the bench, resolved: its build decides 10-15 % of the
    render times (the Makefile's PYTHON; docs/performance.md, eighth pass)."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))
