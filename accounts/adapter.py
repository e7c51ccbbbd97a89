from __future__ import annotations

import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from core.client_ip import client_ip

APP = "allauth.account"


def _login_of(credentials: dict[str, Any]) -> str:
    return (credentials.get("email") or credentials.get("username") or "").strip().lower()


def _known_key(login: str, source: str) -> str:
    digest = hashlib.sha256(f"{login}|{source}".encode()).hexdigest()
    return f"accounts:login-known:{digest}"


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation into a network, never by open sign-up.

    Failed logins are limited per source, not per account alone (ACCOUNT_RATE_LIMITS
    in config/settings.py says why and how much): anyone can type someone else's
    email, so an account-wide limit alone hands every stranger a way to lock its
    owner out.
    """

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        # One answer for the whole app (core.client_ip): the signing audit trail and
        # these throttles agree, and a short X-Forwarded-For falls back to the peer
        # instead of allauth's ImproperlyConfigured (a 500 any client could cause).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        login = _login_of(credentials)
        source = ratelimit.get_ip(request)
        usage = ratelimit.consume(request, app=APP, action="login_failed", key=f"{login}|{source}")
        if usage and not cache.get(_known_key(login, source)):
            # The account-wide ceiling, for guessing spread over many addresses. An
            # address this account has logged in from before is exempt, so an attacker
            # elsewhere cannot lock the owner out of their usual place.
            account = ratelimit.consume(request, app=APP, action="login_failed_account", key=login)
            if account:
                usage.usage.extend(account.usage)
            else:
                usage = None
        # allauth's authenticate() rolls this back when the password was right.
        self._login_failed_rl_usage = usage
        if not usage:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any):
        user = super().authenticate(request, **credentials)
        if user is not None:
            cache.set(
                _known_key(_login_of(credentials), ratelimit.get_ip(request)),
                True,
                settings.LOGIN_KNOWN_SOURCE_DAYS * 24 * 3600,
            )
        return user

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials) -> None:
        # allauth calls this after a password reset, which proves the mailbox: lift the
        # account-wide ceiling and this address's own count for the account.
        login = _login_of(credentials)
        source = ratelimit.get_ip(request)
        ratelimit.clear(request, app=APP, action="login_failed", key=f"{login}|{source}")
        ratelimit.clear(request, app=APP, action="login_failed_account", key=login)
