"""Thin tasks: take ids, call a service. Each is safe to run twice (see the claims)."""

from __future__ import annotations

from celery import shared_task

from core.queue import enqueue

from .services import notices, retention


@shared_task
def request_filed_notice(request_id: int) -> None:
    notices.request_filed_notice_send(request_id=request_id)


@shared_task
def decision_notice(request_id: int) -> None:
    notices.decision_notice_send(request_id=request_id)


@shared_task
def sweep() -> None:
    """Beat: thin what the retention period has passed, and offer again the notices
    whose task was lost."""
    retention.retention_sweep()
    filed, decided = notices.notices_due()
    for request_id in filed:
        enqueue("privacy.tasks.request_filed_notice", request_id)
    for request_id in decided:
        enqueue("privacy.tasks.decision_notice", request_id)
