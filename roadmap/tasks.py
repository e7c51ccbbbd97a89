"""Thin tasks: take ids, call a service; safe to run twice (the service claims the work)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def blocked_notice_send(update_id: int) -> int:
    return services.blocked_notice_send(update_id=update_id)
