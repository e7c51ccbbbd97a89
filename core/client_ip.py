"""The client's address as the app may trust it.

Behind ``TRUSTED_PROXY_COUNT`` proxies that each append the address they saw to
X-Forwarded-For, the client is the entry that many places from the right: anything
further left was written by the client and proves nothing. With no proxy
configured the header is ignored and REMOTE_ADDR is the client.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
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
    return forwarded[-count]
