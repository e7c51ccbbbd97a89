"""Helpers for tests that race a real Celery worker (see the real_worker fixture)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connections


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
