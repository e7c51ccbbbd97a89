"""Thin tasks: take ids, call a service; safe to run twice (the service claims the work).

Services start these by name (``core.queue.enqueue("roadmap.tasks.<name>", id)``), so
this module imports the services and never the other way round.
"""

from __future__ import annotations

from celery import shared_task

from .services import progress


@shared_task
def blocked_notice_send(update_id: int) -> int:
    return progress.blocked_notice_send(update_id=update_id)
