"""Reminders against a real Redis broker and real Celery workers.

- two sweeps at once: each reminder is sent exactly once;
- a worker SIGKILLed in the middle of a sweep, then restarted: none lost, none doubled;
- Redis unreachable: submitting a report still works, and the notice goes out
  once the broker is back.

All waits are bounded. They need REDIS_URL (and PostgreSQL for the subprocess worker,
which must reach the test database).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_string
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from network.models import Membership, Role
from reports import services, tasks
from reports.models import ProgressReport, Reminder
from tests.conftest import REDIS_URL, fault_report, requires_redis
from tests.factories import OrganisationFactory, PersonFactory
from tests.workers import race_with_worker, wait_until

from .factories import PeriodFactory, ScheduleFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [requires_redis, pytest.mark.redis]


def _many_due_reports(cast, n: int) -> int:
    """n organisations, each with a partner rep and an open report due tomorrow.

    Returns the number of reminder rows one sweep will create (before:7 and before:1
    for each partner, on the real clock: the send time is midnight, no quiet hours)."""
    today = timezone.localdate()
    ScheduleFactory(
        network=cast.network,
        send_time=dt.time(0, 0),
        quiet_start=dt.time(0, 0),
        quiet_end=dt.time(0, 0),
        weekly_cap=50,
    )
    period = PeriodFactory(
        network=cast.network,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=6),
        due_on=today + dt.timedelta(days=1),
    )
    for _ in range(n):
        org = OrganisationFactory()
        Membership.objects.create(network=cast.network, organisation=org, joined_on=today)
        person = PersonFactory(organisation=org)
        Role.objects.create(network=cast.network, person=person, kind=Role.Kind.PARTNER_REP)
        ProgressReport.objects.create(period=period, organisation=org)
    return 2 * n


def _all_sent() -> bool:
    return not Reminder.objects.filter(sent_at__isnull=True).exists()


def test_two_sweeps_at_once_send_each_reminder_exactly_once(cast, real_worker):
    expected = _many_due_reports(cast, 20)

    def sweep_and_send():
        for rid in services.reminder_sweep():
            services.reminder_send(reminder_id=rid)

    # Two sweeps through the broker to the real worker, and two more in threads
    # of this process, all racing for the same rows.
    race_with_worker(tasks.reminder_sweep, sweep_and_send)
    wait_until(
        lambda: Reminder.objects.filter(sent_at__isnull=False).count() == expected, 60, "sends"
    )
    wait_until(lambda: len(mail.outbox) >= expected, 10, "outbox")
    time.sleep(1)  # let any duplicate that were to happen land
    assert Reminder.objects.count() == expected
    # Each partner has two rows (before:7 and before:1, both saying "due tomorrow" now
    # that the words come from the send time): compare emails with rows per person.
    sent = Counter(m.to[0] for m in mail.outbox)
    rows = Counter(Reminder.objects.values_list("recipient__email", flat=True))
    fault_report(
        "two sweeps at once (broker + threads)",
        lost=sum((rows - sent).values()),
        twice=sum((sent - rows).values()),
    )
    assert len(mail.outbox) == expected
    assert sent == rows


def _mail_recipients(folder: Path) -> Counter:
    counts: Counter = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_text(encoding="utf-8").split("-" * 79):
            if chunk.strip():
                counts[message_from_string(chunk.strip())["To"]] += 1
    return counts


def _database_url(db: dict) -> str:
    """The test database (test_…), which the subprocess worker must use too."""
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(env: dict, log: Path, concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL takes the children too
    )


@pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="a subprocess worker needs a shared (PostgreSQL) database"
)
def test_a_worker_killed_mid_sweep_loses_none_and_doubles_none(cast, transactional_db, tmp_path):
    from config.celery import app

    expected = _many_due_reports(cast, 40)
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "DATABASE_URL": _database_url(db),
        "REDIS_URL": REDIS_URL,
        "KK_TEST_MAIL_DIR": str(mail_dir),
        "KK_TEST_MAIL_DELAY": "0.2",
        "REPORTS_CLAIM_STALE_SECONDS": "2",
        "PYTHONPATH": str(ROOT),
    }
    log = tmp_path / "worker.log"
    # One process first, so "mid-send" is observable: the mail backend's marker file
    # exists only between the claim+lock and the hand-over of the message.
    worker = _worker(env, log, concurrency=1)
    try:
        tasks.reminder_sweep.delay()
        wait_until(lambda: sum(_mail_recipients(mail_dir).values()) >= 10, 90, "first emails")
        wait_until(lambda: any(tmp_path.glob("sending-*")), 30, "a send in progress")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        sent_before = Reminder.objects.filter(sent_at__isnull=False).count()
        orphaned = Reminder.objects.filter(claimed_at__isnull=False, sent_at__isnull=True)
        assert sent_before < expected, "the kill came too late to prove anything"
        assert orphaned.count() == 1  # the row it was sending: claimed, never recorded
        time.sleep(2.5)  # any claim the dead worker held is now stale
        worker = _worker(env, log, concurrency=3)
        # The next sweeps (beat would send them every 15 minutes) pick up the rest.
        deadline = time.monotonic() + 90
        while not _all_sent() and time.monotonic() < deadline:
            tasks.reminder_sweep.delay()
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
    received = _mail_recipients(mail_dir)
    rows = Counter(Reminder.objects.values_list("recipient__email", flat=True))
    fault_report(
        "worker SIGKILLed mid-sweep, then restarted",
        lost=sum((rows - received).values()),
        twice=sum((received - rows).values()),
        note=f"{sent_before} sent before the kill, {expected} in all",
    )
    assert sum(received.values()) == expected == Reminder.objects.count()
    assert received == rows  # every recipient got exactly their rows: none lost, none twice
    print(f"kill test: {sent_before} sent before SIGKILL, {expected} in all, no duplicates")


def test_redis_down_submit_works_and_the_notice_goes_out_when_it_is_back(cast, real_worker):
    from config.celery import app

    _many_due_reports(cast, 0)
    period = PeriodFactory(network=cast.network)
    report = ProgressReport.objects.create(period=period, organisation=cast.partner_org)
    good_url, good_pool = app.conf.broker_url, app._pool
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app._pool = None
    try:
        started = time.monotonic()
        response = cast.client("partner").post(
            f"/networks/{cast.network.slug}/reports/{report.pk}/",
            {"problems": "งบไม่พอ", "help_needed": "", "action": "submit", "confirm_submit": "on"},
        )
        assert response.status_code == 302
        assert time.monotonic() - started < 30  # bounded: the enqueue gives up quickly
    finally:
        app.conf.broker_url = good_url
        app._pool = good_pool
    report.refresh_from_db()
    assert report.status == "submitted"
    row = Reminder.objects.get(report=report, kind="submitted:1", recipient=cast.coordinator)
    assert row.sent_at is None
    assert not mail.outbox
    # The broker is back: the next sweep finds the row and the worker sends it.
    tasks.reminder_sweep.delay()
    wait_until(lambda: Reminder.objects.get(pk=row.pk).sent_at is not None, 30, "the notice")
    fault_report(
        "Redis down during a submit, then back",
        lost=0 if mail.outbox else 1,
        twice=max(0, len(mail.outbox) - 1),
        note=f"submit answered {response.status_code}",
    )
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
