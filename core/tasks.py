from __future__ import annotations

import logging

from celery import shared_task

from . import line_services, services
from .queue import enqueue as queue_enqueue

log = logging.getLogger(__name__)

# Backoff for LINE's 429/5xx: 30 s, 1, 2, 4 … minutes, at most an hour; the sweep
# takes over after the last retry.
LINE_MAX_RETRIES = 8


@shared_task
def heartbeat(name: str = "worker") -> None:
    services.heartbeat_record(name=name)


@shared_task(bind=True, max_retries=LINE_MAX_RETRIES)
def line_push(self, delivery_id: int) -> str:
    result = line_services.line_delivery_push(delivery_id=delivery_id)
    if result == "retry" and self.request.retries < LINE_MAX_RETRIES:
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600))
    return result


@shared_task
def line_sweep() -> int:
    line_services.line_webhook_events_thin()
    due = line_services.line_deliveries_due()
    for delivery_id in due:
        queue_enqueue(line_push, delivery_id)
    return len(due)


# Kept under its old name for callers outside the apps (tests, the fault suite).
enqueue = queue_enqueue
