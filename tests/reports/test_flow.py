"""Periods open, partners write and submit, coordinators accept or return."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from reports import services
from reports.models import Notification, ProgressReport, ReportingPeriod, ReportingSchedule

from .factories import ScheduleFactory


def test_period_opener_is_idempotent_and_covers_every_current_member(cast):
    ScheduleFactory(network=cast.network, frequency="quarterly", starts_on=dt.date(2026, 1, 1))
    created = services.periods_open(today=dt.date(2026, 8, 15))
    assert services.periods_open(today=dt.date(2026, 8, 15)) == 0
    periods = ReportingPeriod.objects.filter(network=cast.network).order_by("starts_on")
    started = periods.filter(starts_on__lte=dt.date(2026, 8, 15))
    assert [(p.starts_on, p.ends_on, p.due_on, p.name_th) for p in started] == [
        (dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 7), "ไตรมาส 1/2569"),
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 7), "ไตรมาส 2/2569"),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 7), "ไตรมาส 3/2569"),
    ]
    # A year ahead is made too (for the calendar), with no report until it starts.
    upcoming = periods.filter(starts_on__gt=dt.date(2026, 8, 15))
    assert [p.name_en for p in upcoming] == ["Q4 2026", "Q1 2027", "Q2 2027", "Q3 2027"]
    assert not ProgressReport.objects.filter(period__in=upcoming).exists()
    members = cast.network.memberships.current().count()
    assert created == 3 * members
    current = started.last()
    assert current.reports.count() == members
    # a member that left gets no new report; the other network is untouched
    assert not ProgressReport.objects.filter(period__network=cast.other_network).exists()


def test_a_late_joiner_owes_no_report_for_periods_over_before_it_joined(cast):
    from network.models import Membership
    from tests.factories import OrganisationFactory

    late = OrganisationFactory(name_th="โรงเรียนมาใหม่")
    Membership.objects.create(
        network=cast.network, organisation=late, joined_on=dt.date(2026, 8, 1)
    )
    ScheduleFactory(network=cast.network, frequency="quarterly", starts_on=dt.date(2026, 1, 1))
    services.periods_open(today=dt.date(2026, 8, 15))
    owed = ProgressReport.objects.filter(organisation=late).values_list(
        "period__starts_on", flat=True
    )
    assert list(owed) == [dt.date(2026, 7, 1)]


def test_a_proposed_schedule_opens_nothing(cast):
    ScheduleFactory(network=cast.network, status=ReportingSchedule.Status.PROPOSED)
    assert services.periods_open(today=dt.date(2026, 8, 15)) == 0


def test_partner_saves_a_draft_then_submits_and_it_becomes_read_only(
    cast, reporting, django_capture_on_commit_callbacks
):
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    url = f"/networks/{cast.network.slug}/reports/{report.pk}/"
    client = cast.client("partner")
    response = client.post(url, {"problems": "ขาดงบ", "help_needed": "วิทยากร", "action": "draft"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "draft"
    assert report.problems == "ขาดงบ"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "problems": "ขาดงบ",
                "help_needed": "วิทยากร",
                "action": "submit",
                "confirm_submit": "on",
            },
        )
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.submitted_by == cast.partner
    # the coordinator is told (email and in-app)
    assert any(cast.coordinator.email in m.to for m in mail.outbox)
    assert Notification.objects.filter(user=cast.coordinator, kind="submitted").exists()
    # read-only now
    assert client.post(url, {"problems": "changed", "action": "draft"}).status_code == 403
    report.refresh_from_db()
    assert report.problems == "ขาดงบ"
    page = client.get(url).content.decode()
    assert "ขาดงบ" in page
    assert 'name="problems"' not in page


def test_partner_cannot_write_another_organisations_report(cast, reporting):
    _s, _p, reports = reporting
    lead = reports[cast.network.lead_organisation_id]
    url = f"/networks/{cast.network.slug}/reports/{lead.pk}/"
    assert cast.client("partner").get(url).status_code == 403
    assert cast.client("partner").post(url, {"action": "submit"}).status_code == 403
    assert cast.client("other_partner").get(url).status_code == 404
    # the chair reads it but cannot write it
    assert cast.client("chair").get(url).status_code == 200
    assert cast.client("chair").post(url, {"action": "submit"}).status_code == 403
    lead.refresh_from_db()
    assert lead.status == "draft"


@pytest.mark.parametrize("accept", [True, False])
def test_coordinator_accepts_or_returns_and_the_partner_is_told(
    cast, reporting, accept, django_capture_on_commit_callbacks
):
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    services.report_save(
        report=report, user=cast.partner, problems="", help_needed="", narratives={}, submit=True
    )
    mail.outbox.clear()
    url = f"/networks/{cast.network.slug}/reports/{report.pk}/review/"
    data = {"decision": "accept"} if accept else {"decision": "return", "comment": "เพิ่มตัวเลข"}
    with django_capture_on_commit_callbacks(execute=True):
        assert cast.client("coordinator").post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == ("accepted" if accept else "returned")
    [message] = [m for m in mail.outbox if cast.partner.email in m.to]
    notice = Notification.objects.get(user=cast.partner)
    assert notice.kind == ("accepted" if accept else "returned")
    if not accept:
        assert "เพิ่มตัวเลข" in message.body
        assert notice.comment == "เพิ่มตัวเลข"
        # a returned report is editable again
        page = cast.client("partner").get(f"/networks/{cast.network.slug}/reports/{report.pk}/")
        assert 'name="problems"' in page.content.decode()


def test_returning_without_a_comment_is_refused(cast, reporting):
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    services.report_save(
        report=report, user=cast.partner, problems="", help_needed="", narratives={}, submit=True
    )
    url = f"/networks/{cast.network.slug}/reports/{report.pk}/review/"
    response = cast.client("coordinator").post(url, {"decision": "return"}, follow=True)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert "ความคิดเห็น" in response.content.decode() or "comment" in response.content.decode()


def test_reviewing_a_draft_changes_nothing(cast, reporting):
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    url = f"/networks/{cast.network.slug}/reports/{report.pk}/review/"
    cast.client("coordinator").post(url, {"decision": "accept"})
    report.refresh_from_db()
    assert report.status == "draft"


def test_schedule_form_saves_and_rejects_bad_input(cast):
    url = f"/networks/{cast.network.slug}/reports/schedule/"
    client = cast.client("coordinator")
    good = {
        "frequency": "semester",
        "starts_on": "16/05/2569",
        "due_day": "5",
        "remind_days_before": "7, 1",
        "remind_on_due_day": "on",
        "remind_days_after": "3",
        "escalate_after_days": "7",
        "escalate_chair_after_days": "14",
        "send_time": "08:00",
        "quiet_start": "20:00",
        "quiet_end": "07:00",
        "weekly_cap": "5",
    }
    bad = good | {"remind_days_before": "seven", "starts_on": "16/05/9999"}
    response = client.post(url, bad)
    assert response.status_code == 422
    assert not ReportingSchedule.objects.filter(network=cast.network).exists()
    response = client.post(url, good)
    assert response.status_code == 302
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.starts_on == dt.date(2026, 5, 16)  # B.E. 2569 stored as 2026
    assert schedule.remind_days_before == [7, 1]
    assert schedule.is_confirmed
    # The periods are made in the same request (no wait for the hourly beat).
    assert ProgressReport.objects.filter(period__network=cast.network).exists()
    spans = list(
        ReportingPeriod.objects.filter(network=cast.network).values_list(
            "starts_on", "ends_on", "due_on"
        )
    )
    assert (dt.date(2026, 5, 16), dt.date(2026, 10, 31), dt.date(2026, 11, 5)) in spans
    assert (dt.date(2026, 11, 1), dt.date(2027, 3, 31), dt.date(2027, 4, 5)) in spans


def test_dashboard_shows_late_and_due_soon(cast, reporting):
    response = cast.client("chair").get(f"/networks/{cast.network.slug}/dashboard/")
    body = response.content.decode()
    assert response.status_code == 200
    assert cast.partner_org.name_th in body  # due 7 Oct 2026, in the past or soon
