"""The close-out of a dissolved network: a sealed report of what it did, and one notice
to each of its members.

``network_dissolve`` sends ``network.signals.network_dissolved`` inside its transaction
with the id of the network's history row that records the dissolution; the receiver
starts one task after the commit with the two ids. The task

1. seals the close-out report in Thai and in English (core.sealing). Each document's
   subject names the dissolution ("closeout:<network>:<record>") and a subject has one
   document per language (a unique constraint), so reserving it is the claim: a second
   run, or a second worker, finds the row and seals nothing twice;
2. emails every login holding a role in the network, in their language, once: a
   ``core.Dispatch`` row per topic and login (``core.delivery.claim_row``), inserted in
   the transaction that sends (at-least-once only for the instant between the mail
   server's answer and the commit, the choice reports' reminders make too).

What the report states, and who is told, is reports.selectors.closeout.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import sealing
from core.delivery import claim_row, fan_out
from core.models import Dispatch, SealedDocument
from core.notify import Kind, person_notify
from core.pdf import render_pdf_template
from core.queue import enqueue
from network.models import Network
from reports.selectors.closeout import (
    LANGUAGES,
    closeout_content_hash,
    closeout_context,
    closeout_facts,
    closeout_page_url,
    closeout_record,
    closeout_subject,
    closeout_summary,
    recipients,
)

log = logging.getLogger(__name__)


def closeout_start(*, network: Network, record_id: int | None) -> None:
    """Called inside the dissolution's transaction: build and notify after the commit."""
    if record_id is None:  # no history row: nothing could state the dissolution later
        log.warning("network %s dissolved without a history row; no close-out", network.pk)
        return
    enqueue("reports.tasks.closeout_build", network.pk, record_id)


# --- building it ------------------------------------------------------------------------
def _reserve(*, subject: str, language: str, title: str) -> SealedDocument:
    """This dissolution's document in this language: the existing row, or a new one
    claimed by its subject (a worker that loses the race uses the winner's row)."""
    kind = SealedDocument.Kind.CLOSE_OUT
    existing = SealedDocument.objects.filter(kind=kind, subject=subject, language=language).first()
    if existing is not None:
        return existing
    document = sealing.sealed_document_reserve(kind=kind, title=title, language=language)
    try:
        with transaction.atomic():
            SealedDocument.objects.filter(pk=document.pk).update(subject=subject)
    except IntegrityError:
        document.delete()
        return SealedDocument.objects.get(kind=kind, subject=subject, language=language)
    document.subject = subject
    return document


def closeout_build(*, network_id: int, record_id: int) -> list[SealedDocument]:
    """Render, seal and store the Thai and English close-out reports of one
    dissolution. Safe to run twice: a sealed document is left as it is."""
    record = closeout_record(network_id=network_id, record_id=record_id)
    network = Network.objects.filter(pk=network_id).first()
    if record is None or network is None:
        return []
    subject = closeout_subject(network_id=network_id, record_id=record_id)
    # One content in two languages: both documents carry its hash, so each verify page
    # knows the other language's file as the same record (core.sealing's siblings).
    with translation.override(LANGUAGES[0]):
        content_sha256 = closeout_content_hash(
            facts=closeout_facts(network=network, record=record), record_id=record_id
        )
    documents = []
    for language in LANGUAGES:
        with translation.override(language):
            title = _("Close-out report: %(network)s") % {"network": record.instance.name}
        document = _reserve(subject=subject, language=language, title=title)
        if document.sealed_at is None:
            context = closeout_context(
                network=network, record=record, language=language, document=document
            )
            pdf = render_pdf_template("reports/closeout_pdf.html", context, language=language)
            document = sealing.sealed_document_store(
                document=document,
                pdf=pdf,
                summary=closeout_summary(facts=context["facts"], language=language),
                content_sha256=content_sha256,
            )
        documents.append(document)
    return documents


# --- telling the members ------------------------------------------------------------------
def closeout_notify(*, network_id: int, record_id: int) -> int:
    """Email each member once that the network was dissolved, when and why, with the
    close-out page's address. Returns how many emails left now; a failed send is
    logged and tried again by the next run (its claim was rolled back)."""
    record = closeout_record(network_id=network_id, record_id=record_id)
    network = Network.objects.filter(pk=network_id).first()
    if record is None or network is None:
        return 0
    topic = closeout_subject(network_id=network_id, record_id=record_id)
    context = {
        "network": record.instance,
        "dissolved_on": record.dissolved_on,
        "reason": record.dissolution_reason,
        "closeout_url": closeout_page_url(network),
    }
    done = set(Dispatch.objects.filter(topic=topic).values_list("user_id", flat=True))

    def deliver(user) -> bool:
        # The row is the claim: a second worker's insert waits for this transaction,
        # then finds it; a send that raises rolls it back for the next run.
        row = claim_row(Dispatch, topic=topic, user=user)
        if row is None:
            return False
        person_notify(
            user=user,
            kind=Kind.NOTICE,
            topic=topic,
            template="network_dissolved",
            context={"recipient": user, **context},
            url=context["closeout_url"],
        )
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
        return True

    todo = [user for user in recipients(network=network) if user.pk not in done]
    return fan_out(todo, deliver, what=f"close-out notice {topic}").sent
