"""Buddhist Era dates: shown in Thai as 23 พฤศจิกายน 2569, stored as Gregorian.

Django's Thai locale would happily store the year 2569; every date shown or typed
goes through here instead.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

BE_OFFSET = 543
# Typed years outside both windows are mistakes, not dates.
CE_RANGE = range(1900, 2201)
BE_RANGE = range(1900 + BE_OFFSET, 2201 + BE_OFFSET)

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def normalise_year(year: int) -> int | None:
    """The Gregorian year for a typed year, B.E. or C.E.; None when implausible."""
    if year in BE_RANGE:
        return year - BE_OFFSET
    if year in CE_RANGE:
        return year
    return None


def _is_thai(language: str | None) -> bool:
    return (language or translation.get_language() or "th").startswith("th")


def format_date(value: dt.date | dt.datetime | None, *, short: bool = False, language=None) -> str:
    """23 พฤศจิกายน 2569 in Thai, 23 November 2026 in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if _is_thai(language):
        months = THAI_MONTHS_SHORT if short else THAI_MONTHS
        return f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET}"
    month = ENGLISH_MONTHS[value.month - 1]
    return f"{value.day} {month[:3] if short else month} {value.year}"


def format_datetime(value: dt.datetime | None, *, language=None) -> str:
    """23 พฤศจิกายน 2569 14:05 น. in Thai, 23 November 2026 14:05 in English."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    suffix = " น." if _is_thai(language) else ""
    return f"{format_date(local, language=language)} {local:%H:%M}{suffix}"


def format_input(value: dt.date | None, *, language=None) -> str:
    """The value a date input shows: dd/mm/yyyy, the year in B.E. for Thai."""
    if value is None:
        return ""
    year = value.year + BE_OFFSET if _is_thai(language) else value.year
    return f"{value.day:02d}/{value.month:02d}/{year}"
