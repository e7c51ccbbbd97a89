from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core.kept import Kept
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.rendered import digest
from roadmap.selectors import wins_recent_read, wins_recent_rows

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


# The recent wins' fragment per state of its rows (a few hundred bytes each).
recent_wins_kept = Kept(256)


@register.simple_tag
def recent_wins(network, limit: int = 3) -> SafeString:
    """Recent short-term wins (step 6), for pages outside the roadmap such as the
    network page: the hub cannot import roadmap, so it loads this tag instead.

    One query (``wins_recent_read``: the wins with their credits as plain rows); the
    fragment is drawn only when those rows, the network's slug, the language, the URL
    prefix or the URLconf differ from a kept one, since it shows nothing else."""
    rows = wins_recent_read(network=network, limit=limit)
    key = (
        network.pk,
        network.slug,
        limit,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        digest(rows),
    )
    return recent_wins_kept.get_or_render(
        key,
        lambda: render_to_string(
            "roadmap/_recent_wins.html", {"wins": wins_recent_rows(rows), "network": network}
        ),
    )
