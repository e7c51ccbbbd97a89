"""Date filters: the Buddhist Era in Thai, the Christian Era in English.

Registered as a template builtin, so every template may write {{ value|thaidate }}.
"""

from __future__ import annotations

from django import template
from django.utils import translation

from core import dates

register = template.Library()


@register.filter
def thaidate(value) -> str:
    return dates.format_date(value)


@register.filter
def thaidate_short(value) -> str:
    return dates.format_date(value, short=True)


@register.filter
def thaidatetime(value) -> str:
    return dates.format_datetime(value)


@register.filter
def full_stop(value) -> str:
    """End a sentence that closes on a date: "." in English, nothing in Thai, where a
    sentence has no full stop and a time already ends in "น." ("07:23 น.." and
    "2569." were printed by templates that wrote ``{{ date|thaidatetime }}.``)."""
    text = str(value)
    if not text or text.endswith("."):
        return text
    language = translation.get_language() or "th"
    return text if language.startswith("th") else f"{text}."
