"""Helpers for tests that race a real Celery worker (see the real_worker fixture)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator

from django.db import connections


@contextlib.contextmanager
def embedded_worker(app) -> Iterator[object]:
    """A real Celery worker in a thread of this process, leaving the process's logging
    as it found it.

    Celery sets up a worker's logging when it starts one (``setup_app_for_worker``): the
    root logger's level becomes the embedded worker's (ERROR) and, as it hijacks the
    root logger, its handlers become Celery's. Left so, every later test in the same
    process lost its warnings: nothing below ERROR reached caplog, and a test of a
    logged warning failed when a parallel run gave it a process where a real-worker
    test had run (tests/core/test_celery.py shows it). The test process's level and
    handlers are put back as soon as the worker runs, so the worker's own records
    reach them too, and the level again when it stops.
    """
    from celery.contrib.testing.worker import start_worker

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w:
            for handler in [h for h in root.handlers if h not in handlers]:
                root.removeHandler(handler)
            for handler in handlers:
                root.addHandler(handler)  # a no-op for one still there
            root.setLevel(level)
            yield w
    finally:
        # The level only: by teardown pytest has put its own handlers for that phase
        # on the root logger, and the ones saved above are the setup phase's.
        root.setLevel(level)


def wait_until(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll until predicate() is true; fail the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def race_with_worker(task, work: Callable[[], None], *, threads: int = 2) -> None:
    """Send ``task`` to the real worker twice while ``work`` runs in threads of this
    process, all racing for the same rows; fail on any thread's exception."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - raised in the test's thread below
            errors.append(exc)
        finally:
            connections.close_all()

    task.delay()
    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    task.delay()
    for thread in started:
        thread.join(timeout=60)
    assert not errors, errors
