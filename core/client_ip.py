"""The client's address as the app may trust it.

Behind ``TRUSTED_PROXY_COUNT`` proxies that each append the address they saw to
X-Forwarded-For, the client is the entry that many places from the right: anything
further left was written by the client and proves nothing. With no proxy
configured the header is ignored and REMOTE_ADDR is the client.

Everything that keys on the client uses this one function: the signing audit trail
(agreements) and allauth's login throttles (accounts.adapter.AccountAdapter).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str:
    """The address in canonical form, or "" when it is not one (ports dropped)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # Fewer hops than proxies: the request did not come through them all, so
        # the header may be the client's own; the peer is all we know.
        return remote
    # Our proxy wrote this entry; if it is not an address (a misconfigured count
    # reaching into client-written text), fall back to the peer rather than store it.
    return _address(forwarded[-count]) or remote
