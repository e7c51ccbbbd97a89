"""Date filters: the Buddhist Era in Thai, the Christian Era in English.

Registered as a template builtin, so every template may write {{ value|thaidate }}.
"""

from __future__ import annotations

from django import template

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
