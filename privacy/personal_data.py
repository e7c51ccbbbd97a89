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

from core.models import ChannelChoice, Dispatch, LineDelivery, LineLink, LineLinkCode

from .models import ErasureRequest, SignIn

DISPATCH_FLOOR_DAYS = 30


def _delete(queryset) -> int:
    deleted, _ = queryset.delete()
    return deleted


def _dispatch_thin(cutoff) -> int:
    limit = min(cutoff, timezone.now() - dt.timedelta(days=DISPATCH_FLOOR_DAYS))
    return _delete(Dispatch.objects.filter(sent_at__isnull=False, sent_at__lt=limit))


def _line_delivery_thin(cutoff) -> int:
    """LINE messages done with (sent, or given up for email) after the retention period;
    never sooner than the dispatch floor (the sweep looks back for unsent ones)."""
    limit = min(cutoff, timezone.now() - dt.timedelta(days=DISPATCH_FLOOR_DAYS))
    done = LineDelivery.objects.filter(created_at__lt=limit).exclude(
        sent_at__isnull=True, failed_at__isnull=True
    )
    return _delete(done)


def _of(model):
    """A holding of core's LINE rows (issue 16): exported, deleted on erasure."""
    return lambda subject: model.objects.filter(user_id=subject.user_id)


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
    {
        "model": LineLink,
        "rows": _of(LineLink),
        "fields": ("line_user_id", "linked_at"),
        "erase": lambda subject: _delete(_of(LineLink)(subject)),
    },
    {
        "model": LineLinkCode,
        "rows": _of(LineLinkCode),
        "fields": ("created_at", "expires_at", "used_at"),
        "erase": lambda subject: _delete(_of(LineLinkCode)(subject)),
        "thin": lambda cutoff: _delete(LineLinkCode.objects.filter(expires_at__lt=cutoff)),
    },
    {
        "model": ChannelChoice,
        "rows": _of(ChannelChoice),
        "fields": ("kind", "channel"),
        "erase": lambda subject: _delete(_of(ChannelChoice)(subject)),
    },
    {
        "model": LineDelivery,
        "rows": _of(LineDelivery),
        "fields": ("topic", "created_at", "sent_at", "failed_at"),
        "erase": lambda subject: _delete(_of(LineDelivery)(subject)),
        "thin": _line_delivery_thin,
    },
)
