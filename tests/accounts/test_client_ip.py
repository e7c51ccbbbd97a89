"""core.client_ip: the client address the login throttles and the signing audit share."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.client_ip import client_ip


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        # No proxy declared: the header is the client's own words.
        (0, "203.0.113.5", "192.0.2.1", "203.0.113.5"),
        # One proxy: the entry it appended; whatever the client wrote before it is ignored.
        (1, "10.0.0.2", "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "10.0.0.3", "192.0.2.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        # Fewer entries than proxies: the request skipped them; only the peer is known.
        (2, "10.0.0.3", "203.0.113.5", "10.0.0.3"),
        (1, "10.0.0.2", None, "10.0.0.2"),
        # Ports and brackets are dropped; IPv6 is written one way.
        (1, "10.0.0.2", "[2001:DB8::1]:443", "2001:db8::1"),
        (1, "10.0.0.2", "203.0.113.5:51234", "203.0.113.5"),
        # Not an address (a count set too high reaches client text): the peer, not the text.
        (1, "10.0.0.2", "'; DROP TABLE x; --", "10.0.0.2"),
        (0, "not-an-address", None, ""),
    ],
)
def test_client_ip(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request(remote, forwarded)) == expected


def test_allauth_reads_the_same_proxy_count(settings):
    """allauth 65 reads ALLAUTH_TRUSTED_PROXY_COUNT itself (allauth.app_settings); the
    settings set it from TRUSTED_PROXY_COUNT, so its own answer agrees with ours (its
    rate limits ask our adapter, accounts.adapter.AccountAdapter.get_client_ip)."""
    from allauth.account.adapter import get_adapter
    from allauth.core.internal.httpkit import get_client_ip as allauth_client_ip
    from django.conf import settings as live

    assert live.ALLAUTH_TRUSTED_PROXY_COUNT == live.TRUSTED_PROXY_COUNT
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = _request("10.0.0.2", "192.0.2.1, 203.0.113.5")
    assert allauth_client_ip(request) == client_ip(request) == "203.0.113.5"
    assert get_adapter().get_client_ip(request) == "203.0.113.5"
    # Where allauth would raise ImproperlyConfigured (a 500 any client could cause by
    # sending no header), ours answers with the peer.
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert get_adapter().get_client_ip(_request("10.0.0.3", "203.0.113.5")) == "10.0.0.3"
