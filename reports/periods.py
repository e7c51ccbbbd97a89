"""Period arithmetic: pure functions, no database.

The Thai academic year: semester 1 runs from mid-May (16 May) to 31 October,
semester 2 from 1 November to 31 March; April to mid-May is the break, with no
reporting period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings

BANGKOK = ZoneInfo(settings.TIME_ZONE)


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_containing(frequency: str, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """(start, end) of the period of this frequency that contains ``day``; None in a break."""
    if frequency == "monthly":
        return dt.date(day.year, day.month, 1), _month_end(day.year, day.month)
    if frequency == "quarterly":
        first = (day.month - 1) // 3 * 3 + 1
        return dt.date(day.year, first, 1), _month_end(day.year, first + 2)
    if frequency == "semester":
        if dt.date(day.year, 5, 16) <= day <= dt.date(day.year, 10, 31):
            return dt.date(day.year, 5, 16), dt.date(day.year, 10, 31)
        if day.month >= 11:
            return dt.date(day.year, 11, 1), dt.date(day.year + 1, 3, 31)
        if day.month <= 3:
            return dt.date(day.year - 1, 11, 1), dt.date(day.year, 3, 31)
        return None
    raise ValueError(f"no fixed periods for {frequency!r}")


def periods_between(
    *, frequency: str, starts_on: dt.date, until: dt.date, custom_end_dates=()
) -> Iterator[tuple[dt.date, dt.date]]:
    """Every period that has started by ``until`` and ends on or after ``starts_on``."""
    if frequency == "custom":
        ends = sorted(dt.date.fromisoformat(str(d)) for d in custom_end_dates)
        start = starts_on
        for end in ends:
            if end < start:
                continue
            if start > until:
                break
            yield start, end
            start = end + dt.timedelta(days=1)
        return
    cursor = starts_on
    seen: set[tuple[dt.date, dt.date]] = set()
    while cursor <= until:
        span = period_containing(frequency, cursor)
        if span is None:  # the April–mid-May break: jump to the next semester
            cursor = dt.date(cursor.year, 5, 16)
            continue
        if span not in seen:
            seen.add(span)
            yield span
        cursor = span[1] + dt.timedelta(days=1)


def due_date(end: dt.date, due_day: int) -> dt.date:
    """``due_day`` days after the end: for month-end periods, that day of the next month."""
    return end + dt.timedelta(days=due_day)


# --- quiet hours ------------------------------------------------------------------
def in_quiet_hours(moment: dt.datetime, start: dt.time, end: dt.time) -> bool:
    local = moment.astimezone(BANGKOK).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # wraps midnight, e.g. 20:00–07:00


def after_quiet_hours(moment: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime:
    """``moment`` itself, or the end of the quiet hours it falls in (Bangkok time)."""
    if not in_quiet_hours(moment, start, end):
        return moment
    local = moment.astimezone(BANGKOK)
    candidate = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += dt.timedelta(days=1)
    return candidate


def at_local(day: dt.date, when: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, when, tzinfo=BANGKOK)


# --- reading the agreement ------------------------------------------------------------
_FREQUENCY_WORDS = (
    # Order matters: "quarterly" text often also says "report monthly to the chair".
    ("semester", re.compile(r"ภาคเรียน|semester|term\b", re.IGNORECASE)),
    (
        "quarterly",
        re.compile(r"รายไตรมาส|ทุกไตรมาส|ไตรมาสละ|quarterly|every quarter|3 months", re.I),
    ),
    ("monthly", re.compile(r"รายเดือน|ทุกเดือน|เดือนละ|monthly|every month", re.IGNORECASE)),
)


def frequency_from_text(text: str) -> tuple[str, str] | None:
    """(frequency, the words that said so) from an agreement's monitoring/reporting text."""
    hits = []
    for frequency, pattern in _FREQUENCY_WORDS:
        match = pattern.search(text or "")
        if match:
            hits.append((match.start(), frequency, match.group(0)))
    if not hits:
        return None
    # The first mention wins: "report quarterly; the committee meets each semester".
    _pos, frequency, words = min(hits)
    return frequency, words
