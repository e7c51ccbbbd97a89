"""Erasure on request (PDPA section 33): the person asks, a site admin decides.

Accepting runs every holding's ``erase`` of the registry (privacy.registry) in one
transaction: the person's entry and login carry a neutral name, contact details are
blank, their roles end, sign-ins and notices are deleted, the login is closed and its
addresses are free to be used again. What a signed agreement or an accepted report
must keep stays as it was (the holdings say why). The decision is claimed with a
conditional UPDATE, so accepting twice does nothing more.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.delivery import claim_once
from core.errors import ServiceError
from core.queue import enqueue
from privacy import registry
from privacy.models import ErasureRequest
from privacy.selectors import subject_for

REASON_MAX = 2000


class ErasurePending(ServiceError):
    code = "erasure_pending"


def erasure_request_file(*, user, reason: str) -> ErasureRequest:
    """File the person's request; the site admins are told by email."""
    message = _("Your request is already waiting for a decision.")
    if ErasureRequest.objects.pending().filter(user=user).exists():
        raise ErasurePending(message)
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                user=user,
                reason=reason.strip()[:REASON_MAX],
                notify_language=user.language,
            )
    except IntegrityError:  # a second click that raced the first
        raise ErasurePending(message) from None
    enqueue("privacy.tasks.request_filed_notice", request.pk)
    return request


def person_erase(*, user) -> dict[str, int]:
    """Anonymise ``user`` everywhere through the registry; rows changed per holding.
    Safe to run again: every holding's erase leaves an erased person as it is."""
    subject = subject_for(user, erasing=True)
    counts = {}
    for holding in registry.holdings():
        if holding.erase is not None:
            counts[holding.key] = holding.erase(subject)
    return counts


def _decide(erasure_request: ErasureRequest, *, status: str, user, note: str) -> bool:
    """Claim the decision (decided_at from empty, while still pending); False when it
    was already decided."""
    pending = ErasureRequest.objects.filter(
        pk=erasure_request.pk, status=ErasureRequest.Status.PENDING
    )
    if not claim_once(pending, field="decided_at"):
        return False
    erasure_request.refresh_from_db()
    login = erasure_request.user
    erasure_request.status = status
    erasure_request.decided_by = user
    erasure_request.decision_note = note.strip()[:REASON_MAX]
    # Where the decision goes: read now, since an accepted erasure removes the address.
    erasure_request.notify_email = login.email if login is not None and login.is_active else ""
    erasure_request.notify_language = getattr(login, "language", erasure_request.notify_language)
    return True


@transaction.atomic
def erasure_accept(*, erasure_request: ErasureRequest, user, note: str = "") -> bool:
    """Erase the person's data; False (and nothing done) when already decided."""
    if not _decide(erasure_request, status=ErasureRequest.Status.ACCEPTED, user=user, note=note):
        return False
    erasure_request.save()
    if erasure_request.user is not None:
        person_erase(user=erasure_request.user)
    erasure_request.erased_at = timezone.now()
    erasure_request.save(update_fields=["erased_at"])
    enqueue("privacy.tasks.decision_notice", erasure_request.pk)
    return True


@transaction.atomic
def erasure_decline(*, erasure_request: ErasureRequest, user, note: str) -> bool:
    """Decline with a note the person reads; False when already decided."""
    if not _decide(erasure_request, status=ErasureRequest.Status.DECLINED, user=user, note=note):
        return False
    erasure_request.save()
    enqueue("privacy.tasks.decision_notice", erasure_request.pk)
    return True
