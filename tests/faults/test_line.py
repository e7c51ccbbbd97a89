"""LINE deliveries with a real Celery worker SIGKILLed mid-sweep, then restarted:
none lost, none shown twice.

The local LINE server (tests/line_server.py) holds each push a moment, so the kill
lands while a push is in flight: LINE may have accepted it while the row was never
marked sent. The restarted worker's sweep pushes it again with the same retry key,
LINE answers 409 ("already accepted"), and the row is recorded as sent. Needs
REDIS_URL and PostgreSQL (the subprocess worker reaches the test database).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from core import tasks
from core.models import ChannelChoice, LineDelivery, LineLink
from tests.conftest import REDIS_URL, fault_report, requires_redis
from tests.line_server import SECRET, TOKEN, start
from tests.reports.test_real_worker import ROOT, _database_url, _worker
from tests.workers import wait_until

pytestmark = [
    requires_redis,
    pytest.mark.redis,
    pytest.mark.skipif(
        not settings.IS_POSTGRES, reason="a subprocess worker needs a shared (PostgreSQL) database"
    ),
]

N = 40


def _due_deliveries(n: int) -> None:
    """n linked people, each with one LINE message waiting (as the sweep finds them)."""
    users = get_user_model().objects
    old = timezone.now() - timezone.timedelta(minutes=10)
    for i in range(n):
        user = users.create_user(email=f"kru{i}@example.org", password="x-2569-line")
        LineLink.objects.create(user=user, line_user_id=f"U{i:032x}")
        LineDelivery.objects.create(
            topic=f"fault:{i}",
            user=user,
            kind=ChannelChoice.Kind.REPORT_REMINDER,
            text=f"[ครูข่าย] แจ้งเตือน {i}",
        )
    LineDelivery.objects.update(created_at=old)


def _all_sent() -> bool:
    return not LineDelivery.objects.filter(sent_at__isnull=True).exists()


def test_a_worker_killed_mid_sweep_loses_no_line_message_and_shows_none_twice(
    transactional_db, tmp_path
):
    from config.celery import app

    _due_deliveries(N)
    fake, server = start()
    fake.delay = 0.3
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    (tmp_path / "mail").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": REDIS_URL,
        "KK_TEST_MAIL_DIR": str(tmp_path / "mail"),
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": fake.url,
        "LINE_CLAIM_STALE_SECONDS": "2",
        "PYTHONPATH": str(ROOT),
    }
    log = tmp_path / "worker.log"
    worker = _worker(env, log, concurrency=1)
    try:
        tasks.line_sweep.delay()
        wait_until(lambda: len(fake.delivered) >= 10, 90, "first pushes")
        wait_until(lambda: fake.in_flight > 0, 30, "a push in flight")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        sent_before = LineDelivery.objects.filter(sent_at__isnull=False).count()
        assert sent_before < N, "the kill came too late to prove anything"
        time.sleep(2.5)  # the dead worker's lease is now stale
        worker = _worker(env, log, concurrency=3)
        deadline = time.monotonic() + 90
        while not _all_sent() and time.monotonic() < deadline:
            tasks.line_sweep.delay()  # beat sends it every 5 minutes
            time.sleep(3)
        assert _all_sent(), log.read_text()[-3000:]
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
        app.conf.task_always_eager = True
        server.shutdown()
        server.server_close()
    shown = Counter(p.headers["x-line-retry-key"] for p in fake.delivered)
    rows = Counter(str(k) for k in LineDelivery.objects.values_list("retry_key", flat=True))
    repeats = sum(1 for p in fake.pushes if p.status == 409)
    lost = sum((rows - shown).values())
    twice = sum((shown - rows).values())
    fault_report(
        "LINE: worker SIGKILLed mid-sweep, then restarted",
        lost=lost,
        twice=twice,
        note=f"{sent_before} recorded sent before the kill, {N} in all, "
        f"{len(fake.pushes)} pushes, {repeats} answered 409 (same retry key)",
    )
    assert lost == 0
    assert twice == 0
    assert LineDelivery.objects.filter(sent_at__isnull=False).count() == N
    print(f"LINE kill test: {sent_before} sent before SIGKILL, {N} in all, {repeats} 409s")
