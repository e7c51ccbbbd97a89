from __future__ import annotations

from django import template

from roadmap.catalogue import HEALTH_ITEMS
from roadmap.selectors import wins_recent

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, None when missing (dicts keyed by code or id)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def health_rows(response):
    """(item, score) for the 12 items, in the deck's order."""
    scores = response.scores()
    return [(item, scores.get(item.code)) for item in HEALTH_ITEMS]


@register.inclusion_tag("roadmap/_recent_wins.html")
def recent_wins(network, limit: int = 3):
    """Recent short-term wins (step 6), for pages outside the roadmap such as the
    network page: the hub cannot import roadmap, so it loads this tag instead."""
    return {"wins": wins_recent(network=network, limit=limit), "network": network}
