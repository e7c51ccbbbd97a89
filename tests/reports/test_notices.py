"""In-app notices, reminder preferences, and the schedule proposed from the agreement."""

from __future__ import annotations

from reports import services
from reports.models import Notification, ReminderPreference, ReportingSchedule
from reports.services import schedules

from .factories import ScheduleFactory


def test_notifications_page_lists_mine_in_my_language_and_marks_read(cast, reporting):
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    mine = Notification.objects.create(
        user=cast.partner, network=cast.network, report=report, kind="returned", comment="แก้ไข"
    )
    Notification.objects.create(user=cast.chair, network=cast.network, report=report, kind="due")
    client = cast.client("partner")
    body = client.get("/notifications/").content.decode()
    assert "ถูกส่งกลับให้แก้ไข" in body
    assert "แก้ไข" in body
    assert body.count("list-group-item-primary") == 1  # only my own, unread
    cast.partner.language = "en"
    cast.partner.save()
    client.post("/language/", {"language": "en", "next": "/notifications/"})
    assert "was returned for changes" in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_someone_elses_notice_is_a_404_and_stays_unread(cast, reporting):
    theirs = Notification.objects.create(user=cast.chair, network=cast.network, kind="due")
    assert cast.client("partner").post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all(cast):
    for _ in range(3):
        Notification.objects.create(user=cast.partner, network=cast.network, kind="due")
    cast.client("partner").post("/notifications/read-all/")
    assert not Notification.objects.filter(user=cast.partner, read_at__isnull=True).exists()


def test_preferences_save_and_refuse_nonsense(cast):
    client = cast.client("partner")
    assert client.post("/reminders/", {"mode": "everything-twice"}).status_code == 422
    assert not ReminderPreference.objects.filter(user=cast.partner).exists()
    assert client.post("/reminders/", {"mode": "digest"}).status_code == 302
    assert ReminderPreference.objects.get(user=cast.partner).mode == "digest"


def test_schedule_proposed_from_the_agreement_waits_for_confirmation(cast, monkeypatch):
    monkeypatch.setattr(
        schedules,
        "agreement_texts",
        lambda network: ("ภาคีเครือข่ายจัดทำรายงานความก้าวหน้ารายไตรมาส เสนอต่อคณะกรรมการ", ""),
    )
    url = f"/networks/{cast.network.slug}/reports/schedule/propose/"
    assert cast.client("coordinator").post(url).status_code == 302
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.frequency == "quarterly"
    assert schedule.status == "proposed"
    # The proposal quotes the clause it came from, section and sentence.
    assert schedule.proposed_from.startswith("IV-D: «")
    assert "รายไตรมาส" in schedule.proposed_from
    assert services.periods_open() == 0  # nothing opens before the coordinator confirms
    page = cast.client("coordinator").get(f"/networks/{cast.network.slug}/reports/schedule/")
    assert "รายไตรมาส" in page.content.decode()


def test_a_confirmed_schedule_is_not_overwritten_by_a_proposal(cast, monkeypatch):
    ScheduleFactory(network=cast.network, frequency="monthly")
    monkeypatch.setattr(schedules, "agreement_texts", lambda network: ("รายงานทุกภาคเรียน", ""))
    services.schedule_propose_from_agreement(network=cast.network)
    schedule = ReportingSchedule.objects.get(network=cast.network)
    assert schedule.frequency == "monthly"
    assert schedule.is_confirmed


def test_no_words_in_the_agreement_proposes_nothing(cast, monkeypatch):
    monkeypatch.setattr(schedules, "agreement_texts", lambda network: ("", ""))
    assert services.schedule_propose_from_agreement(network=cast.network) is None
    assert not ReportingSchedule.objects.exists()


def test_the_hourly_task_proposes_for_networks_without_a_schedule(cast, monkeypatch):
    from reports import tasks

    monkeypatch.setattr(
        schedules, "agreement_texts", lambda network: ("Partners report monthly.", "")
    )
    tasks.periods_open.delay()
    proposed = ReportingSchedule.objects.get(network=cast.network)
    assert proposed.frequency == "monthly"
    assert not proposed.is_confirmed
