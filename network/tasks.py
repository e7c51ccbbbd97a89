"""Thin Celery tasks: take ids, call a service, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def invitation_send_task(invitation_id: int, token: str) -> bool:
    # The token travels with the task because the database keeps only its hash.
    return services.invitation_send(invitation_id=invitation_id, token=token)


@shared_task
def join_request_notice_task(join_request_id: int) -> int:
    return services.join_request_notice_send(join_request_id=join_request_id)


@shared_task
def join_request_decision_task(join_request_id: int) -> bool:
    return services.join_request_decision_send(join_request_id=join_request_id)
