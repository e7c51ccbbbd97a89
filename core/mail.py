"""Emails: one helper builds every message from a subject/text/html template trio."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.template.loader import render_to_string
from django.utils import translation


class FileAndConsoleBackend(FileBackend):
    """Zero-setup email: each message is written under var/mail/ and echoed to the console."""

    def write_message(self, message) -> None:
        super().write_message(message)
        msg = message.message()
        sys.stdout.write(f"[mail] to={', '.join(message.recipients())} subject={msg['Subject']}\n")


def email_send(
    *,
    template: str,
    to: Sequence[str],
    context: dict,
    language: str | None = None,
    reply_to: Sequence[str] | None = None,
) -> int:
    """Render templates/emails/<template>_{subject,body}.txt and _body.html and send.

    Rendering happens in the recipient's language; SITE_URL is in the context so
    links in the message are absolute.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=list(to),
        reply_to=list(reply_to or []),
    )
    message.attach_alternative(html, "text/html")
    return message.send()
