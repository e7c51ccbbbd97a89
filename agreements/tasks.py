"""Thin tasks: take ids, call a service. Each is safe to run twice (see the services' claims).

The services start these by name (``core.queue.enqueue("agreements.tasks.…", id)``);
this module imports the services, never the other way round.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from core.queue import enqueue

from . import selectors
from .services import notices, pdf, reminders

# WeasyPrint on user-typed content: a hard ceiling so a pathological document cannot
# hold a worker forever (soft first, so the task can log and the sweep retry later).
PDF_SOFT_TIME_LIMIT = 90
PDF_TIME_LIMIT = 120


@shared_task
def party_sign_request(party_id: int) -> None:
    notices.party_sign_request_send(party_id=party_id)


@shared_task
def party_decline_notice(party_id: int) -> None:
    notices.party_decline_notice_send(party_id=party_id)


@shared_task(soft_time_limit=PDF_SOFT_TIME_LIMIT, time_limit=PDF_TIME_LIMIT)
def version_pdf_render(version_id: int) -> None:
    """Render and seal the PDFs, then tell everyone (the notice links to the PDF)."""
    version = pdf.version_pdf_render(version_id=version_id)
    if version is not None and version.sealed_document_id:
        enqueue(version_signed_notice, version_id)


@shared_task
def version_signed_notice(version_id: int) -> None:
    notices.version_signed_notice_send(version_id=version_id)


@shared_task
def party_remind(party_id: int, day: str) -> None:
    reminders.party_remind(party_id=party_id, today=dt.date.fromisoformat(day))


@shared_task
def version_renewal_remind(version_id: int) -> None:
    reminders.version_renewal_remind(version_id=version_id)


@shared_task
def sweep() -> None:
    """Beat: find what is due in the database (one query each) and fan out one task per id."""
    today = timezone.localdate()
    for party_id in selectors.reminders_due(today=today):
        enqueue(party_remind, party_id, today.isoformat())
    for version_id in selectors.renewals_due(today=today):
        enqueue(version_renewal_remind, version_id)
    for version_id in selectors.pdfs_missing():
        enqueue(version_pdf_render, version_id)
