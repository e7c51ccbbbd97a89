"""Thin Celery tasks: take ids, call a service, safe to run twice.

Services start them by name (``core.queue.enqueue("network.tasks.…", id)``), so this
module imports the services and never the other way round.
"""

from __future__ import annotations

from celery import shared_task

from .services.invitations import invitation_send
from .services.joining import join_request_decision_send, join_request_notice_send


@shared_task
def invitation_send_task(invitation_id: int, token: str) -> bool:
    # The token travels with the task because the database keeps only its hash.
    return invitation_send(invitation_id=invitation_id, token=token)


@shared_task
def join_request_notice_task(join_request_id: int) -> int:
    return join_request_notice_send(join_request_id=join_request_id)


@shared_task
def join_request_decision_task(join_request_id: int) -> bool:
    return join_request_decision_send(join_request_id=join_request_id)
