"""The two emails of an erasure request, each claimed once (core.delivery).

- A request filed: every active site admin is told, each through a ``core.Dispatch``
  row (claim_row) in its own transaction (fan_out); once all have it, the request's
  ``filed_notice_sent_at`` marks the notice done.
- A request decided: the person is told at the address read when it was decided
  (``notify_email``), claimed with ``decision_sent_at``; the address is blanked in
  the transaction that sends, so after an erasure it is not kept either.

A send that fails rolls its claim back; privacy's sweep offers it again.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.delivery import claim_once, claim_row, fan_out
from core.mail import email_send
from core.models import Dispatch
from privacy.models import ErasureRequest

# A notice not sent after this long was lost with its task (the broker was down).
RETRY_AFTER = dt.timedelta(minutes=10)


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def request_filed_notice_send(*, request_id: int) -> int:
    """Tell every active site admin (but the person asking) once, while the request
    waits; returns how many emails left now."""
    erasure_request = (
        ErasureRequest.objects.pending()
        .filter(pk=request_id, filed_notice_sent_at__isnull=True)
        .select_related("user")
        .first()
    )
    if erasure_request is None:
        return 0
    topic = f"privacy:erasure:{erasure_request.pk}"
    admins = (
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .exclude(pk=erasure_request.user_id)
        .order_by("pk")
    )
    context = {
        "erasure_request": erasure_request,
        "requester": erasure_request.user,
        "url": _url("privacy:request", erasure_request.pk),
    }

    def deliver(admin) -> bool:
        row = claim_row(Dispatch, topic=topic, user=admin)
        if row is None:
            return False
        email_send(
            template="privacy_request_filed",
            to=[admin.email],
            language=admin.language,
            context={"recipient": admin, **context},
        )
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
        return True

    result = fan_out(admins, deliver, what="erasure request notice")
    if not result.failed:
        claim_once(ErasureRequest.objects.filter(pk=request_id), field="filed_notice_sent_at")
    return result.sent


def decision_notice_send(*, request_id: int) -> bool:
    """Tell the person the decision, once; False when there is nothing to send."""
    with transaction.atomic():
        decided = (
            ErasureRequest.objects.filter(pk=request_id)
            .exclude(status=ErasureRequest.Status.PENDING)
            .exclude(notify_email="")
        )
        if not claim_once(decided, field="decision_sent_at"):
            return False
        erasure_request = ErasureRequest.objects.get(pk=request_id)
        email_send(
            template="privacy_decided",
            to=[erasure_request.notify_email],
            language=erasure_request.notify_language,
            context={
                "erasure_request": erasure_request,
                "accepted": erasure_request.status == ErasureRequest.Status.ACCEPTED,
                "notice_url": _url("privacy:notice"),
                "my_data_url": _url("privacy:my_data"),
            },
        )
        erasure_request.notify_email = ""
        erasure_request.save(update_fields=["notify_email"])
    return True


def notices_due(*, now: dt.datetime | None = None) -> tuple[list[int], list[int]]:
    """(requests whose admins' notice, requests whose decision notice, was lost)."""
    before = (now or timezone.now()) - RETRY_AFTER
    filed = (
        ErasureRequest.objects.pending()
        .filter(filed_notice_sent_at__isnull=True, created_at__lt=before)
        .values_list("pk", flat=True)
    )
    decided = (
        ErasureRequest.objects.filter(decision_sent_at__isnull=True, decided_at__lt=before)
        .exclude(notify_email="")
        .values_list("pk", flat=True)
    )
    return list(filed), list(decided)
