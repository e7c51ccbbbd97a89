"""'Remind now': a coordinator nudges the representatives of a late report.

Through the same claim-once Reminder table (kind "manual:<n>"), in each person's
language; at most one round per report every 24 hours and three per report (one
report per organisation and period); refused with a clear message beyond, and then
nothing changes. Coordinators only (permission_rules.py: chair and partners 403,
another network's people 404).
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from reports import services
from reports.models import Notification, ProgressReport, Reminder
from tests.factories import OrganisationFactory

from .factories import PeriodFactory, ScheduleFactory

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def late(cast):
    """The partner's report, ten days late on the real clock (the views use it)."""
    today = timezone.localdate()
    schedule = ScheduleFactory(network=cast.network)
    schedule.quiet_start = schedule.quiet_end = dt.time(0, 0)  # any hour of the test run
    schedule.save()
    period = PeriodFactory(
        network=cast.network,
        starts_on=today - dt.timedelta(days=100),
        ends_on=today - dt.timedelta(days=17),
        due_on=today - dt.timedelta(days=10),
    )
    return ProgressReport.objects.create(period=period, organisation=cast.partner_org)


def _url(report) -> str:
    return f"/networks/{report.period.network.slug}/reports/{report.pk}/remind/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _to(user):
    return [m for m in mail.outbox if user.email in m.to]


def test_the_coordinator_reminds_a_late_report_once(cast, late, django_capture_on_commit_callbacks):
    cast.partner.language = "en"
    cast.partner.save()
    client = cast.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):  # the worker's send
        response = client.post(_url(late))
    assert response.status_code == 302
    assert response.url == f"/networks/{cast.network.slug}/reports/{late.pk}/"
    assert any("ผู้แทนของ" in m for m in _messages(response))  # the coordinator reads Thai
    row = Reminder.objects.get(report=late, recipient=cast.partner)
    assert row.kind == "manual:1"
    assert row.status == "sent"
    [message] = _to(cast.partner)
    assert message.subject.startswith("Please submit the progress report")
    assert "asks you to submit" in message.body
    assert "10 days ago" in message.body
    assert Notification.objects.get(reminder=row).kind == "manual"
    # nobody else: the chair and the coordinator get nothing
    assert not _to(cast.chair)
    assert not _to(cast.coordinator)


def test_a_second_click_the_same_day_is_refused_and_changes_nothing(cast, late):
    client = cast.client("coordinator")
    client.post(_url(late))
    rows = list(Reminder.objects.values_list("id", "kind", "status"))
    sent = len(mail.outbox)
    response = client.post(_url(late))
    assert response.status_code == 302
    text = _messages(response)[-1]  # after the first click's, not yet shown
    assert "แจ้งเตือนอีกครั้งได้ตั้งแต่" in text
    assert list(Reminder.objects.values_list("id", "kind", "status")) == rows
    assert len(mail.outbox) == sent


def test_the_refusal_is_in_the_coordinators_language(cast, late):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    client = cast.client("coordinator")
    client.post(_url(late))
    text = _messages(client.post(_url(late)))[-1]
    assert "You can remind them again from" in text


def test_once_a_day_and_three_times_in_all(cast, late):
    start = timezone.now()
    for n in range(3):
        at = start + dt.timedelta(hours=24 * n)
        assert services.report_remind_now(report=late, user=cast.coordinator, now=at) == 1
        row = Reminder.objects.get(report=late, kind=f"manual:{n + 1}")
        assert services.reminder_send(reminder_id=row.pk, now=at) == "sent"
        # within the day: refused
        with pytest.raises(services.RemindRefused):
            services.report_remind_now(
                report=late, user=cast.coordinator, now=at + dt.timedelta(hours=23)
            )
    with pytest.raises(services.RemindRefused, match="3 ครั้ง"):
        services.report_remind_now(
            report=late, user=cast.coordinator, now=start + dt.timedelta(days=10)
        )
    kinds = sorted(Reminder.objects.filter(report=late).values_list("kind", flat=True))
    assert kinds == ["manual:1", "manual:2", "manual:3"]
    assert len(_to(cast.partner)) == 3


def test_not_late_yet_or_handed_in_is_refused(cast, late):
    period = late.period
    period.due_on = timezone.localdate() + dt.timedelta(days=3)
    period.save()
    with pytest.raises(services.RemindRefused, match="ยังไม่เลยกำหนด"):
        services.report_remind_now(report=late, user=cast.coordinator)
    period.due_on = timezone.localdate() - dt.timedelta(days=1)
    period.save()
    late.status = ProgressReport.Status.SUBMITTED
    late.save()
    response = cast.client("coordinator").post(_url(late))
    assert "ส่งแล้ว" in _messages(response)[0]
    assert not Reminder.objects.exists()
    assert not mail.outbox


def test_an_organisation_nobody_can_be_reminded_for(cast, late):
    lonely = ProgressReport.objects.create(
        period=late.period,
        organisation=OrganisationFactory(),
    )
    with pytest.raises(services.RemindRefused, match="บัญชีผู้ใช้"):
        services.report_remind_now(report=lonely, user=cast.coordinator)
    assert not Reminder.objects.exists()


def test_handed_in_before_the_worker_sends_it(cast, late):
    """A row the click made but a worker reaches after the report was submitted."""
    row = Reminder.objects.create(
        report=late, kind="manual:1", recipient=cast.partner, due_at=timezone.now()
    )
    services.report_save(
        report=late, user=cast.partner, problems="", help_needed="", narratives={}, submit=True
    )
    assert services.reminder_send(reminder_id=row.pk) == "skipped:submitted"
    assert not _to(cast.partner)


@pytest.mark.parametrize("who", ["chair", "partner"])
def test_others_in_the_network_are_refused(cast, late, who):
    assert cast.client(who).post(_url(late)).status_code == 403
    assert not Reminder.objects.exists()


def test_another_networks_people_see_nothing(cast, late):
    assert cast.client("other_partner").post(_url(late)).status_code == 404
    assert not Reminder.objects.exists()


def test_only_a_post_reminds(cast, late):
    assert cast.client("coordinator").get(_url(late)).status_code == 405
    assert not Reminder.objects.exists()


def test_the_button_is_on_the_report_and_the_list_for_coordinators_only(cast, late):
    url = f"/networks/{cast.network.slug}/reports/{late.pk}/"
    listing = f"/networks/{cast.network.slug}/reports/"
    page = cast.client("coordinator").get(url).content.decode()
    assert _url(late) in page
    assert "ส่งได้อีก 3 ครั้ง" in page
    assert _url(late) in cast.client("coordinator").get(listing).content.decode()
    for who in ("chair", "partner"):
        assert _url(late) not in cast.client(who).get(url).content.decode()
        assert _url(late) not in cast.client(who).get(listing).content.decode()


def test_from_the_list_it_goes_back_to_the_list(cast, late):
    response = cast.client("coordinator").post(_url(late), {"back": "index"})
    assert response.url == f"/networks/{cast.network.slug}/reports/"


@pytest.mark.skipif(not ON_POSTGRES, reason="two connections racing need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_clicking_at_once_make_one_round(cast, late):
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def click() -> None:
        try:
            barrier.wait()
            services.report_remind_now(report=late, user=cast.coordinator)
            outcomes.append("sent")
        except services.RemindRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "sent"]
    assert list(Reminder.objects.values_list("kind", flat=True)) == ["manual:1"]
