"""Placeholder until the Thai text-layer fix lands (issue 8)."""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def applied():
    yield
