"""A send that fails is tried again within a minute, not after the half hour a held claim
and an offer take to go stale.

The failure comes from outside the machine (the mail server refuses once); "database is
locked" on SQLite takes the same path: the send's transaction rolls back and raises.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from reports import services, tasks
from reports.models import Notification, Reminder
from tests.conftest import requires_redis
from tests.workers import wait_until

from .conftest import bkk
from .factories import PeriodFactory, ReportFactory, ScheduleFactory


class RefusesOnce(EmailBackend):
    """The mail server refuses the first message it is handed, then accepts."""

    refused = 0

    def send_messages(self, messages):
        if RefusesOnce.refused == 0:
            RefusesOnce.refused += 1
            raise ConnectionRefusedError("the mail server is not answering")
        return super().send_messages(messages)


@pytest.fixture
def refuses_once(settings):
    RefusesOnce.refused = 0
    settings.EMAIL_BACKEND = "tests.reports.test_reminders_retry.RefusesOnce"
    return RefusesOnce


def _no_quiet_hours(schedule) -> None:
    schedule.quiet_start = schedule.quiet_end = dt.time(0, 0)
    schedule.save()


def _partner_row(cast, now) -> Reminder:
    services.reminders_plan(now=now)
    return Reminder.objects.get(recipient=cast.partner)


def test_a_failed_send_gives_its_claim_back_at_once(cast, reporting, refuses_once):
    now = bkk(2026, 9, 30, 9)
    row = _partner_row(cast, now)
    with pytest.raises(ConnectionRefusedError):
        services.reminder_send(reminder_id=row.pk, now=now)
    row.refresh_from_db()
    # rolled back: not sent, no notice, and not held by the failed attempt
    assert row.status == "pending"
    assert row.sent_at is None
    assert row.claimed_at is None
    assert row.claim_token == ""
    assert not Notification.objects.filter(reminder=row).exists()
    # so a retry seconds later sends it (before: "not-mine" for ten minutes)
    assert services.reminder_send(reminder_id=row.pk, now=now + dt.timedelta(seconds=10)) == "sent"
    assert len(mail.outbox) == 1
    assert row.recipient.email in mail.outbox[0].to
    row.refresh_from_db()
    assert row.attempts == 2


def test_the_task_retries_within_a_minute(cast, reporting, refuses_once):
    _no_quiet_hours(reporting[0])
    row = _partner_row(cast, bkk(2026, 9, 30, 9))
    # Eagerly (as the tests run tasks) the retry runs at once; on a worker it waits
    # REMINDER_RETRY_SECONDS[0] seconds.
    assert tasks.REMINDER_RETRY_SECONDS[0] <= 60
    # throw=False: as a worker runs it (the tests otherwise propagate a task's Retry)
    assert tasks.reminder_send.apply(args=[row.pk], throw=False).get() == "sent"
    row.refresh_from_db()
    assert row.status == "sent"
    assert row.attempts == 2
    assert refuses_once.refused == 1


def test_a_row_out_of_quick_retries_is_offered_by_the_next_sweep(cast, reporting, settings):
    settings.EMAIL_BACKEND = f"{__name__}.AlwaysDown"
    _no_quiet_hours(reporting[0])
    row = _partner_row(cast, bkk(2026, 9, 30, 9))
    Reminder.objects.filter(pk=row.pk).update(offered_at=bkk(2026, 9, 30, 9))
    from config.celery import app

    app.conf.task_eager_propagates = False  # every eager retry runs, as on a worker
    try:
        result = tasks.reminder_send.apply(args=[row.pk])
    finally:
        app.conf.task_eager_propagates = True
    assert result.failed()
    assert isinstance(result.result, ConnectionRefusedError)
    row.refresh_from_db()
    assert row.status == "pending"
    assert row.claimed_at is None
    assert row.offered_at is None
    assert row.attempts == len(tasks.REMINDER_RETRY_SECONDS) + 1
    assert row.pk in services.reminders_due_ids()


class AlwaysDown(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@requires_redis
@pytest.mark.redis
def test_a_real_worker_retries_a_refused_send_in_seconds(cast, real_worker, refuses_once):
    """On a real worker the retry is a countdown of seconds, not the stale offer."""
    _no_quiet_hours(ScheduleFactory(network=cast.network))
    report = ReportFactory(
        period=PeriodFactory(network=cast.network), organisation=cast.partner_org
    )
    row = Reminder.objects.create(
        report=report, kind="after:3", recipient=cast.partner, due_at=bkk(2026, 10, 10, 8)
    )
    tasks.reminder_send.delay(row.pk)
    # the first attempt is refused; the retry follows REMINDER_RETRY_SECONDS[0] later
    wait_until(
        lambda: Reminder.objects.filter(pk=row.pk, status="sent").exists(),
        tasks.REMINDER_RETRY_SECONDS[0] + 30,
        "the retried send",
    )
    row.refresh_from_db()
    assert row.attempts == 2
    assert refuses_once.refused == 1
