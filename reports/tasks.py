"""Thin tasks: the beat tasks find due ids and fan out; per-id tasks call a service.

Services start these by name (``core.queue.enqueue("reports.tasks.…")``) and never
import this module; this module imports the services.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import Retry
from kombu.exceptions import KombuError

from reports.selectors.closeout import closeouts_due
from reports.services import closeout, committee, digests, periods, reminders, schedules

log = logging.getLogger(__name__)

# What ``apply_async`` raises when the broker cannot take a message: kombu's
# OperationalError (it wraps the transport's connection errors) or a socket error.
BROKER_DOWN = (KombuError, OSError)


def _fan_out(task, ids) -> int:
    """Send one task per id; a broker hiccup loses nothing (the rows stay due)."""
    sent = 0
    for item in ids:
        try:
            task.apply_async(args=(item,), retry=False)
        except BROKER_DOWN:
            log.warning("broker unreachable; %s will be picked up by the next sweep", task.name)
            break
        sent += 1
    return sent


@shared_task
def reminder_sweep() -> int:
    """Every 15 minutes (static beat schedule): plan due reminders, send each via its own task."""
    ids = reminders.reminder_sweep()
    _fan_out(digest_send, digests.digests_plan())
    _fan_out(committee_report_build, committee.committee_reports_stuck())
    sent = _fan_out(reminder_send, ids)
    if sent < len(ids):
        reminders.reminders_unoffer(ids=ids[sent:])
    return sent


# A send that failed (rolled back, its claim given back) is tried again this soon, a
# few times, before the sweep's slower path takes over: "database is locked" on
# SQLite or a mail server hiccup clears in seconds, not in the half hour it takes a
# claim and an offer to go stale. These ETAs are seconds: nothing long waits in Redis.
REMINDER_RETRY_SECONDS = (10, 20, 30, 60, 60)


@shared_task(bind=True, max_retries=len(REMINDER_RETRY_SECONDS))
def reminder_send(self, reminder_id: int) -> str:
    try:
        return reminders.reminder_send(reminder_id=reminder_id)
    except Exception as error:
        attempt = self.request.retries
        if attempt >= len(REMINDER_RETRY_SECONDS):
            # Out of quick retries: the very next sweep offers the row again.
            reminders.reminders_unoffer(ids=[reminder_id])
            raise
        try:
            raise self.retry(exc=error, countdown=REMINDER_RETRY_SECONDS[attempt]) from error
        except Retry:
            raise
        except BROKER_DOWN:
            log.warning("could not queue the retry of reminder %s", reminder_id)
            reminders.reminders_unoffer(ids=[reminder_id])
            raise error from None


@shared_task
def digest_send(digest_id: int) -> str:
    return digests.digest_send(digest_id=digest_id)


@shared_task
def periods_open() -> int:
    """Hourly: propose schedules from newly signed agreements, then open the period's
    progress report for every current member organisation (both idempotent)."""
    schedules.schedules_propose_missing()
    return periods.periods_open()


@shared_task
def committee_report_build(committee_report_id: int) -> None:
    committee.committee_report_build(committee_report_id=committee_report_id)


# Two PDFs of user-typed content: a ceiling so a pathological one cannot hold a worker.
@shared_task(soft_time_limit=180, time_limit=240)
def closeout_build(network_id: int, record_id: int) -> int:
    """A dissolution's close-out: seal the Thai and English reports, then tell every
    member once; the members are told even if the render failed (the page says the
    report is being prepared, and the sweep builds it again)."""
    try:
        closeout.closeout_build(network_id=network_id, record_id=record_id)
    finally:
        sent = closeout.closeout_notify(network_id=network_id, record_id=record_id)
    return sent


@shared_task
def closeout_sweep() -> int:
    """Beat: close-outs a lost task or a failed render left unfinished, one task each."""
    due = closeouts_due()
    for network_id, record_id in due:
        try:
            closeout_build.apply_async(args=(network_id, record_id), retry=False)
        except BROKER_DOWN:
            log.warning("broker unreachable; close-outs wait for the next sweep")
            break
    return len(due)
