"""Failure counters that a rolled-back transaction cannot undo.

The default cache is the database (so login keeps working while Redis is down), and
a database cache written inside ``transaction.atomic`` shares that transaction: a
failed password check that raises out of it (the signing step) would be counted and
then rolled back with everything else, so guesses were unlimited. These counters
live in the ``throttle`` cache instead (config/settings.py: Redis when REDIS_URL is
set, else this process's memory), which no database transaction touches.

A request never fails because the counter store does: while Redis is unreachable
the count is kept in this process's memory, so the limit still holds per process.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import BaseCache, caches
from django.core.cache.backends.locmem import LocMemCache

log = logging.getLogger(__name__)

ALIAS = "throttle"
# While the configured store is down; per process, which is still a limit.
_fallback = LocMemCache("khruakhai-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _run(operation, *args):
    # The redis package is ~38 MB in a process: loaded when a counter is first used (a
    # failed sign-in or signing step), not by every web worker importing this module.
    from redis.exceptions import RedisError  # noqa: PLC0415

    try:
        return operation(caches[ALIAS], *args)
    # The store is Redis (config/settings.py) or this process's memory, which does not
    # fail: a connection or timeout error of Redis means count locally.
    except (RedisError, OSError) as exc:
        log.warning("throttle store unavailable (%s); counting in process memory", exc)
        return operation(_fallback, *args)


def user_key(prefix: str, user) -> str:
    """A counter of failures against this user's current password.

    The password's hash is part of the key, so a new password (the owner's reset)
    starts a new count; nobody else can change it without the old one.
    """
    epoch = hashlib.sha256((user.password or "").encode()).hexdigest()[:16]
    return f"{prefix}:{user.pk}:{epoch}"


def exceeded(key: str, *, allowed: int) -> bool:
    """True once ``allowed`` failures are on record for ``key``."""
    return _run(lambda cache, k: cache.get(k, 0), key) >= allowed


def record(key: str, *, window: int) -> int:
    """Count one failure; the count expires ``window`` seconds after the first."""

    def _incr(cache: BaseCache, k: str) -> int:
        cache.add(k, 0, window)
        try:
            return cache.incr(k)
        except ValueError:  # expired between add and incr
            cache.set(k, 1, window)
            return 1

    return _run(_incr, key)


def clear(key: str) -> None:
    _run(lambda cache, k: cache.delete(k), key)
