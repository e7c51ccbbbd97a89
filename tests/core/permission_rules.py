from __future__ import annotations

from tests.security.rules import LOGIN, Rule, public

RULES = {
    "home": Rule(
        url=lambda cast: "/",
        expect=dict.fromkeys(
            ("coordinator", "chair", "partner", "other_partner", "site_admin"), 302
        )
        | {"anonymous": LOGIN},
    ),
    "healthz": Rule(url=lambda cast: "/healthz", expect=public(200)),
    "set_language": Rule(
        url=lambda cast: "/language/",
        method="post",
        data=lambda cast: {"language": "en", "next": "/"},
        expect=public(302),
    ),
}
