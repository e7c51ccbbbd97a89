from __future__ import annotations

import logging

from celery import shared_task

from . import services
from .queue import enqueue as queue_enqueue

log = logging.getLogger(__name__)


@shared_task
def heartbeat(name: str = "worker") -> None:
    services.heartbeat_record(name=name)


# Kept under its old name for callers outside the apps (tests, the fault suite).
enqueue = queue_enqueue
