"""The zero-setup SQLite database shared by web, worker and beat (core/db.py).

Each test runs a small script in a fresh process against a fresh SQLite *file* with the
project's own settings (the tests' own database is in memory and used by one process,
so core.db leaves it alone). The lock choreographies use events, not sleeps: their
outcome does not depend on timing.

- tuned (as shipped): WAL, a busy timeout, BEGIN IMMEDIATE; two transactions that each
  read then write both succeed, one after the other;
- plain (core.db's receiver disconnected): the same work, read by both before either
  writes, fails one of them at once with "database is locked" — the failure the bench
  (bench/bench_sqlite_sends.py) counted on the old stack, whatever the busy timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """
import json, os, sys, threading
sys.path.insert(0, os.environ["KK_ROOT"])
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from django.db import connection, connections, transaction
if os.environ["KK_MODE"] == "plain":
    from django.db.backends.signals import connection_created
    connection_created.disconnect(dispatch_uid="core.db.sqlite_tune")
    connection.settings_dict["OPTIONS"].pop("transaction_mode", None)
    connection.settings_dict["OPTIONS"].pop("init_command", None)
with connection.cursor() as c:
    c.execute("CREATE TABLE counter (n integer)")
    c.execute("INSERT INTO counter VALUES (0)")
errors = []

def add_one(before_write=None, after_read=None):
    try:
        with transaction.atomic():
            with connection.cursor() as c:
                c.execute("SELECT n FROM counter")
                n = c.fetchone()[0]
                if after_read:
                    after_read()
                if before_write:
                    before_write()
                c.execute("UPDATE counter SET n = %s", [n + 1])
    except Exception as error:
        errors.append(str(error))
    finally:
        connections.close_all()

def result():
    with connection.cursor() as c:
        c.execute("SELECT n FROM counter")
        n = c.fetchone()[0]
    print(json.dumps({"n": n, "errors": errors}))
"""

SETTINGS = """
with connection.cursor() as c:
    c.execute("PRAGMA journal_mode")
    journal = c.fetchone()[0]
    c.execute("PRAGMA busy_timeout")
    busy = c.fetchone()[0]
    c.execute("PRAGMA synchronous")
    synchronous = c.fetchone()[0]
print(json.dumps({"journal": journal, "busy": busy, "synchronous": synchronous,
                  "mode": connection.transaction_mode}))
"""

# A starts, reads, and lets B start; B's BEGIN IMMEDIATE waits for A's COMMIT, then B
# reads what A wrote. Whenever B's BEGIN runs, the result is the same.
IN_TURN = """
b_started = threading.Event()

def b():
    b_started.set()
    add_one()

def a_after_read():
    threading.Thread(target=b, name="b").start()
    b_started.wait()

a = threading.Thread(target=add_one, kwargs={"after_read": a_after_read})
a.start(); a.join()
for t in threading.enumerate():
    if t.name == "b":
        t.join()
result()
"""

# Both read before either writes: the read-then-write upgrade deadlock.
BOTH_READ_FIRST = """
a_read, b_read = threading.Event(), threading.Event()

def a():
    add_one(after_read=a_read.set, before_write=b_read.wait)

def b():
    a_read.wait()
    add_one(after_read=b_read.set)

threads = [threading.Thread(target=a), threading.Thread(target=b)]
for t in threads: t.start()
for t in threads: t.join()
result()
"""


def _run(tmp_path, mode: str, body: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        KK_ROOT=str(ROOT),
        KK_MODE=mode,
        KHRUAKHAI_VAR_DIR=str(tmp_path / mode),
        DEBUG="true",
    )
    (tmp_path / mode).mkdir()
    out = subprocess.run(
        [sys.executable, "-c", PRELUDE + body],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_sqlite_file_is_tuned_for_several_processes(tmp_path):
    tuned = _run(tmp_path, "tuned", SETTINGS)
    assert tuned == {"journal": "wal", "busy": 20_000, "synchronous": 1, "mode": "IMMEDIATE"}


def test_two_read_then_write_transactions_take_turns(tmp_path):
    assert _run(tmp_path, "tuned", IN_TURN) == {"n": 2, "errors": []}


def test_without_the_tuning_both_reading_first_fails_one_at_once(tmp_path):
    """The root cause on the old stack: SQLite refuses the upgrade rather than wait."""
    plain = _run(tmp_path, "plain", BOTH_READ_FIRST)
    assert plain["errors"] == ["database is locked"]
    assert plain["n"] == 1
