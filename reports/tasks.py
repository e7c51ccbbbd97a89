"""Thin tasks: the beat tasks find due ids and fan out; per-id tasks call a service."""

from __future__ import annotations

import logging

from celery import shared_task

from . import services

log = logging.getLogger(__name__)


def _fan_out(task, ids) -> int:
    """Send one task per id; a broker hiccup loses nothing (the rows stay due)."""
    sent = 0
    for item in ids:
        try:
            task.apply_async(args=(item,), retry=False)
            sent += 1
        except Exception:
            log.warning("broker unreachable; %s will be picked up by the next sweep", task.name)
            break
    return sent


@shared_task
def reminder_sweep() -> int:
    """Every 15 minutes (static beat schedule): plan due reminders, send each via its own task."""
    ids = services.reminder_sweep()
    _fan_out(digest_send, services.digests_plan())
    _fan_out(committee_report_build, services.committee_reports_stuck())
    sent = _fan_out(reminder_send, ids)
    if sent < len(ids):
        services.reminders_unoffer(ids=ids[sent:])
    return sent


@shared_task
def reminder_send(reminder_id: int) -> str:
    return services.reminder_send(reminder_id=reminder_id)


@shared_task
def digest_send(digest_id: int) -> str:
    return services.digest_send(digest_id=digest_id)


@shared_task
def periods_open() -> int:
    """Hourly: propose schedules from newly signed agreements, then open the period's
    progress report for every current member organisation (both idempotent)."""
    services.schedules_propose_missing()
    return services.periods_open()


@shared_task
def committee_report_build(committee_report_id: int) -> None:
    services.committee_report_build(committee_report_id=committee_report_id)
