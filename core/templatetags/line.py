from __future__ import annotations

from django import template

from core.line import line_enabled as enabled

register = template.Library()


@register.simple_tag
def line_enabled() -> bool:
    """Whether LINE is configured: pages offer linking only then."""
    return enabled()
