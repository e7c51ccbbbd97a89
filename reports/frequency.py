"""How often an agreement's words ask partners to report (its sections IV-C and IV-D).

The schedule page proposes a frequency from them and quotes the sentence back; when
the words ask for a rhythm we do not offer, the page says which one it chose instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext

from reports.models import ReportingSchedule  # the frequencies' labels live on its choices

# --- reading the agreement ------------------------------------------------------------
# Thai agreements write how often in words or digits (Arabic or Thai), by the month
# ("ทุก 3 เดือน", "ทุกสามเดือน"), by the year ("ปีละ 4 ครั้ง"), by the term
# (ภาคเรียน) or the fiscal year (ปีงบประมาณ). Numbers are matched where they stand, so
# the clause quoted back is the agreement's own text, not a normalised copy.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER_WORDS = {
    "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7, "แปด": 8,
    "เก้า": 9, "สิบ": 10, "สิบเอ็ด": 11, "สิบสอง": 12,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# Longest first, so "สิบสอง" is not read as "สิบ".
_NUM = (
    "(?<![A-Za-z])(?P<n>[0-9๐-๙]+|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
)
# The whole-month frequencies we offer, by months per period.
_OFFERED_MONTHS = {1: "monthly", 3: "quarterly", 6: "fiscal_half", 12: "yearly"}
_FISCAL = re.compile(r"ปีงบประมาณ|fiscal year|financial year", re.IGNORECASE)
_SEMESTER = re.compile(r"ภาคเรียน|semester", re.IGNORECASE)


def _number(text: str) -> int:
    text = text.lower()
    return _NUMBER_WORDS.get(text) or int(text.translate(_THAI_DIGITS))


# (pattern, how to read it): a frequency name, or "months"/"per_year"/"per_month"
# with the number in group ``n`` (a fixed number where the words carry it).
_READINGS: tuple[tuple[re.Pattern, str, int | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reading, fixed)
    for pattern, reading, fixed in (
        (rf"ทุก\s*(?:ๆ\s*)?{_NUM}\s*เดือน", "months", None),
        (rf"every\s+{_NUM}\s+months?", "months", None),
        (r"every\s+other\s+month|bi-?monthly", "months", 2),
        (rf"ปีละ\s*{_NUM}\s*ครั้ง", "per_year", None),
        (rf"{_NUM}\s+times\s+(?:a|per|each)\s+year", "per_year", None),
        (r"ปีละ\s*ครั้ง|once\s+(?:a|per|each)\s+year|ปีงบประมาณละ\s*(?:1|หนึ่ง)?\s*ครั้ง", "per_year", 1),
        (r"twice\s+(?:a|per|each)\s+year", "per_year", 2),
        (rf"เดือนละ\s*{_NUM}\s*ครั้ง", "per_month", None),
        (r"เดือนละ\s*ครั้ง|once\s+(?:a|per|each)\s+month", "per_month", 1),
        (r"ภาคเรียน|semester|termly|(?:each|every|per|a)\s+term\b", "semester", None),
        (r"รายไตรมาส|ทุกไตรมาส|ไตรมาสละ|quarterly|every\s+quarter", "quarterly", None),
        (r"รายเดือน|ทุกเดือน|ประจำเดือน|monthly|every\s+month", "monthly", None),
        (r"ครึ่งปี|half[- ]year(?:ly)?|semi-?annual(?:ly)?", "fiscal_half", None),
        (r"ประจำปี|รายปี|ทุกปี|annual(?:ly)?|yearly|every\s+year", "yearly", None),
    )
)


@dataclass(frozen=True)
class Reading:
    """What an agreement's words say about how often partners report.

    ``frequency`` is one we offer; when the words ask for another rhythm
    ("ทุก 5 เดือน") it is the closest one, ``months`` is what was asked and
    ``offered`` is False, so the page can say so instead of silently rounding.
    """

    frequency: str
    words: str  # the words that said so, as written
    clause: str  # the sentence they stand in, as written
    months: float | None = None  # months per period the words asked for
    offered: bool = True

    @property
    def note(self) -> str:
        """Empty when the words name a frequency we offer; else what we did instead."""
        if self.offered or self.months is None:
            return ""
        return gettext(
            "every %(months)s months is not a frequency we offer; closest: %(closest)s"
        ) % {"months": _months_text(self.months), "closest": frequency_label(self.frequency)}


def _months_text(months: float) -> str:
    return str(int(months)) if float(months).is_integer() else f"{months:.1f}"


def frequency_label(frequency: str) -> str:
    """The frequency's name as the schedule form shows it (in the active language)."""
    return str(dict(ReportingSchedule.Frequency.choices).get(frequency, frequency))


def _closest(months: float) -> str:
    # Nearest in months; a tie goes to the more frequent (a report too many is cheaper
    # than one missed).
    best = min(_OFFERED_MONTHS, key=lambda offered: (abs(offered - months), offered))
    return _OFFERED_MONTHS[best]


def _clause(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end]: between line breaks and full stops (Thai
    writes a space between sentences, so a very long line is cut to the words' neighbourhood)."""
    left = max(text.rfind(mark, 0, start) for mark in ("\n", ". ", "; ", "ฯ "))
    left = 0 if left < 0 else left + 1
    rights = [i for i in (text.find(mark, end) for mark in ("\n", ". ", "; ")) if i >= 0]
    right = min(rights) if rights else len(text)
    clause = text[left:right].strip().rstrip(".;")
    if len(clause) > 200:
        # Keep about 80 characters either side of the words, starting and ending at a
        # space when one is near (Thai sentences are separated by spaces).
        offset = clause.find(text[start:end])
        lo, hi = max(0, offset - 80), min(len(clause), offset + (end - start) + 80)
        space = clause.find(" ", lo, offset)
        lo = space + 1 if lo and 0 <= space < lo + 30 else lo
        space = clause.rfind(" ", offset + (end - start), hi)
        hi = space if hi < len(clause) and space > hi - 30 else hi
        clause = ("…" if lo else "") + clause[lo:hi].strip() + ("…" if hi < len(clause) else "")
    return clause


def frequency_reading(text: str) -> Reading | None:
    """How often the agreement's monitoring/reporting text says partners report.

    The first mention wins ("report quarterly; the committee meets each semester");
    at one place the longer words win ("ปีละ 2 ครั้ง" over "ปีละครั้ง").
    """
    text = text or ""
    hits = []
    for pattern, reading, fixed in _READINGS:
        for match in pattern.finditer(text):
            hits.append((match.start(), -len(match.group(0)), reading, fixed, match))
            break
    if not hits:
        return None
    _pos, _length, reading, fixed, match = min(hits, key=lambda hit: hit[:2])
    words, clause = match.group(0), _clause(text, match.start(), match.end())
    if reading not in ("months", "per_year", "per_month"):
        frequency = reading
        if frequency == "quarterly" and _FISCAL.search(text):
            frequency = "fiscal_quarter"  # "รายไตรมาสตามปีงบประมาณ": October to December first
        return Reading(frequency, words, clause)
    number = fixed if fixed is not None else _number(match.group("n"))
    if not number:
        return None  # "ทุก 0 เดือน" says nothing
    months = {"months": number, "per_year": 12 / number, "per_month": 1 / number}[reading]
    frequency = _closest(months)
    offered = months in _OFFERED_MONTHS
    if frequency == "quarterly" and _FISCAL.search(text):
        frequency = "fiscal_quarter"
    elif frequency == "fiscal_half" and _SEMESTER.search(text) and not _FISCAL.search(text):
        frequency = "semester"  # "ทุก 6 เดือน (ภาคเรียนละครั้ง)": the school's own half-years
    return Reading(frequency, words, clause, months=months, offered=offered)


def frequency_from_text(text: str) -> tuple[str, str] | None:
    """(frequency, the words that said so) from an agreement's monitoring/reporting text."""
    found = frequency_reading(text)
    return (found.frequency, found.words) if found else None
