"""LINE linking and delivery: the writes behind the linking page, the webhook and the pushes.

* ``line_code_issue`` — a one-time code for one login (a few minutes, used once).
* ``line_webhook_handle`` — verified events: a text holding a valid code links that
  LINE user id to the code's login; ``unfollow`` removes the link. Each event is
  handled once (its ``webhookEventId`` under a unique constraint) and only while fresh.
* ``line_unlink`` — the person's "Unlink".
* ``line_delivery_push`` — one push, leased (``core.delivery.claim_lease``) and sent
  with the row's retry key; 429/5xx leave it for a retry, a blocked or unknown person
  is unlinked and gets the message by email instead.
* ``line_deliveries_due`` — what the beat sweep queues again.
* ``channel_choices_save`` — the person's channel per kind of message.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .delivery import claim_lease, claim_once, claim_row
from .line import Outcome, line_push_text, line_reply_text
from .mail import email_send
from .models import ChannelChoice, LineDelivery, LineLink, LineLinkCode, LineWebhookEvent

log = logging.getLogger(__name__)

CODE_MINUTES = 10
# An event older than this is not acted on (LINE redelivers within minutes).
EVENT_MAX_AGE = dt.timedelta(minutes=5)


def line_code_issue(*, user, now: dt.datetime | None = None) -> LineLinkCode:
    """A fresh code for ``user``; earlier unused codes of theirs stop working."""
    now = now or timezone.now()
    with transaction.atomic():
        LineLinkCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        return LineLinkCode.objects.create(
            user=user, expires_at=now + dt.timedelta(minutes=CODE_MINUTES)
        )


def line_unlink(*, user) -> bool:
    return LineLink.objects.filter(user=user).delete()[0] > 0


@dataclass
class Reply:
    token: str
    text: str


def line_link_by_code(*, line_user_id: str, code: str, now: dt.datetime) -> str:
    """Link ``line_user_id`` to the login whose code this is: "linked", "taken" or "bad-code"."""
    code = code.strip().upper().replace(" ", "")
    usable = LineLinkCode.objects.filter(code=code, expires_at__gt=now)
    found = usable.filter(used_at__isnull=True).select_related("user").first()
    if found is None or not found.user.is_active:
        return "bad-code"
    taken = LineLink.objects.filter(line_user_id=line_user_id).exclude(user=found.user).exists()
    if taken:
        return "taken"
    if not claim_once(LineLinkCode.objects.filter(pk=found.pk), field="used_at", now=now):
        return "bad-code"
    LineLink.objects.update_or_create(user=found.user, defaults={"line_user_id": line_user_id})
    return "linked"


def _answer(outcome: str, user_language: str | None) -> str:
    with override(user_language or settings.LANGUAGE_CODE):
        return {
            "linked": _("Linked: Khruakhai will send your reminders here."),
            "taken": _("This LINE account is already linked to another Khruakhai login."),
            "bad-code": _("That code is not valid. Open Khruakhai, LINE page, for a new code."),
        }[outcome]


def _event_fresh(event, now: dt.datetime) -> bool:
    sent = dt.datetime.fromtimestamp(event.timestamp / 1000, tz=dt.UTC)
    return now - EVENT_MAX_AGE <= sent <= now + dt.timedelta(minutes=1)


def line_webhook_handle(*, events: list, now: dt.datetime | None = None) -> list[Reply]:
    """Act on verified events, each once and only while fresh; the replies to send."""
    from linebot.v3.webhooks import (  # noqa: PLC0415 - the SDK loads where LINE is spoken (core.line)
        MessageEvent,
        TextMessageContent,
        UnfollowEvent,
    )

    now = now or timezone.now()
    replies: list[Reply] = []
    for event in events:
        event_id = getattr(event, "webhook_event_id", None)
        user_id = getattr(getattr(event, "source", None), "user_id", None)
        if not event_id or not user_id or not _event_fresh(event, now):
            continue
        with transaction.atomic():
            if claim_row(LineWebhookEvent, event_id=event_id) is None:
                continue  # a replay
            if isinstance(event, UnfollowEvent):
                LineLink.objects.filter(line_user_id=user_id).delete()
            elif isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent):
                outcome = line_link_by_code(line_user_id=user_id, code=event.message.text, now=now)
                link = LineLink.objects.filter(line_user_id=user_id).select_related("user").first()
                language = link.user.language if link else None
                replies.append(Reply(event.reply_token, _answer(outcome, language)))
    return replies


def line_replies_send(replies: list[Reply]) -> None:
    for reply in replies:
        if reply.token:
            line_reply_text(reply_token=reply.token, text=reply.text)


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LINE_CLAIM_STALE_SECONDS)


def line_webhook_events_thin(*, now: dt.datetime | None = None) -> int:
    """Forget handled event ids after a day: an older event is refused by its age anyway."""
    now = now or timezone.now()
    old = LineWebhookEvent.objects.filter(received_at__lt=now - dt.timedelta(days=1))
    return old.delete()[0]


def line_deliveries_due(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Rows not sent nor given up, never claimed or claimed by a worker long gone."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    due = LineDelivery.objects.filter(sent_at__isnull=True, failed_at__isnull=True).filter(
        Q(claimed_at__isnull=True, created_at__lt=cutoff) | Q(claimed_at__lt=cutoff)
    )
    return list(due.order_by("id").values_list("id", flat=True)[:limit])


def line_delivery_push(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Push one row: "sent", "retry", "unlinked" or "not-mine" (sent, given up or leased)."""
    now = now or timezone.now()
    open_row = LineDelivery.objects.filter(
        id=delivery_id, sent_at__isnull=True, failed_at__isnull=True
    )
    token = claim_lease(open_row, now=now, stale_after=stale_after())
    if token is None:
        return "not-mine"
    row = LineDelivery.objects.select_related("user").get(id=delivery_id)
    mine = LineDelivery.objects.filter(id=delivery_id, claim_token=token)
    link = LineLink.objects.filter(user=row.user).first()
    if link is None or not settings.LINE_CHANNEL_ACCESS_TOKEN:
        # Unlinked since (or LINE switched off): the message goes by email instead.
        with transaction.atomic():
            if mine.filter(failed_at__isnull=True).update(failed_at=now, last_error="not linked"):
                _fallback_email(row, unlinked=False)
        return "unlinked"
    result = line_push_text(to=link.line_user_id, text=row.text, retry_key=str(row.retry_key))
    attempts = row.attempts + 1
    if result.outcome is Outcome.DELIVERED:
        mine.update(sent_at=timezone.now(), attempts=attempts, last_error="")
        return "sent"
    if result.outcome is Outcome.RETRY:
        # Let go of the lease so the retry (or the sweep) takes it again, same key.
        mine.update(claimed_at=None, claim_token="", attempts=attempts, last_error=result.error)
        log.warning("LINE push %s to retry: %s", delivery_id, result.error)
        return "retry"
    with transaction.atomic():
        changed = mine.filter(failed_at__isnull=True).update(
            failed_at=now, attempts=attempts, last_error=result.error
        )
        if changed:
            LineLink.objects.filter(pk=link.pk).delete()
            _fallback_email(row, unlinked=True)
    return "unlinked"


def _fallback_email(row: LineDelivery, *, unlinked: bool) -> None:
    """The message by email (unless it went by email too), saying LINE was unlinked."""
    user = row.user
    if not user.email or (row.email_sent and not unlinked):
        return
    email_send(
        template="core_line_fallback",
        to=[user.email],
        language=user.language,
        context={
            "recipient": user,
            "unlinked": unlinked,
            "text": "" if row.email_sent else row.text,
        },
    )


def channel_choices_save(*, user, choices: dict[str, str]) -> None:
    """Record the person's channel per kind (email stays the default)."""
    with transaction.atomic():
        for kind, channel in choices.items():
            ChannelChoice.objects.update_or_create(
                user=user, kind=kind, defaults={"channel": channel}
            )
