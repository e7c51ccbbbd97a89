"""CSP and the other security headers on every page the cast can open."""

from __future__ import annotations

import pytest

from tests.security.test_permission_matrix import RULES

PAGES = sorted(
    name
    for name, rule in RULES.items()
    if rule.method == "get" and rule.expect.get("coordinator") == 200
)


def _assert_security_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("name", PAGES)
def test_security_headers_on_every_page(cast, name, settings):
    rule = RULES[name]
    for key, value in rule.settings.items():
        setattr(settings, key, value)
    response = cast.client("coordinator").get(rule.url(cast))
    assert response.status_code == 200
    _assert_security_headers(response)


@pytest.mark.django_db
def test_security_headers_on_login_and_error_pages(client):
    _assert_security_headers(client.get("/accounts/login/"))
    _assert_security_headers(client.get("/no-such-page/"))


@pytest.mark.django_db
def test_hsts_and_secure_cookies_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
