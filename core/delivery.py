"""One delivery discipline: claim the work in the database, then send, then record.

Every email and notice the apps send goes through these helpers, so "sent once" is
written one way:

* ``claim_once`` — a conditional UPDATE sets a timestamp that is still empty; the
  caller that changed the row owns the send. Used for one-off messages tied to a row
  (an invitation, a join request's notice, a progress update's notice, a signing
  request, a signed-agreement notice).
* ``claim_row`` — inserting a row that a unique constraint keeps single (a reminder's
  sequence, a ``core.Dispatch`` per topic and login). Used where there is no row to
  mark yet.
* ``claim_lease`` — a conditional UPDATE that takes rows never claimed or claimed
  longer ago than a stale limit, with a token; the holder then locks the row, checks
  its token, records ``sent_at`` and sends in that one transaction. Used for the
  scheduled report reminders and digests, where a worker killed mid-send must not
  block the row for ever.
* ``fan_out`` — deliver to many, each in its own transaction: one failure rolls back
  only its own claim (the next sweep retries it) and the others go on.

At-most-once or at-least-once is decided by where the claim commits. A claim made
inside the transaction that sends (``with transaction.atomic(): claim; send``) is
rolled back when the send raises, so the message is retried: at-least-once for a
process killed between the mail server's acceptance and the commit (a window of
milliseconds). A claim committed in its own transaction before the send is
at-most-once: a send that fails after it is not retried. Which kind uses which:

==========================================  ==============  ======================
kind                                        claim           delivery
==========================================  ==============  ======================
invitation email (network)                  claim_once      at-least-once
join request notice and decision (network)  claim_once      at-least-once
progress update notice (roadmap)            claim_once      at-least-once
signing request, signed notice (agreements) claim_once      at-least-once
signing reminder (agreements)               claim_row       at-most-once
renewal notice (agreements)                 claim_once      at-least-once
report reminders, escalations (reports)     claim_lease     at-least-once
weekly digest (reports)                     claim_lease     at-least-once
close-out notice (reports)                  claim_row       at-least-once
erasure decisions and notices (privacy)     claim_once/row  at-least-once
LINE pushes (core.line)                     claim_lease     exactly once at LINE:
                                                            the row's retry key
                                                            makes a retried push
                                                            a no-op
==========================================  ==============  ======================
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

log = logging.getLogger(__name__)

T = TypeVar("T")


def claim_once(queryset: QuerySet, *, field: str, now: dt.datetime | None = None) -> bool:
    """Set ``field`` to now where it is still empty; True when this caller changed a row.

    ``queryset`` names the one row (``Invitation.objects.filter(pk=…)``) and any
    further condition the claim depends on (``status=…``), checked in the same UPDATE.
    """
    changed = queryset.filter(**{f"{field}__isnull": True}).update(**{field: now or timezone.now()})
    return changed > 0


def claim_row(model: type[models.Model], **fields) -> models.Model | None:
    """Insert the row a unique constraint keeps single; None when another caller has it.

    Runs in a savepoint, so losing the race does not spoil the caller's transaction.
    """
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        return None


def claim_lease(
    queryset: QuerySet,
    *,
    now: dt.datetime,
    stale_after: dt.timedelta,
    claimed_field: str = "claimed_at",
    token_field: str = "claim_token",  # noqa: S107 - a column name, not a secret
    **also,
) -> str | None:
    """Take rows never claimed or claimed before ``now - stale_after``; the token when
    this caller now holds them. ``also`` is written in the same UPDATE (e.g. a counter).
    """
    token = secrets.token_hex(16)
    never = Q(**{f"{claimed_field}__isnull": True})
    free = never | Q(**{f"{claimed_field}__lt": now - stale_after})
    changed = queryset.filter(free).update(**{claimed_field: now, token_field: token, **also})
    return token if changed else None


@dataclass
class Delivered:
    """What a fan-out did: how many were sent, skipped (not ours or not due) and failed."""

    sent: int = 0
    skipped: int = 0
    failed: list[object] = field(default_factory=list)


def fan_out(items: Iterable[T], deliver: Callable[[T], bool], *, what: str) -> Delivered:
    """Call ``deliver(item)`` for each item in its own transaction.

    ``deliver`` claims, sends and records, returning False when it had nothing to do
    (another worker held the claim). An exception rolls back that item's claim, is
    logged, and the others still go; the next sweep retries the failed ones.
    """
    result = Delivered()
    for item in items:
        try:
            with transaction.atomic():
                done = deliver(item)
        except Exception:
            log.exception("Delivering %s to %r failed; the next sweep retries it.", what, item)
            result.failed.append(item)
            continue
        if done:
            result.sent += 1
        else:
            result.skipped += 1
    return result
