"""What the agreement's views share: the client's address, redirects, refusals."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from agreements.models import AgreementVersion
from core.client_ip import client_ip
from core.errors import ServiceError


def client_of(request: HttpRequest) -> dict:
    """The client as core.client_ip trusts it: X-Forwarded-For only as written by the
    TRUSTED_PROXY_COUNT proxies in front, never as the client typed it."""
    return {
        "ip": client_ip(request) or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:500],
    }


def to_version(version: AgreementVersion, name: str = "agreements:version") -> HttpResponseRedirect:
    return redirect(name, slug=version.agreement.network.slug, number=version.number)


def flash(request: HttpRequest, refusal: ServiceError) -> None:
    """A service's refusal, for a page that redirects (a button without a form)."""
    for message in refusal.messages:
        messages.error(request, message)


def refuse(form: forms.Form, refusal: ServiceError) -> None:
    """A service's refusal, beside the form that asked (the page then answers 422)."""
    for message in refusal.messages:
        form.add_error(None, message)
