from __future__ import annotations

import logging
import time

import pytest

from core import tasks
from core.models import WorkerHeartbeat
from tests.conftest import real_worker_app, requires_redis
from tests.workers import embedded_worker


@pytest.mark.django_db
def test_heartbeat_task_counts_beats():
    tasks.heartbeat.delay()
    tasks.heartbeat.delay()
    assert WorkerHeartbeat.objects.get(name="worker").count == 2


@pytest.mark.django_db
def test_enqueue_waits_for_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue(tasks.heartbeat, "on-commit")
    assert not WorkerHeartbeat.objects.filter(name="on-commit").exists()
    callbacks[0]()
    assert WorkerHeartbeat.objects.get(name="on-commit").count == 1


@pytest.mark.django_db
def test_enqueue_survives_a_broker_that_is_down(django_capture_on_commit_callbacks, broker_at):
    broker_at("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(tasks.heartbeat, "lost")  # must not raise
    assert not WorkerHeartbeat.objects.filter(name="lost").exists()


@requires_redis
@pytest.mark.redis
def test_a_real_worker_runs_a_task_sent_through_redis(real_worker):
    tasks.heartbeat.delay("real-worker")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(name="real-worker").first()
        if beat:
            break
        time.sleep(0.1)
    assert beat is not None
    assert beat.count == 1
    print("real Celery worker ran core.tasks.heartbeat through Redis")


@requires_redis
@pytest.mark.redis
def test_a_real_worker_leaves_the_logging_of_later_tests_alone(transactional_db, caplog):
    """Celery sets up logging as a worker's at every embedded worker's start
    (``setup_app_for_worker`` clears its own set-up flag first): the root logger at
    ERROR, its handlers Celery's. A warning logged after the worker has stopped still
    reaches caplog (it did not: the flaky tests/roadmap/test_delete.py test of a file
    that will not go)."""
    root = logging.getLogger()
    before = root.level, list(root.handlers)
    with embedded_worker(real_worker_app()):
        assert (root.level, root.handlers) == before
    assert (root.level, root.handlers) == before
    logging.getLogger("roadmap.services.activities").warning("a file left behind")
    ours = [r for r in caplog.records if r.name == "roadmap.services.activities"]
    assert [(r.levelname, r.getMessage()) for r in ours] == [("WARNING", "a file left behind")]
