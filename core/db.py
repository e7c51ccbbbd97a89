"""SQLite, the zero-setup database, shared by several processes (web, worker, beat).

Out of the box SQLite serialises writers badly for this shape: in its rollback journal
a reader blocks a writer's commit, and a transaction that reads first and writes later
(``BEGIN`` is DEFERRED) cannot wait for a writer that got there first. SQLite sees the
deadlock and fails at once with "database is locked", whatever the busy timeout: two
worker processes sending reminders (read the row, then write ``sent_at`` and the
notice) hit exactly that (bench/bench_sqlite_sends.py measures it).

So every file-backed SQLite connection gets:

* ``journal_mode=WAL``: readers never block the writer, nor the writer readers;
* ``busy_timeout``: a writer waits for the lock (20 s) instead of failing;
* ``synchronous=NORMAL``: the usual WAL pairing (durable at checkpoints; a power cut
  loses at most the last commits, never corrupts);
* transactions that ``BEGIN IMMEDIATE``: an atomic block takes the write lock when it
  starts, so it waits its turn (busy timeout) instead of deadlocking on an upgrade.

Settings may say the same (``OPTIONS["transaction_mode"] = "IMMEDIATE"`` and an
``init_command``); this receiver then changes nothing. PostgreSQL is left alone, and so
is an in-memory database (the tests' own, used by one process).
"""

from __future__ import annotations

import logging

from django.db.backends.signals import connection_created
from django.dispatch import receiver

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 20_000


@receiver(connection_created, dispatch_uid="core.db.sqlite_tune")
def sqlite_tune(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    raw = connection.connection
    # Before anything that may wait: the busy timeout is per connection.
    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        # Persistent in the file: after the first connection this is a no-op.
        raw.execute("PRAGMA journal_mode = WAL")
    except (
        connection.Database.OperationalError
    ):  # another process is switching it right now; it ends in WAL
        log.warning("SQLite: could not switch %s to WAL yet", connection.settings_dict["NAME"])
    raw.execute("PRAGMA synchronous = NORMAL")
    # Django 5.1+ reads OPTIONS["transaction_mode"] into this attribute when it connects.
    if getattr(connection, "transaction_mode", None) is None:
        connection.transaction_mode = "IMMEDIATE"
