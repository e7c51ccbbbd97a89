from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from . import services

log = logging.getLogger(__name__)


@shared_task
def heartbeat(name: str = "worker") -> None:
    services.heartbeat_record(name=name)


def enqueue(task, *args, **kwargs) -> None:
    """Send a task once the current transaction commits.

    The database holds what is due, so a broker that is down must not fail the
    web request: the failure is logged and the next sweep picks the work up.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:  # the broker is unreachable; the sweep will catch up
            log.warning("Could not enqueue %s; the next sweep will retry.", task.name)

    transaction.on_commit(send)
