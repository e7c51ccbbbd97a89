"""What privacy holds about a person, and core's "sent once" rows (core has no
personal_data module of its own: it is the ground and declares nothing).

Sign-in records go on an accepted erasure and after the retention period. An erasure
request stays as the record of the decision; it holds no name, and the reason the
person gave is blanked once the erasure is done. core.Dispatch rows
are the claims that stop a message going twice: thinned after the retention period,
and never sooner than ``DISPATCH_FLOOR_DAYS`` (the close-out sweep looks back a week
for notices still to send; a month is far past it).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import Dispatch

from .models import ErasureRequest, SignIn

DISPATCH_FLOOR_DAYS = 30


def _delete(queryset) -> int:
    deleted, _ = queryset.delete()
    return deleted


def _dispatch_thin(cutoff) -> int:
    limit = min(cutoff, timezone.now() - dt.timedelta(days=DISPATCH_FLOOR_DAYS))
    return _delete(Dispatch.objects.filter(sent_at__isnull=False, sent_at__lt=limit))


HOLDINGS = (
    {
        "model": SignIn,
        "rows": lambda subject: SignIn.objects.filter(user_id=subject.user_id),
        "fields": ("at", "ip", "user_agent"),
        "erase": lambda subject: _delete(SignIn.objects.filter(user_id=subject.user_id)),
        "thin": lambda cutoff: _delete(SignIn.objects.filter(at__lt=cutoff)),
    },
    {
        "model": ErasureRequest,
        "rows": lambda subject: ErasureRequest.objects.filter(user_id=subject.user_id),
        "fields": ("created_at", "status", "reason", "decided_at", "decision_note", "erased_at"),
        "erase": lambda subject: (
            ErasureRequest.objects.filter(user_id=subject.user_id)
            .exclude(reason="")
            .update(reason="")
        ),
        "kept": "site_record",
    },
    {
        "model": Dispatch,
        "rows": lambda subject: Dispatch.objects.filter(user_id=subject.user_id),
        "fields": ("topic", "claimed_at", "sent_at"),
        "kept": "delivery_claim",
        "thin": _dispatch_thin,
    },
)
