"""One entry point for a message to a person: by email, by LINE, or both, as they chose.

``person_notify`` is called where an app used to call ``core.mail.email_send`` for a
login, after the app's own claim and rules (opt-out, weekly cap, quiet hours, digest)
decided the person gets this message: those rules are the person's, not the channel's.
It then sends the email (as before, inside the caller's transaction) and/or inserts a
``LineDelivery`` row (claimed once per topic and login) whose push
``core.tasks.line_push`` makes after commit. LINE chosen but not linked, or LINE not
configured, means email.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import translation

from .delivery import claim_row
from .line import line_enabled
from .mail import email_send
from .models import ChannelChoice, LineDelivery, LineLink
from .queue import enqueue

Kind = ChannelChoice.Kind
Channel = ChannelChoice.Channel


def channel_for(*, user, kind: str) -> str:
    """The channel ``user`` gets ``kind`` by now: their choice, LINE only when linked."""
    if not line_enabled():
        return Channel.EMAIL
    choice = ChannelChoice.objects.filter(user=user, kind=kind).values_list("channel", flat=True)
    chosen = choice.first() or Channel.EMAIL
    if chosen != Channel.EMAIL and not LineLink.objects.filter(user=user).exists():
        return Channel.EMAIL
    return chosen


def line_text(*, kind: str, template: str, context: dict, url: str, language: str | None) -> str:
    """``templates/line/<kind>.txt`` in the person's language: short, with the link.

    The email's subject line (already in both languages) is its headline, ``subject``."""
    context = {"site_url": settings.SITE_URL, **context, "url": url}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        context["subject"] = " ".join(subject.split())
        text = render_to_string(f"line/{kind}.txt", context)
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def person_notify(*, user, kind: str, topic: str, template: str, context: dict, url: str) -> str:
    """Send ``kind`` to ``user`` the way they chose; the channel used ("email", "line", "both").

    ``template`` is the email's (``templates/emails/<template>_*``); ``topic`` names the
    message once per login ("agreements:sign:12") so its LINE push is claimed once.
    """
    channel = channel_for(user=user, kind=kind)
    email = channel in (Channel.EMAIL, Channel.BOTH) and bool(user.email)
    if channel in (Channel.LINE, Channel.BOTH):
        text = line_text(
            kind=kind, template=template, context=context, url=url, language=user.language
        )
        row = claim_row(
            LineDelivery, topic=topic[:100], user=user, kind=kind, text=text, email_sent=email
        )
        if row is not None:
            enqueue("core.tasks.line_push", row.pk)
    if email:
        email_send(template=template, to=[user.email], context=context, language=user.language)
    return channel


def channel_choices_of(*, user) -> dict[str, str]:
    """Every kind with the person's channel for it (email where they chose nothing)."""
    chosen = dict(ChannelChoice.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, Channel.EMAIL) for kind in Kind.values}


def delivery_reach(users) -> dict[str, int]:
    """Of ``users`` (a queryset of logins): how many LINE reaches, email only, neither."""
    return users.aggregate(
        by_line=Count("pk", filter=Q(line_link__isnull=False)),
        email_only=Count("pk", filter=Q(line_link__isnull=True) & ~Q(email="")),
        neither=Count("pk", filter=Q(line_link__isnull=True, email="")),
    )


def delivery_failures(users, *, limit: int = 5) -> list[LineDelivery]:
    """The latest LINE pushes to ``users`` that failed or are being retried."""
    failing = LineDelivery.objects.filter(user__in=users).exclude(last_error="")
    return list(failing.filter(sent_at__isnull=True).select_related("user")[:limit])
