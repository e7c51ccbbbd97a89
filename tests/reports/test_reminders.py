"""Reminders: planned once, claimed before sending, honouring the person and the policy."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from reports import services
from reports.models import Notification, Reminder, ReminderPreference

from .conftest import bkk

DUE = dt.date(2026, 10, 7)


def _sweep_and_send(now):
    for rid in services.reminder_sweep(now=now):
        services.reminder_send(reminder_id=rid, now=now)


def _to(user):
    return [m for m in mail.outbox if user.email in m.to]


def test_seven_days_before_reaches_the_partner_once(cast, reporting):
    now = bkk(2026, 9, 30, 9)
    _sweep_and_send(now)
    _sweep_and_send(now + dt.timedelta(minutes=15))  # a second sweep finds nothing new
    sent = _to(cast.partner)
    assert len(sent) == 1
    assert cast.partner_org.name_th in sent[0].subject
    row = Reminder.objects.get(recipient=cast.partner)
    assert row.kind == "before:7"
    assert row.status == "sent"
    assert row.sent_at
    # the same notice in the app
    assert Notification.objects.filter(user=cast.partner, reminder=row).count() == 1
    # text and HTML, with a direct link to the report
    report = row.report
    link = f"/networks/{cast.network.slug}/reports/{report.pk}/"
    assert link in sent[0].body
    assert link in sent[0].alternatives[0][0]


def test_nothing_before_the_send_time(cast, reporting):
    _sweep_and_send(bkk(2026, 9, 30, 7, 59))  # send_time is 08:00 Bangkok
    assert not Reminder.objects.exists()


def test_a_sent_row_is_never_sent_again(cast, reporting):
    now = bkk(2026, 9, 30, 9)
    _sweep_and_send(now)
    row = Reminder.objects.get(recipient=cast.partner)
    assert services.reminder_send(reminder_id=row.pk, now=now) == "not-mine"
    # even long after any claim would be stale
    later = now + dt.timedelta(days=1)
    assert services.reminder_send(reminder_id=row.pk, now=later) == "not-mine"
    assert len(_to(cast.partner)) == 1


def test_a_live_claim_blocks_a_second_worker_and_a_stale_one_is_reclaimed(cast, reporting):
    now = bkk(2026, 9, 30, 9)
    services.reminders_plan(now=now)
    row = Reminder.objects.get(recipient=cast.partner)
    # worker A claims, then dies before sending
    assert services.reminder_claim(reminder_id=row.pk, now=now)
    assert services.reminder_send(reminder_id=row.pk, now=now + dt.timedelta(minutes=1)) == (
        "not-mine"
    )
    assert row.pk not in services.reminders_due_ids(now=now + dt.timedelta(minutes=1))
    assert not mail.outbox
    # after the stale timeout the sweep offers it again and it goes out exactly once
    later = now + dt.timedelta(minutes=11)
    assert row.pk in services.reminders_due_ids(now=later)
    assert services.reminder_send(reminder_id=row.pk, now=later) == "sent"
    assert len(_to(cast.partner)) == 1
    row.refresh_from_db()
    assert row.attempts == 2


def test_opt_out_of_non_essential_reminders(cast, reporting):
    ReminderPreference.objects.create(user=cast.partner, mode="essential")
    _sweep_and_send(bkk(2026, 9, 30, 9))  # 7 days before: non-essential
    assert not _to(cast.partner)
    assert Reminder.objects.get(recipient=cast.partner).skip_reason == "opted_out"
    _sweep_and_send(bkk(2026, 10, 7, 9))  # on the due day: essential, still arrives
    assert len(_to(cast.partner)) == 1


def test_weekly_digest_instead_of_early_reminders(cast, reporting):
    ReminderPreference.objects.create(user=cast.partner, mode="digest")
    _sweep_and_send(bkk(2026, 9, 30, 9))  # Wednesday: held for the digest
    assert not _to(cast.partner)
    assert Reminder.objects.get(recipient=cast.partner).status == "digest"
    monday = bkk(2026, 10, 5, 8, 30)
    for digest_id in services.digests_plan(now=monday):
        services.digest_send(digest_id=digest_id, now=monday)
        services.digest_send(digest_id=digest_id, now=monday)  # twice: sent once
    digests = _to(cast.partner)
    assert len(digests) == 1
    assert cast.partner_org.name_th in digests[0].body


def test_weekly_cap(cast, reporting):
    schedule, _period, _reports = reporting
    schedule.weekly_cap = 1
    schedule.remind_days_before = [7, 6]
    schedule.save()
    _sweep_and_send(bkk(2026, 10, 1, 9))  # both 7 and 6 days before are due by now
    assert len(_to(cast.partner)) == 1
    reasons = sorted(
        Reminder.objects.filter(recipient=cast.partner).values_list("status", flat=True)
    )
    assert reasons == ["sent", "skipped"]
    assert (
        Reminder.objects.get(recipient=cast.partner, status="skipped").skip_reason == "weekly_cap"
    )


def test_quiet_hours_hold_a_reminder_until_they_end(cast, reporting):
    schedule, _period, _reports = reporting
    schedule.quiet_start = dt.time(7, 0)
    schedule.quiet_end = dt.time(9, 30)
    schedule.save()  # 08:00 send time now falls in quiet hours
    _sweep_and_send(bkk(2026, 9, 30, 9))
    assert not mail.outbox
    assert not Reminder.objects.exists()
    _sweep_and_send(bkk(2026, 9, 30, 9, 30))
    assert len(_to(cast.partner)) == 1
    assert Reminder.objects.get(recipient=cast.partner).due_at == bkk(2026, 9, 30, 9, 30)


def test_a_row_caught_up_during_quiet_hours_waits(cast, reporting):
    _schedule, _period, _reports = reporting
    services.reminders_plan(now=bkk(2026, 9, 30, 9))
    row = Reminder.objects.get(recipient=cast.partner)
    # the broker was down all day; the first sweep that can send runs at 22:00
    assert services.reminder_send(reminder_id=row.pk, now=bkk(2026, 9, 30, 22)) == "quiet"
    row.refresh_from_db()
    assert row.due_at == bkk(2026, 10, 1, 7)
    assert row.claimed_at is None
    assert not mail.outbox
    _sweep_and_send(bkk(2026, 10, 1, 7, 5))
    assert len(_to(cast.partner)) == 1


def test_the_recipients_language(cast, reporting):
    cast.partner.language = "en"
    cast.partner.save()
    _sweep_and_send(bkk(2026, 9, 30, 9))
    [message] = _to(cast.partner)
    assert "due in 7 days" in message.body
    assert message.subject.startswith("Reminder")
    coordinator_mail = [m for m in mail.outbox if cast.coordinator.email in m.to]
    assert coordinator_mail
    assert "ภายใน 7 วัน" in coordinator_mail[0].body


def test_escalation_reaches_the_coordinators(cast, reporting):
    _sweep_and_send(bkk(2026, 10, 14, 9))  # 7 days overdue
    escalations = Reminder.objects.filter(kind="escalation")
    assert set(escalations.values_list("recipient", flat=True)) == {cast.coordinator.pk}
    # one escalation row per open report, all to the coordinator
    assert escalations.count() == len(reporting[2])
    assert all(r.status == "sent" for r in escalations)
    assert not escalations.filter(recipient=cast.partner).exists()
    assert any(
        "Escalation" in m.subject or "แจ้งเตือนผู้ประสานงาน" in m.subject for m in _to(cast.coordinator)
    )


def test_a_submitted_report_gets_no_more_reminders(cast, reporting):
    _schedule, _period, reports = reporting
    report = reports[cast.partner_org.pk]
    services.reminders_plan(now=bkk(2026, 9, 30, 9))
    services.report_save(
        report=report, user=cast.partner, problems="", help_needed="", narratives={}, submit=True
    )
    row = Reminder.objects.get(recipient=cast.partner, kind="before:7")
    assert services.reminder_send(reminder_id=row.pk, now=bkk(2026, 9, 30, 9)) == (
        "skipped:submitted"
    )
    _sweep_and_send(bkk(2026, 10, 10, 9))
    assert not Reminder.objects.filter(report=report, kind__startswith="after").exists()


def test_unconfirmed_schedules_send_nothing(cast, reporting):
    schedule, _period, _reports = reporting
    schedule.status = "proposed"
    schedule.save()
    _sweep_and_send(bkk(2026, 10, 14, 9))
    assert not Reminder.objects.exists()
    assert not mail.outbox


def _no_quiet_hours(schedule) -> None:
    """For tests that run the task on the real clock: at 20:00–07:00 Bangkok the default
    quiet hours would (rightly) hold every email, and the test would depend on the hour."""
    schedule.quiet_start = schedule.quiet_end = dt.time(0, 0)
    schedule.save()


def test_sweep_task_fans_out_one_task_per_due_row(cast, reporting):
    from reports import tasks

    _no_quiet_hours(reporting[0])
    services.reminders_plan(now=bkk(2026, 9, 30, 9))
    # the task runs on the real clock, long after these rows fell due
    assert tasks.reminder_sweep.delay().get() >= 1
    assert Reminder.objects.filter(status="pending").count() == 0
    assert len(_to(cast.partner)) >= 1


def test_a_backlog_is_offered_once_until_the_offer_goes_stale(cast, reporting):
    now = bkk(2026, 9, 30, 9)
    first = services.reminder_sweep(now=now)
    assert first
    # workers are behind: the next sweep does not queue the same rows again
    assert services.reminder_sweep(now=now + dt.timedelta(minutes=15)) == []
    # an offer the broker lost is repeated once it is old
    assert set(services.reminder_sweep(now=now + dt.timedelta(minutes=31))) == set(first)


def test_rows_the_broker_refused_are_offered_by_the_very_next_sweep(cast, reporting, monkeypatch):
    from reports import tasks

    _no_quiet_hours(reporting[0])
    services.reminders_plan(now=bkk(2026, 9, 30, 9))

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.reminder_send, "apply_async", refuse)
    assert tasks.reminder_sweep.delay().get() == 0
    assert Reminder.objects.filter(offered_at__isnull=False).count() == 0
    monkeypatch.undo()
    assert tasks.reminder_sweep.delay().get() >= 1
    assert len(_to(cast.partner)) >= 1
