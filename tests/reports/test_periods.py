from __future__ import annotations

import datetime as dt

import pytest

from reports import periods as P

from .conftest import bkk


@pytest.mark.parametrize(
    ("frequency", "day", "span"),
    [
        ("monthly", dt.date(2026, 2, 14), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        ("quarterly", dt.date(2026, 11, 3), (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
        ("semester", dt.date(2026, 5, 16), (dt.date(2026, 5, 16), dt.date(2026, 10, 31))),
        ("semester", dt.date(2026, 12, 1), (dt.date(2026, 11, 1), dt.date(2027, 3, 31))),
        ("semester", dt.date(2027, 2, 1), (dt.date(2026, 11, 1), dt.date(2027, 3, 31))),
        ("semester", dt.date(2027, 4, 20), None),
    ],
)
def test_period_containing(frequency, day, span):
    assert P.period_containing(frequency, day) == span


def test_semester_periods_skip_the_break():
    spans = list(
        P.periods_between(
            frequency="semester", starts_on=dt.date(2026, 4, 1), until=dt.date(2027, 6, 1)
        )
    )
    assert spans == [
        (dt.date(2026, 5, 16), dt.date(2026, 10, 31)),
        (dt.date(2026, 11, 1), dt.date(2027, 3, 31)),
        (dt.date(2027, 5, 16), dt.date(2027, 10, 31)),
    ]


def test_custom_periods():
    spans = list(
        P.periods_between(
            frequency="custom",
            starts_on=dt.date(2026, 6, 1),
            until=dt.date(2026, 12, 31),
            custom_end_dates=["2026-08-31", "2026-07-15"],
        )
    )
    assert spans == [
        (dt.date(2026, 6, 1), dt.date(2026, 7, 15)),
        (dt.date(2026, 7, 16), dt.date(2026, 8, 31)),
    ]


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("ภาคีรายงานผลการดำเนินงานรายไตรมาสต่อคณะกรรมการ", "quarterly"),
        ("ภาคีส่งรายงานทุกเดือน", "monthly"),
        ("รายงานความก้าวหน้าทุกภาคเรียน", "semester"),
        ("Partners report monthly to the coordinator.", "monthly"),
        ("Progress is reported quarterly; the committee meets each semester.", "quarterly"),
        ("ไม่มีการกำหนด", None),
    ],
)
def test_frequency_from_agreement_words(text, frequency):
    found = P.frequency_from_text(text)
    assert (found[0] if found else None) == frequency


def test_quiet_hours_wrap_midnight():
    start, end = dt.time(20, 0), dt.time(7, 0)
    assert P.in_quiet_hours(bkk(2026, 1, 1, 23), start, end)
    assert P.in_quiet_hours(bkk(2026, 1, 1, 6, 59), start, end)
    assert not P.in_quiet_hours(bkk(2026, 1, 1, 7), start, end)
    assert P.after_quiet_hours(bkk(2026, 1, 1, 23), start, end) == bkk(2026, 1, 2, 7)
    assert P.after_quiet_hours(bkk(2026, 1, 1, 3), start, end) == bkk(2026, 1, 1, 7)
    assert P.after_quiet_hours(bkk(2026, 1, 1, 12), start, end) == bkk(2026, 1, 1, 12)
