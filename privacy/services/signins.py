"""The sign-in history: one row per sign-in."""

from __future__ import annotations

from django.http import HttpRequest

from core.client_ip import client_ip
from privacy.models import USER_AGENT_MAX, SignIn


def signin_record(*, user, request: HttpRequest | None) -> SignIn:
    """Record a sign-in: the client's address as the app may trust it (core.client_ip)
    and the browser string, cut to a length that still tells one device from another."""
    ip = client_ip(request) if request is not None else ""
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return SignIn.objects.create(
        user=user, ip=ip or None, user_agent=" ".join(agent.split())[:USER_AGENT_MAX]
    )
