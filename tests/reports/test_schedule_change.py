"""Reporting schedules you can change safely (issue 13, items 2 and 3).

Periods are made when the schedule is confirmed (not an hour later by the beat),
never start before the first day or the signed agreement's start, and a change to a
confirmed schedule waits for a preview whose figures are exactly what confirming does:
unstarted periods replaced, unsent due dates (and the reminders planned for them)
moved, started periods and written reports kept, no overlap.
"""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import re
import threading

import pytest
from django.apps import apps
from django.core import mail
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from core.dates import format_input
from network.models import Role
from reports import selectors, services
from reports.models import ProgressReport, Reminder, ReportingPeriod, ReportingSchedule
from tests.factories import MembershipFactory, PersonFactory, RoleFactory

from .conftest import bkk
from .factories import ScheduleFactory, pending_change, schedule_form_data

D = dt.date


def _url(cast, tail: str = "") -> str:
    return f"/networks/{cast.network.slug}/reports/schedule/{tail}"


def _spans(network) -> list[tuple[dt.date, dt.date]]:
    return list(
        ReportingPeriod.objects.filter(network=network)
        .order_by("starts_on")
        .values_list("starts_on", "ends_on")
    )


def _assert_no_overlap(network) -> None:
    spans = _spans(network)
    for (_s1, end), (start, _e2) in itertools.pairwise(spans):
        assert start > end, f"overlap: {spans}"


def _members(cast) -> int:
    return cast.network.memberships.current().count()


def _write(report: ProgressReport, user, text: str = "ครูติดสอบปลายภาค") -> None:
    services.report_save(
        report=report, user=user, problems=text, help_needed="", narratives={}, submit=False
    )


def _change(cast, values: dict, *, today: dt.date):
    """Preview then confirm a change through the services, as the views do."""
    raw = {k: str(v) for k, v in values.items()}
    schedule = ReportingSchedule.objects.get(network=cast.network)
    schedule.pending_change = raw
    schedule.save()
    plan, digest = selectors.schedule_preview(
        network=cast.network, values=values, raw=raw, today=today
    )
    done = services.schedule_change_confirm(
        network=cast.network,
        values=values,
        raw=raw,
        expected=digest,
        user=cast.coordinator,
        today=today,
    )
    return plan, done


# --- periods right after confirmation ---------------------------------------------------
def test_periods_and_reports_exist_right_after_the_first_confirmation(cast):
    today = timezone.localdate()
    first = today - dt.timedelta(days=40)
    response = cast.client("coordinator").post(
        _url(cast),
        schedule_form_data(frequency="monthly", starts_on=format_input(first), due_day=5),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/reports/")
    # No beat has run: the periods and the started periods' reports are there already.
    periods = list(ReportingPeriod.objects.filter(network=cast.network).order_by("starts_on"))
    assert periods[0].starts_on == first  # clipped to the first day, not the 1st of the month
    assert all(p.name_th and p.name_en for p in periods)
    started = [p for p in periods if p.starts_on <= today]
    assert len(started) in (2, 3)
    for period in started:
        assert period.reports.count() == _members(cast)
    upcoming = [p for p in periods if p.starts_on > today]
    assert len(upcoming) >= 11
    assert not ProgressReport.objects.filter(period__in=upcoming).exists()
    _assert_no_overlap(cast.network)
    page = cast.client("coordinator").get(f"/networks/{cast.network.slug}/reports/")
    assert started[-1].name_th in page.content.decode()


def test_the_first_period_starts_when_the_signed_agreement_took_effect(cast):
    from tests.agreements.factories import AgreementFactory, VersionFactory

    VersionFactory(
        agreement=AgreementFactory(network=cast.network),
        status="signed",
        signed_at=timezone.now(),
        effective_from=D(2026, 6, 10),
    )
    ScheduleFactory(network=cast.network, status="proposed", starts_on=D(2026, 5, 16))
    saved = services.schedule_submit(
        network=cast.network,
        values={"frequency": "quarterly", "starts_on": D(2026, 5, 16), "due_day": 7},
        raw={},
        user=cast.coordinator,
        today=D(2026, 6, 20),
    )
    assert saved.outcome == "saved"
    assert saved.plan.first_day == D(2026, 6, 10)
    first = ReportingPeriod.objects.filter(network=cast.network).order_by("starts_on").first()
    assert (first.starts_on, first.ends_on, first.due_on) == (
        D(2026, 6, 10),
        D(2026, 6, 30),
        D(2026, 7, 7),
    )
    assert (first.name_th, first.name_en) == ("ไตรมาส 2/2569", "Q2 2026")
    # Nothing is late on arrival: the first due date is still ahead.
    assert saved.plan.late_on_arrival == 0
    assert first.reports.count() == _members(cast) == saved.plan.reports_opened


# --- quarterly → monthly mid-term -------------------------------------------------------
def test_quarterly_to_monthly_mid_term_keeps_the_started_quarter_and_replaces_the_rest(cast):
    today = D(2026, 8, 15)
    ScheduleFactory(network=cast.network, frequency="quarterly", starts_on=D(2026, 5, 16))
    services.periods_open(today=today)
    q3 = ReportingPeriod.objects.get(network=cast.network, starts_on=D(2026, 7, 1))
    written = q3.reports.get(organisation=cast.partner_org)
    _write(written, cast.partner)
    before = set(ReportingPeriod.objects.filter(network=cast.network).values_list("id", flat=True))
    reports_before = ProgressReport.objects.filter(period__network=cast.network).count()

    plan, done = _change(cast, {"frequency": "monthly"}, today=today)

    after = set(ReportingPeriod.objects.filter(network=cast.network).values_list("id", flat=True))
    # The preview's figures are what happened.
    assert len(before - after) == len(plan.replaced) == 4  # Q4 2026 … Q3 2027, not started
    assert len(after - before) == len(plan.created) == 11  # October 2026 … August 2027
    assert len(plan.moved) == 0
    assert plan.reports_kept == q3.reports.count() == _members(cast)
    assert [k.period.pk for k in plan.kept] == [q3.pk]
    assert done.digest() == plan.digest()
    # The started quarter and the written report stay as they were.
    written.refresh_from_db()
    assert written.problems == "ครูติดสอบปลายภาค"
    assert ReportingPeriod.objects.get(pk=q3.pk).due_on == D(2026, 10, 7)
    # Monthly periods start after it: no overlap, and nothing more is owed.
    _assert_no_overlap(cast.network)
    first_new = ReportingPeriod.objects.filter(pk__in=after - before).order_by("starts_on")[0]
    assert (first_new.starts_on, first_new.name_th, first_new.name_en) == (
        D(2026, 10, 1),
        "ตุลาคม 2569",
        "October 2026",
    )
    assert ProgressReport.objects.filter(period__network=cast.network).count() == reports_before
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.frequency == "monthly"
    assert not schedule.pending_change
    # The beat afterwards adds nothing and overlaps nothing.
    assert services.periods_open(today=today) == 0
    assert (
        set(ReportingPeriod.objects.filter(network=cast.network).values_list("id", flat=True))
        == after
    )


def test_an_unstarted_period_someone_wrote_in_is_kept_and_new_periods_go_around_it(cast):
    today = D(2026, 8, 15)
    ScheduleFactory(network=cast.network, frequency="quarterly", starts_on=D(2026, 7, 1))
    services.periods_open(today=today)
    q1 = ReportingPeriod.objects.get(network=cast.network, starts_on=D(2027, 1, 1))
    # A report in a period that has not started (made by hand, or by an older schedule).
    early = ProgressReport.objects.create(period=q1, organisation=cast.partner_org)
    _write(early, cast.partner, "เขียนไว้ล่วงหน้า")

    plan, _done = _change(cast, {"frequency": "monthly"}, today=today)

    assert ReportingPeriod.objects.filter(pk=q1.pk).exists()
    assert {(k.period.pk, k.reason, k.written) for k in plan.kept} >= {(q1.pk, "written", 1)}
    assert len(plan.replaced) == 3  # Q4 2026, Q2 2027, Q3 2027
    _assert_no_overlap(cast.network)
    months = ReportingPeriod.objects.filter(
        network=cast.network, starts_on__gte=D(2026, 10, 1)
    ).exclude(pk=q1.pk)
    assert not months.filter(starts_on__lte=D(2027, 3, 31), ends_on__gte=D(2027, 1, 1)).exists()


# --- moving due dates ------------------------------------------------------------------
@pytest.fixture
def monthly_with_reminders(cast):
    """Monthly from 1 September 2026, due on the 7th; on 3 October at 09:00 the 'seven
    days before' reminders for September (due 7 October) are planned, and the
    partner's has been sent."""
    ScheduleFactory(
        network=cast.network,
        frequency="monthly",
        starts_on=D(2026, 9, 1),
        due_day=7,
        remind_days_before=[7, 1],
    )
    services.periods_open(today=D(2026, 10, 3))
    now = bkk(2026, 10, 3, 9)
    services.reminders_plan(now=now)
    september = ReportingPeriod.objects.get(network=cast.network, starts_on=D(2026, 9, 1))
    rows = Reminder.objects.filter(report__period=september, kind="before:7")
    sent = rows.get(recipient=cast.partner)
    assert services.reminder_send(reminder_id=sent.pk, now=now) == "sent"
    pending = rows.get(recipient=cast.coordinator)
    assert pending.status == "pending"
    return september, sent, pending, now


def test_a_due_day_change_moves_unsent_due_dates_and_replans_their_reminders(
    cast, monthly_with_reminders
):
    september, sent, pending, now = monthly_with_reminders
    periods = {p.pk: p.due_on for p in ReportingPeriod.objects.filter(network=cast.network)}

    plan, done = _change(cast, {"due_day": 10}, today=D(2026, 10, 3))

    moved = {
        p.pk
        for p in ReportingPeriod.objects.filter(network=cast.network)
        if p.due_on != periods[p.pk]
    }
    assert moved == {m.period.pk for m in plan.moved}
    assert len(moved) == len(plan.moved)
    assert not plan.replaced
    assert not plan.created
    september.refresh_from_db()
    assert september.due_on == D(2026, 10, 10)
    assert (D(2026, 10, 7), D(2026, 10, 10)) in {(m.old_due, m.new_due) for m in plan.moved}
    # The unsent reminder for the old date is gone; the sent one stays as it was.
    assert done.reminders_replanned == 1
    assert not Reminder.objects.filter(pk=pending.pk).exists()
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert sent.due_at == bkk(2026, 9, 30, 8)
    # The sweep plans it again from the new date (10 October − 7 days = 3 October 08:00),
    # and does not send the partner the same reminder twice.
    services.reminders_plan(now=now)
    again = Reminder.objects.get(
        report__period=september, kind="before:7", recipient=cast.coordinator
    )
    assert again.due_at == bkk(2026, 10, 3, 8)
    assert again.status == "pending"
    assert (
        Reminder.objects.filter(
            report__period=september, kind="before:7", recipient=cast.partner
        ).count()
        == 1
    )


def test_a_due_date_that_would_move_into_the_past_stays(cast, monthly_with_reminders):
    september, _sent, pending, _now = monthly_with_reminders
    plan, done = _change(cast, {"due_day": 1}, today=D(2026, 10, 3))
    september.refresh_from_db()
    assert september.due_on == D(2026, 10, 7)  # 1 October has passed
    assert [(m.period.pk, m.new_due) for m in plan.passed] == [(september.pk, D(2026, 10, 1))]
    assert Reminder.objects.filter(pk=pending.pk).exists()  # its date did not move
    october = ReportingPeriod.objects.get(network=cast.network, starts_on=D(2026, 10, 1))
    assert october.due_on == D(2026, 11, 1)
    assert done.reminders_replanned == 0


def test_a_due_date_that_has_passed_never_moves(cast, monthly_with_reminders):
    september, *_rest = monthly_with_reminders
    plan, _done = _change(cast, {"due_day": 10}, today=D(2026, 10, 8))
    september.refresh_from_db()
    assert september.due_on == D(2026, 10, 7)
    assert september.pk not in {m.period.pk for m in plan.moved + plan.passed}


# --- the preview and the confirmation, through the pages ---------------------------------
def _figures(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)">(\d+)<', html)}


def _digest(html: str) -> str:
    return re.search(r'name="plan" value="([0-9a-f]{64})"', html).group(1)


def test_the_preview_says_exactly_what_confirming_does(cast):
    today = timezone.localdate()
    first = today - dt.timedelta(days=200)
    ScheduleFactory(network=cast.network, frequency="quarterly", starts_on=first, due_day=7)
    services.periods_open(today=today)
    current = ReportingPeriod.objects.get(
        network=cast.network, starts_on__lte=today, ends_on__gte=today
    )
    written = current.reports.get(organisation=cast.partner_org)
    _write(written, cast.partner)
    due_before = {p.pk: p.due_on for p in ReportingPeriod.objects.filter(network=cast.network)}
    reports_before = ProgressReport.objects.filter(period__network=cast.network).count()
    client = cast.client("coordinator")

    response = client.post(
        _url(cast),
        schedule_form_data(frequency="monthly", starts_on=format_input(first), due_day=10),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/schedule/preview/")
    # Nothing has changed yet.
    assert ReportingSchedule.objects.get(network=cast.network).frequency == "quarterly"
    assert {p.pk: p.due_on for p in ReportingPeriod.objects.filter(network=cast.network)} == (
        due_before
    )
    page = client.get(_url(cast, "preview/"))
    assert page.status_code == 200
    html = page.content.decode()
    figures = _figures(html)
    assert current.name_th in html  # the started quarter is named among those kept

    response = client.post(_url(cast, "confirm/"), {"plan": _digest(html)})
    assert response.status_code == 302
    assert response["Location"].endswith("/reports/")

    due_after = {p.pk: p.due_on for p in ReportingPeriod.objects.filter(network=cast.network)}
    assert len(set(due_before) - set(due_after)) == figures["replaced"] > 0
    assert len(set(due_after) - set(due_before)) == figures["created"] > 0
    moved = [pk for pk in due_after if pk in due_before and due_after[pk] != due_before[pk]]
    assert len(moved) == figures["moved"]
    assert figures["kept"] == current.reports.count()
    written.refresh_from_db()
    assert written.problems == "ครูติดสอบปลายภาค"
    assert ProgressReport.objects.filter(period__network=cast.network).count() == (
        reports_before + figures.get("opened", 0)
    )
    _assert_no_overlap(cast.network)
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert (schedule.frequency, schedule.due_day, schedule.pending_change) == ("monthly", 10, {})


def test_a_preview_that_is_no_longer_true_is_shown_again_and_nothing_changes(cast):
    today = timezone.localdate()
    pending_change(cast.network, frequency="monthly")
    services.periods_open(today=today)
    client = cast.client("coordinator")
    digest = _digest(client.get(_url(cast, "preview/")).content.decode())
    # Meanwhile another coordinator asks for something else.
    client.post(_url(cast), schedule_form_data(frequency="semester"))
    spans = _spans(cast.network)
    response = client.post(_url(cast, "confirm/"), {"plan": digest})
    assert response.status_code == 302
    assert response["Location"].endswith("/schedule/preview/")
    assert _spans(cast.network) == spans
    assert ReportingSchedule.objects.get(network=cast.network).frequency == "quarterly"
    # … and a period that went in the meantime changes the plan too.
    digest = _digest(client.get(_url(cast, "preview/")).content.decode())
    ReportingPeriod.objects.filter(network=cast.network, starts_on__gt=today).last().delete()
    spans = _spans(cast.network)
    assert client.post(_url(cast, "confirm/"), {"plan": digest}).status_code == 302
    assert _spans(cast.network) == spans
    assert ReportingSchedule.objects.get(network=cast.network).pending_change


def test_a_change_that_moves_no_period_is_saved_at_once(cast):
    pending_change(cast.network, frequency="monthly")
    # Quiet hours, and term dates of a schedule that is not by semester, move no period.
    response = cast.client("coordinator").post(
        _url(cast), schedule_form_data(quiet_start="21:00", semester1_starts="01/06")
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/reports/")
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.quiet_start == dt.time(21, 0)
    assert not schedule.pending_change
    assert schedule.semester1_starts == "06-01"


def test_a_change_can_be_dropped(cast):
    pending_change(cast.network, frequency="monthly")
    response = cast.client("coordinator").post(_url(cast, "confirm/"), {"action": "discard"})
    assert response.status_code == 302
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.frequency == "quarterly"
    assert not schedule.pending_change
    # With nothing waiting, the preview sends the coordinator back to the form.
    response = cast.client("coordinator").get(_url(cast, "preview/"))
    assert response.status_code == 302
    assert response["Location"].endswith("/schedule/")


# --- who may preview and confirm --------------------------------------------------------
def test_only_coordinators_preview_and_confirm(cast):
    today = timezone.localdate()
    pending_change(cast.network, frequency="monthly")
    services.periods_open(today=today)
    spans = _spans(cast.network)
    digest = _digest(cast.client("coordinator").get(_url(cast, "preview/")).content.decode())
    # Another network's coordinator: this network does not exist for them.
    outsider = PersonFactory(organisation=cast.other_network.lead_organisation)
    RoleFactory(network=cast.other_network, person=outsider, kind=Role.Kind.COORDINATOR)
    for who, client, code in [
        ("chair", cast.client("chair"), 403),
        ("partner", cast.client("partner"), 403),
        ("other_partner", cast.client("other_partner"), 404),
        ("other coordinator", _client_for(outsider.user), 404),
    ]:
        assert client.get(_url(cast, "preview/")).status_code == code, who
        assert client.post(_url(cast, "confirm/"), {"plan": digest}).status_code == code, who
        assert client.post(_url(cast, "confirm/"), {"action": "discard"}).status_code == code
    # None of them changed anything; the coordinator's confirmation still works.
    assert _spans(cast.network) == spans
    assert ReportingSchedule.objects.get(network=cast.network).frequency == "quarterly"
    response = cast.client("coordinator").post(_url(cast, "confirm/"), {"plan": digest})
    assert response["Location"].endswith("/reports/")
    assert ReportingSchedule.objects.get(network=cast.network).frequency == "monthly"


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# --- bad input ----------------------------------------------------------------------------
def test_term_dates_that_overlap_are_refused_in_thai_and_nothing_changes(cast):
    ScheduleFactory(network=cast.network)
    bad = schedule_form_data(frequency="semester", semester1_ends="30/11", semester2_starts="01/11")
    response = cast.client("coordinator").post(_url(cast), bad)
    assert response.status_code == 422
    assert "ภาคเรียนที่ 1 ต้องสิ้นสุดก่อนภาคเรียนที่ 2 เริ่ม" in response.content.decode()
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.frequency == "quarterly"
    assert not schedule.pending_change
    response = cast.client("coordinator").post(
        _url(cast), schedule_form_data(frequency="semester", semester2_ends="29/02")
    )
    assert response.status_code == 422
    assert not ReportingSchedule.objects.get(network=cast.network).pending_change


def test_custom_dates_with_names_and_a_bad_line(cast):
    client = cast.client("coordinator")
    response = client.post(
        _url(cast),
        schedule_form_data(
            frequency="custom",
            starts_on="01/06/2569",
            custom_end_dates="31/07/2569 รอบกลางภาค | Mid-term round\n31/13/2569",
        ),
    )
    assert response.status_code == 422
    assert "บรรทัดที่ 2" in response.content.decode()
    assert not ReportingSchedule.objects.filter(network=cast.network).exists()
    response = client.post(
        _url(cast),
        schedule_form_data(
            frequency="custom",
            starts_on="01/06/2569",
            custom_end_dates="31/07/2569 รอบกลางภาค | Mid-term round\n30/09/2569",
        ),
    )
    assert response.status_code == 302
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.custom_end_dates == ["2026-07-31", "2026-09-30"]
    assert schedule.custom_names == {"2026-07-31": {"th": "รอบกลางภาค", "en": "Mid-term round"}}
    names = list(
        ReportingPeriod.objects.filter(network=cast.network)
        .order_by("starts_on")
        .values_list("name_th", "name_en")
    )
    assert names == [("รอบกลางภาค", "Mid-term round"), ("รอบที่ 2", "Round 2")]
    # The form shows the names again as they were typed.
    page = client.get(_url(cast)).content.decode()
    assert "31/07/2569 รอบกลางภาค | Mid-term round" in page


def test_the_networks_own_term_dates_are_kept(cast):
    response = cast.client("coordinator").post(
        _url(cast),
        schedule_form_data(
            frequency="semester",
            starts_on="01/06/2569",
            semester1_starts="1/6",
            semester1_ends="30/09",
            semester2_starts="01.11",
            semester2_ends="28/02",
        ),
    )
    assert response.status_code == 302
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert (
        schedule.semester1_starts,
        schedule.semester1_ends,
        schedule.semester2_starts,
        schedule.semester2_ends,
    ) == ("06-01", "09-30", "11-01", "02-28")
    first_two = ReportingPeriod.objects.filter(network=cast.network).order_by("starts_on")[:2]
    assert [(p.starts_on, p.ends_on, p.name_th) for p in first_two] == [
        (D(2026, 6, 1), D(2026, 9, 30), "ภาคเรียนที่ 1/2569"),
        (D(2026, 11, 1), D(2027, 2, 28), "ภาคเรียนที่ 2/2569"),
    ]
    page = cast.client("coordinator").get(_url(cast)).content.decode()
    assert 'value="01/06"' in page
    assert 'value="28/02"' in page


# --- the name everywhere ----------------------------------------------------------------
def test_the_period_name_is_on_pages_emails_and_the_calendar(cast, reporting):
    _s, period, reports = reporting
    assert (period.name_th, period.name_en) == ("ไตรมาส 3/2569", "Q3 2026")
    client = cast.client("partner")
    assert "ไตรมาส 3/2569" in client.get(f"/networks/{cast.network.slug}/reports/").content.decode()
    report = reports[cast.partner_org.pk]
    detail = client.get(f"/networks/{cast.network.slug}/reports/{report.pk}/").content.decode()
    assert "ไตรมาส 3/2569" in detail
    # Ten in the morning, Bangkok time: outside the quiet hours (20:00-07:00), whenever
    # the test runs (at 20:10 it held the reminder back and sent nothing).
    morning = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    reminder = Reminder.objects.create(
        report=report, kind="due", recipient=cast.partner, due_at=morning
    )
    assert services.reminder_send(reminder_id=reminder.pk, now=morning) == "sent"
    assert "ไตรมาส 3/2569" in mail.outbox[-1].body
    token = services.calendar_token_for(user=cast.partner).token
    cal = Calendar.from_ical(client.get(f"/calendar/{token}.ics").content)
    shown = " ".join(
        f"{e.get('SUMMARY', '')} {e.get('DESCRIPTION', '')}" for e in cal.walk("VEVENT")
    )
    assert "ไตรมาส 3/2569" in shown
    # In English, the English name.
    client.post("/language/", {"language": "en", "next": "/"})
    assert "Q3 2026" in client.get(f"/networks/{cast.network.slug}/reports/").content.decode()


def test_the_data_migration_names_existing_periods(cast):
    ScheduleFactory(network=cast.network, frequency="quarterly", starts_on=D(2026, 5, 16))
    made = [
        (D(2026, 5, 16), D(2026, 6, 30)),  # the quarterly schedule's first, clipped
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 10, 31)),  # left from an earlier monthly schedule
        (D(2026, 11, 3), D(2026, 11, 20)),  # fits nothing: its dates
    ]
    for start, end in made:
        ReportingPeriod.objects.create(
            network=cast.network, starts_on=start, ends_on=end, due_on=end
        )
    migration = importlib.import_module("reports.migrations.0005_name_existing_periods")
    migration.name_periods(apps, None)
    names = list(
        ReportingPeriod.objects.filter(network=cast.network)
        .order_by("starts_on")
        .values_list("name_th", "name_en")
    )
    assert names == [
        ("ไตรมาส 2/2569", "Q2 2026"),
        ("ไตรมาส 3/2569", "Q3 2026"),
        ("ตุลาคม 2569", "October 2026"),
        ("3 พฤศจิกายน 2569 – 20 พฤศจิกายน 2569", "3 November 2026 – 20 November 2026"),
    ]


def test_a_yearly_report_is_proposed_from_section_iv_d(cast):
    from tests.agreements.factories import AgreementFactory, VersionFactory

    # IV-C follows learning each semester; IV-D reports once a year (the demo's wording).
    VersionFactory(
        agreement=AgreementFactory(network=cast.network),
        status="signed",
        signed_at=timezone.now(),
        monitoring="ติดตามผลการเรียนรู้ของนักเรียนทุกภาคเรียน",
        reporting="รายงานผลประจำปีต่อสำนักงานเขตพื้นที่การศึกษา",
    )
    schedule = services.schedule_propose_from_agreement(network=cast.network)
    assert (schedule.frequency, schedule.status) == ("yearly", "proposed")
    # IV-D (reporting) decides before IV-C (monitoring), and its sentence is quoted.
    assert schedule.proposed_from.startswith("IV-D: «")
    assert "รายงานผลประจำปี" in schedule.proposed_from


def test_a_late_joiner_gets_the_current_report_from_the_beat(cast):
    today = D(2026, 8, 15)
    ScheduleFactory(network=cast.network, frequency="quarterly", starts_on=D(2026, 7, 1))
    services.periods_open(today=today)
    late = MembershipFactory(network=cast.network, joined_on=D(2026, 8, 10)).organisation
    assert services.periods_open(today=today) == 1
    assert list(
        ProgressReport.objects.filter(organisation=late).values_list("period__name_th", flat=True)
    ) == ["ไตรมาส 3/2569"]


def _under_lock_timeout(attempt) -> None:
    """Run ``attempt`` in a transaction that gives up on a row lock after 200 ms."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '200ms'")
        attempt()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_a_change_and_the_beat_wait_for_the_schedules_row_lock(cast, transactional_db):
    """Whoever holds the schedule's row (a confirmation, the beat) makes the other wait:
    with a short lock timeout, both give up rather than read a schedule mid-change."""
    today = D(2026, 8, 15)
    schedule = pending_change(cast.network, frequency="monthly")
    values = {"frequency": "monthly"}
    raw = schedule.pending_change
    _plan, digest = selectors.schedule_preview(
        network=cast.network, values=values, raw=raw, today=today
    )
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                ReportingSchedule.objects.select_for_update().get(pk=schedule.pk)
                held.set()
                release.wait(30)
        finally:
            connections["default"].close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(30)
        attempts = [
            lambda: services.periods_generate(schedule=schedule, today=today),
            lambda: services.schedule_change_confirm(
                network=cast.network,
                values=values,
                raw=raw,
                expected=digest,
                user=cast.coordinator,
                today=today,
            ),
        ]
        for attempt in attempts:
            with pytest.raises(OperationalError):
                _under_lock_timeout(attempt)
        assert not ReportingPeriod.objects.filter(network=cast.network).exists()
    finally:
        release.set()
        holder.join(30)
    # Once the row is free, the confirmation goes through as previewed.
    services.schedule_change_confirm(
        network=cast.network,
        values=values,
        raw=raw,
        expected=digest,
        user=cast.coordinator,
        today=today,
    )
    assert ReportingSchedule.objects.get(pk=schedule.pk).frequency == "monthly"


def test_the_hourly_beat_reads_a_network_in_the_same_few_queries_however_long_its_history(
    cast,
):
    """The beat used to ask for every period since the first day, one by one (42 queries
    for three years of monthly periods); the planner reads the network's periods once."""
    today = D(2026, 11, 28)
    counts = []
    for first in (D(2025, 12, 1), D(2023, 12, 1)):  # one year, three years of months
        ReportingPeriod.objects.filter(network=cast.network).delete()
        ReportingSchedule.objects.filter(network=cast.network).delete()
        ScheduleFactory(network=cast.network, frequency="monthly", starts_on=first)
        services.periods_open(today=today)
        with CaptureQueriesContext(connection) as queries:
            assert services.periods_open(today=today) == 0
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts
