"""Starting a task from a service, by name, once the transaction commits.

Services name the task (``"agreements.tasks.party_sign_request"``) instead of
importing their app's ``tasks`` module, which imports the services: so no app has a
services↔tasks import cycle. ``tests/architecture`` checks every name resolves.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

log = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> None:
    """Send ``task`` (a registered name, or the task itself) once the transaction commits.

    The database holds what is due, so a broker that is down must not fail the web
    request: the failure is logged and the next sweep picks the work up.
    """

    def send() -> None:
        # Looked up at send time: the registry is complete once Celery has finalised.
        target = current_app.tasks[task] if isinstance(task, str) else task
        try:
            target.apply_async(args=args, kwargs=kwargs, retry=False)
        except Exception:  # noqa: BLE001 - the broker is unreachable; the sweep catches up
            log.warning("Could not enqueue %s; the next sweep will retry.", target.name)

    transaction.on_commit(send)
