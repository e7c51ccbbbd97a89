from __future__ import annotations

from django import template

from roadmap.catalogue import HEALTH_ITEMS

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
