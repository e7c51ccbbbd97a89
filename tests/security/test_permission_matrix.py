"""Every URL pattern of our apps against every role of the cast.

Rules live beside each app's tests (tests/<app>/permission_rules.py). A URL
without a rule fails ``test_every_url_has_a_rule``.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import CAST
from tests.security.rules import LOGIN

RULE_MODULES = ("core", "network", "agreements", "roadmap", "reports", "privacy")
# Third-party URL trees with their own permission systems.
EXCLUDED_PREFIXES = ("admin:", "account_", "mfa_", "socialaccount_", "headless")


def _rules() -> dict:
    rules: dict = {}
    for app in RULE_MODULES:
        module = f"tests.{app}.permission_rules"
        if find_spec(module):
            rules.update(import_module(module).RULES)
    return rules


RULES = _rules()


def _names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            inner = f"{namespace}{ns}:" if ns else namespace
            names |= _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return {n for n in names if not n.startswith(EXCLUDED_PREFIXES)}


def test_every_url_has_a_rule():
    missing = sorted(_names() - set(RULES))
    assert not missing, f"URL patterns without a permission rule: {missing}"


def test_no_rule_for_a_url_that_does_not_exist():
    stale = sorted(set(RULES) - _names())
    assert not stale, f"permission rules for unknown URLs: {stale}"


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("name", sorted(RULES))
def test_permission_matrix(cast, name, who, settings):
    rule = RULES[name]
    for key, value in rule.settings.items():
        setattr(settings, key, value)
    url = rule.url(cast)
    client = cast.client(who)
    data = rule.data(cast) if rule.data else {}
    response = getattr(client, rule.method)(url, data=data, **rule.headers)
    expected = rule.expect[who]
    if expected == LOGIN:
        assert response.status_code == 302, f"{name} as {who}: {response.status_code}"
        assert "/accounts/login/" in response["Location"], f"{name} as {who}"
    else:
        assert response.status_code == expected, (
            f"{name} as {who}: expected {expected}, got {response.status_code}"
        )
