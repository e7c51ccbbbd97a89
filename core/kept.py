"""Rendered fragments kept in this process, keyed on everything they are drawn from.

The pages people open most (the dashboard, the network page, the roadmap overview)
draw the same HTML again and again while nothing they show has changed. Each keeps
its body here under a key that holds **what it is drawn from**: the rows themselves
(read on every request, or hashed by PostgreSQL in one query, ``rows_fingerprint``),
the viewer where the body depends on them, the language, the day and the URL prefix.
Any change, whether by a service, a bulk ``update()`` that sends no signal, the admin
or SQL by hand, gives another key, so the next request draws the fragment afresh and
nothing has to remember to invalidate. The text lives in this process only (a small
LRU shared by a worker's threads): a deploy, with new templates or translations,
starts empty, and two workers never disagree for longer than one request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.db import connection

from . import pg_prepared


class Kept:
    """A thread-safe LRU of rendered fragments (any value: HTML, or a dict of parts)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._rows: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Any | None:
        with self._lock:
            value = self._rows.get(key)
            if value is not None:
                self._rows.move_to_end(key)
            return value

    def put(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._rows[key] = value
            self._rows.move_to_end(key)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)

    def get_or_render(self, key: tuple, render: Callable[[], Any]) -> Any:
        value = self.get(key)
        if value is None:
            value = render()  # outside the lock: two threads may draw it; both are right
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def __len__(self) -> int:
        return len(self._rows)


def rows_fingerprint(sql: str, params: dict) -> str | None:
    """PostgreSQL's hash of the rows ``sql`` selects (one ``md5(…)`` column), or None on
    other databases: SQLite has no row-to-text cast, and there the caller draws every
    time. The statement is prepared once per connection (core.pg_prepared)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        pg_prepared.execute_named(cursor, sql, params)
        return cursor.fetchone()[0]
