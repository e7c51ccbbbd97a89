from __future__ import annotations

from tests.security.rules import Rule, logged_in, members

RULES = {
    "network:my_networks": Rule(url=lambda cast: "/networks/", expect=logged_in()),
    "network:detail": Rule(url=lambda cast: f"/networks/{cast.network.slug}/", expect=members()),
}
