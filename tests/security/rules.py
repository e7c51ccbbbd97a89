"""The permission matrix's vocabulary.

Every named URL of our apps has a Rule in ``tests/<app>/permission_rules.py``
(``RULES: dict[str, Rule]``, keyed by "namespace:name"). The matrix test requests
each URL as each member of the cast and compares the status code, so a new view
without a rule, or a rule that does not hold, fails the suite.

Expected outcomes per role: an int status code, or LOGIN for "redirected to the
login page" (what anonymous visitors get from login-protected views).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

LOGIN = "login"


@dataclass(frozen=True)
class Rule:
    # Builds the path to request; may create objects with factories first.
    url: Callable
    expect: dict[str, int | str]
    method: str = "get"
    # Form data for POST rules (may be empty: the check is about who gets in).
    data: Callable | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Settings the URL needs (e.g. LINE configured), applied for the request only.
    settings: dict[str, object] = field(default_factory=dict)


def members(ok: int = 200) -> dict[str, int | str]:
    """Readable by everyone in the network; a 404 for outsiders."""
    return {
        "coordinator": ok,
        "chair": ok,
        "partner": ok,
        "site_admin": ok,
        "other_partner": 404,
        "anonymous": LOGIN,
    }


def managers(ok: int = 200) -> dict[str, int | str]:
    """Coordinators (and site admins) only; other members 403, outsiders 404."""
    return {
        "coordinator": ok,
        "site_admin": ok,
        "chair": 403,
        "partner": 403,
        "other_partner": 404,
        "anonymous": LOGIN,
    }


def overseers(ok: int = 200) -> dict[str, int | str]:
    """Coordinators, the chair and the committee; partners 403, outsiders 404."""
    return {
        "coordinator": ok,
        "site_admin": ok,
        "chair": ok,
        "partner": 403,
        "other_partner": 404,
        "anonymous": LOGIN,
    }


def logged_in(ok: int = 200) -> dict[str, int | str]:
    """Any logged-in user (pages about oneself, such as "my networks")."""
    return {role: ok for role in ROLES if role != "anonymous"} | {"anonymous": LOGIN}


def public(ok: int = 200) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, ok)


ROLES = ("coordinator", "chair", "partner", "other_partner", "site_admin", "anonymous")
