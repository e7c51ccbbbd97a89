"""Period arithmetic and period names: pure functions, no database.

Frequencies a Thai network reports by:

* ``monthly`` — "พฤศจิกายน 2569" / "November 2026";
* ``quarterly`` — calendar quarters, "ไตรมาส 4/2569" / "Q4 2026";
* ``semester`` — the network's own term dates (by default semester 1 from 16 May
  to 31 October and semester 2 from 1 November to 31 March; the weeks between are
  a break with no period), "ภาคเรียนที่ 1/2569" / "Semester 1/2026", the academic
  year named by the year its first semester starts in;
* ``fiscal_quarter`` and ``fiscal_half`` — the Thai government fiscal year, which
  starts on 1 October and is named by the year it ends in (B.E. in Thai):
  "ไตรมาส 1 ปีงบประมาณ 2570" / "Q1 fiscal year 2027" is October–December 2026;
* ``yearly`` — calendar years, "ปี 2570" / "2027";
* ``custom`` — periods ending on the dates the coordinator lists, "รอบที่ N" /
  "Round N" unless the coordinator names them.

Names are worked out here once, in both languages, and stored on the period.
Reading how often an agreement's words ask partners to report is reports.frequency.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from core.dates import BE_OFFSET, ENGLISH_MONTHS, THAI_MONTHS, format_date
from core.errors import ServiceError

BANGKOK = ZoneInfo(settings.TIME_ZONE)

MonthDay = tuple[int, int]  # (month, day)

# Frequencies made of whole months: (months per period, the month a period may start in).
_BLOCKS: dict[str, tuple[int, int]] = {
    "monthly": (1, 1),
    "quarterly": (3, 1),
    "fiscal_quarter": (3, 10),
    "fiscal_half": (6, 10),
    "yearly": (12, 1),
}
FREQUENCIES = (*_BLOCKS, "semester", "custom")


@dataclass(frozen=True)
class Span:
    """One reporting period's dates and its names (Thai and English)."""

    starts_on: dt.date
    ends_on: dt.date
    name_th: str = ""
    name_en: str = ""

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.starts_on <= end and start <= self.ends_on


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _be(year: int) -> int:
    return year + BE_OFFSET


# --- Thai semesters: the network's own term dates -----------------------------------------
class TermsError(ServiceError):
    """Term dates that do not make an academic year (the form says which, in words)."""

    code = "terms_invalid"


def parse_month_day(text: str) -> MonthDay:
    """ "05-16" (as stored) → (5, 16). 29 February is refused: it is not there every year."""
    match = re.fullmatch(r"\s*(\d{1,2})-(\d{1,2})\s*", str(text or ""))
    if not match:
        raise TermsError(f"not a month-day: {text!r}")
    month, day = int(match.group(1)), int(match.group(2))
    _check_month_day(month, day)
    return month, day


def _check_month_day(month: int, day: int) -> None:
    if not 1 <= month <= 12 or not 1 <= day <= _month_end(2025, month).day:  # 2025: no 29 Feb
        raise TermsError(f"no such day every year: {day}/{month}")


def format_month_day(month_day: MonthDay) -> str:
    return f"{month_day[0]:02d}-{month_day[1]:02d}"


@dataclass(frozen=True)
class Terms:
    """The two semesters of a Thai academic year as month-days.

    Semester 1 starts the academic year; semester 2 starts after it ends and ends
    before the next academic year starts. Either may cross 31 December.
    """

    first_starts: MonthDay = (5, 16)
    first_ends: MonthDay = (10, 31)
    second_starts: MonthDay = (11, 1)
    second_ends: MonthDay = (3, 31)

    def __post_init__(self) -> None:
        for month, day in self.month_days:
            _check_month_day(month, day)
        order = [self._key(m) for m in (self.first_ends, self.second_starts, self.second_ends)]
        # Strictly in this order within one year from the start of semester 1.
        if not (self._key(self.first_starts) < order[0] < order[1] < order[2]):
            raise TermsError("semester 1 must end before semester 2 starts, within one year")

    @classmethod
    def from_strings(cls, *month_days: str) -> Terms:
        """From the four stored "MM-DD" strings, in order."""
        return cls(*(parse_month_day(text) for text in month_days))

    @property
    def month_days(self) -> tuple[MonthDay, MonthDay, MonthDay, MonthDay]:
        return (self.first_starts, self.first_ends, self.second_starts, self.second_ends)

    def _key(self, month_day: MonthDay) -> tuple[int, int, int]:
        """Sort key within the academic year: month-days before semester 1's start
        belong to the following calendar year."""
        return (0 if month_day >= self.first_starts else 1, *month_day)

    def _date(self, academic_year: int, month_day: MonthDay) -> dt.date:
        return dt.date(academic_year + self._key(month_day)[0], *month_day)

    def semesters(self, academic_year: int) -> tuple[Span, Span]:
        """Both semesters of the academic year that starts in ``academic_year``, named."""
        return (
            Span(
                self._date(academic_year, self.first_starts),
                self._date(academic_year, self.first_ends),
                f"ภาคเรียนที่ 1/{_be(academic_year)}",
                f"Semester 1/{academic_year}",
            ),
            Span(
                self._date(academic_year, self.second_starts),
                self._date(academic_year, self.second_ends),
                f"ภาคเรียนที่ 2/{_be(academic_year)}",
                f"Semester 2/{academic_year}",
            ),
        )


DEFAULT_TERMS = Terms()


# --- names of whole-month periods ------------------------------------------------------
def _block_name(frequency: str, start: dt.date) -> tuple[str, str]:
    """The names of the whole-month period of ``frequency`` that starts on ``start``."""
    year, month = start.year, start.month
    if frequency == "monthly":
        return f"{THAI_MONTHS[month - 1]} {_be(year)}", f"{ENGLISH_MONTHS[month - 1]} {year}"
    if frequency == "quarterly":
        quarter = (month - 1) // 3 + 1
        return f"ไตรมาส {quarter}/{_be(year)}", f"Q{quarter} {year}"
    # The fiscal year starts on 1 October and is named by the year it ends in.
    fiscal_year = year + 1 if month >= 10 else year
    if frequency == "fiscal_quarter":
        quarter = (month - 10) % 12 // 3 + 1
        return (
            f"ไตรมาส {quarter} ปีงบประมาณ {_be(fiscal_year)}",
            f"Q{quarter} fiscal year {fiscal_year}",
        )
    if frequency == "fiscal_half":
        if month == 10:
            return (
                f"ครึ่งปีแรก ปีงบประมาณ {_be(fiscal_year)}",
                f"First half of fiscal year {fiscal_year}",
            )
        return (
            f"ครึ่งปีหลัง ปีงบประมาณ {_be(fiscal_year)}",
            f"Second half of fiscal year {fiscal_year}",
        )
    if frequency == "yearly":
        return f"ปี {_be(year)}", str(year)
    raise ValueError(f"no whole-month periods for {frequency!r}")


def _block(frequency: str, day: dt.date) -> Span:
    size, anchor = _BLOCKS[frequency]
    index = day.year * 12 + day.month - 1
    start_index = index - (index - (anchor - 1)) % size
    start = dt.date(start_index // 12, start_index % 12 + 1, 1)
    end = _add_months(start, size) - dt.timedelta(days=1)
    return Span(start, end, *_block_name(frequency, start))


# --- which period contains a day, and which come after it --------------------------------
def period_containing(frequency: str, day: dt.date, *, terms: Terms = DEFAULT_TERMS) -> Span | None:
    """The period of this frequency that contains ``day``; None in a semester break."""
    if frequency in _BLOCKS:
        return _block(frequency, day)
    if frequency == "semester":
        for academic_year in (day.year - 1, day.year):
            for span in terms.semesters(academic_year):
                if span.starts_on <= day <= span.ends_on:
                    return span
        return None
    raise ValueError(f"no fixed periods for {frequency!r}")


def _spans_from(frequency: str, day: dt.date, terms: Terms) -> Iterator[Span]:
    """The period containing ``day`` (or, in a break, the next one), then each after it."""
    if frequency in _BLOCKS:
        span = _block(frequency, day)
        while True:
            yield span
            span = _block(frequency, span.ends_on + dt.timedelta(days=1))
    academic_year = day.year - 1
    while True:
        for span in terms.semesters(academic_year):
            if span.ends_on >= day:
                yield span
        academic_year += 1


def periods_between(
    *,
    frequency: str,
    starts_on: dt.date,
    until: dt.date,
    custom_end_dates: Iterable = (),
    custom_names: Mapping | None = None,
    terms: Terms = DEFAULT_TERMS,
) -> Iterator[Span]:
    """Every period that has started by ``until`` and ends on or after ``starts_on``.

    The first one never starts before ``starts_on``: a quarter that began before the
    schedule's first day is clipped to start on it (and keeps the quarter's name), so
    nobody owes a report for time before the schedule (or the agreement) began.
    """
    if frequency == "custom":
        yield from _custom_periods(starts_on, until, custom_end_dates, custom_names or {})
        return
    for span in _spans_from(frequency, starts_on, terms):
        if span.starts_on > until:
            return
        if span.starts_on < starts_on:
            span = replace(span, starts_on=starts_on)
        yield span


def custom_name(number: int, given: Mapping | None = None) -> tuple[str, str]:
    """ "รอบที่ 3" / "Round 3", or the name(s) the coordinator gave."""
    given = given or {}
    th = str(given.get("th") or "").strip()
    en = str(given.get("en") or "").strip()
    if th or en:
        return th or en, en or th
    return f"รอบที่ {number}", f"Round {number}"


def _custom_periods(
    starts_on: dt.date, until: dt.date, end_dates: Iterable, names: Mapping
) -> Iterator[Span]:
    # Rounds are numbered by their place among all the end dates, so a round keeps
    # its number however the first day moves.
    ends = sorted({dt.date.fromisoformat(str(d)) for d in end_dates})
    start = starts_on
    for number, end in enumerate(ends, start=1):
        if end < start:
            continue
        if start > until:
            return
        yield Span(start, end, *custom_name(number, names.get(end.isoformat())))
        start = end + dt.timedelta(days=1)


def due_date(end: dt.date, due_day: int) -> dt.date:
    """``due_day`` days after the end: for month-end periods, that day of the next month."""
    return end + dt.timedelta(days=due_day)


def range_names(start: dt.date, end: dt.date) -> tuple[str, str]:
    """A period no frequency names: its dates, in each language."""
    return (
        f"{format_date(start, language='th')} – {format_date(end, language='th')}",
        f"{format_date(start, language='en')} – {format_date(end, language='en')}",
    )


def name_existing(
    start: dt.date,
    end: dt.date,
    *,
    frequency: str,
    terms: Terms = DEFAULT_TERMS,
    custom_end_dates: Iterable = (),
    custom_names: Mapping | None = None,
) -> tuple[str, str]:
    """Names for a period made before periods had names (the data migration).

    The schedule's own frequency first (a first period clipped to the schedule's
    first day ends with its quarter, so it is found by its end); then any frequency
    whose period has exactly these dates (periods left from an earlier schedule);
    else the dates themselves.
    """
    if frequency == "custom":
        ends = sorted({dt.date.fromisoformat(str(d)) for d in custom_end_dates})
        if end in ends:
            return custom_name(ends.index(end) + 1, (custom_names or {}).get(end.isoformat()))
    elif frequency in FREQUENCIES:
        span = period_containing(frequency, end, terms=terms)
        if span and span.ends_on == end and span.starts_on <= start:
            return span.name_th, span.name_en
    for other in ("monthly", "quarterly", "semester", "fiscal_half", "yearly"):
        span = period_containing(other, start, terms=terms)
        if span and (span.starts_on, span.ends_on) == (start, end):
            return span.name_th, span.name_en
    return range_names(start, end)


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


# --- names -----------------------------------------------------------------------
def localized_name(name_th: str, name_en: str) -> str:
    """The Thai or the English name, as the active language asks (the other if empty)."""
    if (translation.get_language() or settings.LANGUAGE_CODE).startswith("th"):
        return name_th or name_en
    return name_en or name_th
