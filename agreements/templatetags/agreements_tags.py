"""Template filters of the agreements pages and PDF."""

from __future__ import annotations

from django import template

from agreements.verified import organisation_verified_label

register = template.Library()


@register.filter
def verified_state(organisation) -> str:
    """``{{ party.organisation|verified_state }}``: the party's verified state, translated."""
    if organisation is None:
        return ""
    return organisation_verified_label(organisation)
