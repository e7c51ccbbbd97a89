"""Period arithmetic and names: pure functions, every frequency, Thai (B.E.) and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from reports import periods as P
from reports.frequency import frequency_from_text
from reports.models import ReportingPeriod
from reports.selectors.plan import uncovered

from .conftest import bkk

D = dt.date


def _span(frequency, day, **kwargs):
    span = P.period_containing(frequency, day, **kwargs)
    return None if span is None else (span.starts_on, span.ends_on, span.name_th, span.name_en)


@pytest.mark.parametrize(
    ("frequency", "day", "expected"),
    [
        # monthly: whole months, leap February included
        (
            "monthly",
            D(2026, 11, 15),
            (D(2026, 11, 1), D(2026, 11, 30), "พฤศจิกายน 2569", "November 2026"),
        ),
        (
            "monthly",
            D(2028, 2, 29),
            (D(2028, 2, 1), D(2028, 2, 29), "กุมภาพันธ์ 2571", "February 2028"),
        ),
        (
            "monthly",
            D(2026, 12, 31),
            (D(2026, 12, 1), D(2026, 12, 31), "ธันวาคม 2569", "December 2026"),
        ),
        # calendar quarters, on both sides of each boundary
        (
            "quarterly",
            D(2026, 11, 3),
            (D(2026, 10, 1), D(2026, 12, 31), "ไตรมาส 4/2569", "Q4 2026"),
        ),
        ("quarterly", D(2026, 1, 1), (D(2026, 1, 1), D(2026, 3, 31), "ไตรมาส 1/2569", "Q1 2026")),
        ("quarterly", D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 31), "ไตรมาส 1/2569", "Q1 2026")),
        ("quarterly", D(2026, 4, 1), (D(2026, 4, 1), D(2026, 6, 30), "ไตรมาส 2/2569", "Q2 2026")),
        # Thai semesters (default term dates); the academic year is named by its start
        (
            "semester",
            D(2026, 5, 16),
            (D(2026, 5, 16), D(2026, 10, 31), "ภาคเรียนที่ 1/2569", "Semester 1/2026"),
        ),
        (
            "semester",
            D(2026, 10, 31),
            (D(2026, 5, 16), D(2026, 10, 31), "ภาคเรียนที่ 1/2569", "Semester 1/2026"),
        ),
        (
            "semester",
            D(2026, 11, 1),
            (D(2026, 11, 1), D(2027, 3, 31), "ภาคเรียนที่ 2/2569", "Semester 2/2026"),
        ),
        (
            "semester",
            D(2027, 2, 1),
            (D(2026, 11, 1), D(2027, 3, 31), "ภาคเรียนที่ 2/2569", "Semester 2/2026"),
        ),
        (
            "semester",
            D(2027, 3, 31),
            (D(2026, 11, 1), D(2027, 3, 31), "ภาคเรียนที่ 2/2569", "Semester 2/2026"),
        ),
        ("semester", D(2026, 5, 15), None),  # the break
        ("semester", D(2027, 4, 1), None),
        # the fiscal year: 1 October, named by the year it ends in
        (
            "fiscal_quarter",
            D(2026, 10, 1),
            (D(2026, 10, 1), D(2026, 12, 31), "ไตรมาส 1 ปีงบประมาณ 2570", "Q1 fiscal year 2027"),
        ),
        (
            "fiscal_quarter",
            D(2026, 9, 30),
            (D(2026, 7, 1), D(2026, 9, 30), "ไตรมาส 4 ปีงบประมาณ 2569", "Q4 fiscal year 2026"),
        ),
        (
            "fiscal_quarter",
            D(2027, 1, 15),
            (D(2027, 1, 1), D(2027, 3, 31), "ไตรมาส 2 ปีงบประมาณ 2570", "Q2 fiscal year 2027"),
        ),
        (
            "fiscal_quarter",
            D(2027, 5, 1),
            (D(2027, 4, 1), D(2027, 6, 30), "ไตรมาส 3 ปีงบประมาณ 2570", "Q3 fiscal year 2027"),
        ),
        (
            "fiscal_half",
            D(2026, 10, 1),
            (
                D(2026, 10, 1),
                D(2027, 3, 31),
                "ครึ่งปีแรก ปีงบประมาณ 2570",
                "First half of fiscal year 2027",
            ),
        ),
        (
            "fiscal_half",
            D(2027, 3, 31),
            (
                D(2026, 10, 1),
                D(2027, 3, 31),
                "ครึ่งปีแรก ปีงบประมาณ 2570",
                "First half of fiscal year 2027",
            ),
        ),
        (
            "fiscal_half",
            D(2027, 4, 1),
            (
                D(2027, 4, 1),
                D(2027, 9, 30),
                "ครึ่งปีหลัง ปีงบประมาณ 2570",
                "Second half of fiscal year 2027",
            ),
        ),
        (
            "fiscal_half",
            D(2026, 9, 30),
            (
                D(2026, 4, 1),
                D(2026, 9, 30),
                "ครึ่งปีหลัง ปีงบประมาณ 2569",
                "Second half of fiscal year 2026",
            ),
        ),
        # calendar years
        ("yearly", D(2027, 6, 1), (D(2027, 1, 1), D(2027, 12, 31), "ปี 2570", "2027")),
        ("yearly", D(2026, 12, 31), (D(2026, 1, 1), D(2026, 12, 31), "ปี 2569", "2026")),
    ],
)
def test_period_containing_and_its_names(frequency, day, expected):
    assert _span(frequency, day) == expected


def test_the_networks_own_term_dates():
    # A school whose semester 1 runs 1 June – 30 September and semester 2 from
    # 1 November to 28 February: October and March–May are breaks.
    terms = P.Terms((6, 1), (9, 30), (11, 1), (2, 28))
    assert _span("semester", D(2026, 6, 1), terms=terms) == (
        D(2026, 6, 1),
        D(2026, 9, 30),
        "ภาคเรียนที่ 1/2569",
        "Semester 1/2026",
    )
    assert _span("semester", D(2026, 10, 15), terms=terms) is None
    assert _span("semester", D(2027, 2, 28), terms=terms)[:3] == (
        D(2026, 11, 1),
        D(2027, 2, 28),
        "ภาคเรียนที่ 2/2569",
    )
    assert _span("semester", D(2027, 3, 1), terms=terms) is None
    # Semester 1 may itself cross the new year: named by the year it starts in.
    late = P.Terms((8, 1), (12, 20), (1, 5), (5, 31))
    assert _span("semester", D(2027, 1, 10), terms=late)[:3] == (
        D(2027, 1, 5),
        D(2027, 5, 31),
        "ภาคเรียนที่ 2/2569",
    )


@pytest.mark.parametrize(
    "month_days",
    [
        ((5, 16), (11, 15), (11, 1), (3, 31)),  # semester 1 ends after semester 2 starts
        ((5, 16), (10, 31), (11, 1), (6, 30)),  # semester 2 runs into next year's semester 1
        ((5, 16), (5, 16), (11, 1), (3, 31)),  # a semester of no length
        ((5, 16), (10, 31), (11, 1), (2, 29)),  # 29 February is not there every year
        ((13, 1), (10, 31), (11, 1), (3, 31)),
    ],
)
def test_term_dates_that_make_no_academic_year_are_refused(month_days):
    with pytest.raises(P.TermsError):
        P.Terms(*month_days)


def test_stored_month_days_round_trip():
    assert P.Terms.from_strings("05-16", "10-31", "11-01", "03-31") == P.DEFAULT_TERMS
    assert P.format_month_day((5, 16)) == "05-16"
    with pytest.raises(P.TermsError):
        P.parse_month_day("16/05")


def _between(frequency, start, until, **kwargs):
    return [
        (s.starts_on, s.ends_on, s.name_th)
        for s in P.periods_between(frequency=frequency, starts_on=start, until=until, **kwargs)
    ]


def test_the_first_period_is_clipped_to_the_first_day_and_keeps_its_name():
    # Confirmed on 16 May: the quarter that began on 1 April starts on 16 May.
    assert _between("quarterly", D(2026, 5, 16), D(2026, 7, 1)) == [
        (D(2026, 5, 16), D(2026, 6, 30), "ไตรมาส 2/2569"),
        (D(2026, 7, 1), D(2026, 9, 30), "ไตรมาส 3/2569"),
    ]
    assert _between("monthly", D(2026, 11, 15), D(2026, 12, 1)) == [
        (D(2026, 11, 15), D(2026, 11, 30), "พฤศจิกายน 2569"),
        (D(2026, 12, 1), D(2026, 12, 31), "ธันวาคม 2569"),
    ]
    assert _between("semester", D(2027, 1, 10), D(2027, 6, 1)) == [
        (D(2027, 1, 10), D(2027, 3, 31), "ภาคเรียนที่ 2/2569"),
        (D(2027, 5, 16), D(2027, 10, 31), "ภาคเรียนที่ 1/2570"),
    ]
    assert _between("yearly", D(2026, 6, 1), D(2027, 1, 1)) == [
        (D(2026, 6, 1), D(2026, 12, 31), "ปี 2569"),
        (D(2027, 1, 1), D(2027, 12, 31), "ปี 2570"),
    ]
    assert _between("fiscal_half", D(2026, 11, 28), D(2027, 4, 1)) == [
        (D(2026, 11, 28), D(2027, 3, 31), "ครึ่งปีแรก ปีงบประมาณ 2570"),
        (D(2027, 4, 1), D(2027, 9, 30), "ครึ่งปีหลัง ปีงบประมาณ 2570"),
    ]


def test_a_first_day_on_a_boundary_is_not_clipped_and_until_is_inclusive():
    assert _between("fiscal_quarter", D(2026, 10, 1), D(2027, 1, 1)) == [
        (D(2026, 10, 1), D(2026, 12, 31), "ไตรมาส 1 ปีงบประมาณ 2570"),
        (D(2027, 1, 1), D(2027, 3, 31), "ไตรมาส 2 ปีงบประมาณ 2570"),
    ]
    assert len(_between("fiscal_quarter", D(2026, 10, 1), D(2026, 12, 31))) == 1


def test_semester_periods_skip_the_break():
    assert _between("semester", D(2026, 4, 1), D(2027, 6, 1)) == [
        (D(2026, 5, 16), D(2026, 10, 31), "ภาคเรียนที่ 1/2569"),
        (D(2026, 11, 1), D(2027, 3, 31), "ภาคเรียนที่ 2/2569"),
        (D(2027, 5, 16), D(2027, 10, 31), "ภาคเรียนที่ 1/2570"),
    ]


def test_custom_periods_are_rounds_unless_named():
    spans = list(
        P.periods_between(
            frequency="custom",
            starts_on=D(2026, 6, 1),
            until=D(2026, 12, 31),
            custom_end_dates=["2026-08-31", "2026-07-15", "2027-03-31"],
            custom_names={"2026-08-31": {"th": "รอบกลางภาค", "en": "Mid-term round"}},
        )
    )
    assert [(s.starts_on, s.ends_on, s.name_th, s.name_en) for s in spans] == [
        (D(2026, 6, 1), D(2026, 7, 15), "รอบที่ 1", "Round 1"),
        (D(2026, 7, 16), D(2026, 8, 31), "รอบกลางภาค", "Mid-term round"),
        (D(2026, 9, 1), D(2027, 3, 31), "รอบที่ 3", "Round 3"),
    ]


def test_a_round_keeps_its_number_when_the_first_day_moves_past_earlier_rounds():
    spans = _between(
        "custom", D(2026, 7, 20), D(2026, 12, 31), custom_end_dates=["2026-07-15", "2026-08-31"]
    )
    assert spans == [(D(2026, 7, 20), D(2026, 8, 31), "รอบที่ 2")]
    # A single name is used in both languages.
    assert P.custom_name(4, {"th": "รอบพิเศษ"}) == ("รอบพิเศษ", "รอบพิเศษ")


def test_due_date_is_days_after_the_end():
    assert P.due_date(D(2026, 9, 30), 7) == D(2026, 10, 7)
    assert P.due_date(D(2026, 12, 31), 15) == D(2027, 1, 15)
    assert P.due_date(D(2026, 9, 30), 0) == D(2026, 9, 30)


def test_names_for_periods_made_before_periods_had_names():
    # the schedule's own frequency, including a first period clipped to the first day
    assert P.name_existing(D(2026, 5, 16), D(2026, 6, 30), frequency="quarterly") == (
        "ไตรมาส 2/2569",
        "Q2 2026",
    )
    # a period left from an earlier schedule: named by its own shape
    assert P.name_existing(D(2026, 8, 1), D(2026, 8, 31), frequency="quarterly") == (
        "สิงหาคม 2569",
        "August 2026",
    )
    assert P.name_existing(D(2026, 10, 1), D(2026, 12, 31), frequency="fiscal_quarter")[1] == (
        "Q1 fiscal year 2027"
    )
    assert P.name_existing(
        D(2026, 6, 1), D(2026, 7, 15), frequency="custom", custom_end_dates=["2026-07-15"]
    ) == ("รอบที่ 1", "Round 1")
    # nothing fits: its dates, B.E. in Thai
    assert P.name_existing(D(2026, 6, 3), D(2026, 6, 20), frequency="monthly") == (
        "3 มิถุนายน 2569 – 20 มิถุนายน 2569",
        "3 June 2026 – 20 June 2026",
    )


def test_label_is_the_name_in_the_active_language():
    period = ReportingPeriod(
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 12, 31),
        name_th="ไตรมาส 4/2569",
        name_en="Q4 2026",
    )
    with translation.override("th"):
        assert period.label == "ไตรมาส 4/2569"
        assert str(period) == "ไตรมาส 4/2569"
    with translation.override("en"):
        assert period.label == "Q4 2026"
    unnamed = ReportingPeriod(starts_on=D(2026, 10, 1), ends_on=D(2026, 12, 31))
    with translation.override("th"):
        assert unnamed.label == "1 ตุลาคม 2569 – 31 ธันวาคม 2569"


def test_uncovered_cuts_a_span_around_kept_periods():
    q3 = P.Span(D(2026, 7, 1), D(2026, 9, 30), "ไตรมาส 3/2569", "Q3 2026")
    assert uncovered(q3, []) == [q3]
    # kept July and August (monthly, started): September is left, keeping the name
    assert uncovered(q3, [(D(2026, 7, 1), D(2026, 7, 31)), (D(2026, 8, 1), D(2026, 8, 31))]) == [
        P.Span(D(2026, 9, 1), D(2026, 9, 30), "ไตรมาส 3/2569", "Q3 2026")
    ]
    # kept August only: both sides are left
    assert [(s.starts_on, s.ends_on) for s in uncovered(q3, [(D(2026, 8, 1), D(2026, 8, 31))])] == [
        (D(2026, 7, 1), D(2026, 7, 31)),
        (D(2026, 9, 1), D(2026, 9, 30)),
    ]
    # covered entirely
    assert uncovered(q3, [(D(2026, 6, 1), D(2026, 12, 31))]) == []


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("ภาคีรายงานผลการดำเนินงานรายไตรมาสต่อคณะกรรมการ", "quarterly"),
        ("ภาคีส่งรายงานทุกเดือน", "monthly"),
        ("รายงานความก้าวหน้าทุกภาคเรียน", "semester"),
        ("Partners report monthly to the coordinator.", "monthly"),
        ("Progress is reported quarterly; the committee meets each semester.", "quarterly"),
        ("รายงานผลประจำปีต่อสำนักงานเขตพื้นที่การศึกษา", "yearly"),
        ("An annual report to the district office.", "yearly"),
        ("รายงานผลรายไตรมาสตามปีงบประมาณ", "fiscal_quarter"),
        ("รายงานผลปีละ 2 ครั้ง", "fiscal_half"),
        ("Partners report twice a year.", "fiscal_half"),
        ("ไม่มีการกำหนด", None),
    ],
)
def test_frequency_from_agreement_words(text, frequency):
    found = frequency_from_text(text)
    assert (found[0] if found else None) == frequency


def test_quiet_hours_wrap_midnight():
    start, end = dt.time(20, 0), dt.time(7, 0)
    assert P.in_quiet_hours(bkk(2026, 1, 1, 23), start, end)
    assert P.in_quiet_hours(bkk(2026, 1, 1, 6, 59), start, end)
    assert not P.in_quiet_hours(bkk(2026, 1, 1, 7), start, end)
    assert P.after_quiet_hours(bkk(2026, 1, 1, 23), start, end) == bkk(2026, 1, 2, 7)
    assert P.after_quiet_hours(bkk(2026, 1, 1, 3), start, end) == bkk(2026, 1, 1, 7)
    assert P.after_quiet_hours(bkk(2026, 1, 1, 12), start, end) == bkk(2026, 1, 1, 12)
