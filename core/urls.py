"""Where network-scoped pages live: every app mounts them under one prefix."""

from __future__ import annotations

from django.urls import include, path

NETWORK_PREFIX = "networks/<slug:slug>/"


def network_scoped(patterns: list) -> object:
    """Mount ``patterns`` (written relative to a network) under ``networks/<slug>/``.

    The patterns keep their app's namespace: ``include`` of a plain list adds none.
    """
    return path(NETWORK_PREFIX, include(patterns))
