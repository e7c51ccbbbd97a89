"""The weekly digest lists each report once and counts reports, not reminders.

A person who takes early reminders as a digest can have several waiting for one report
("before:7" and "before:6", or "before:7" and "before:1"): the digest used to list the
report once per reminder and say "2 ฉบับ" for one report.
"""

from __future__ import annotations

import datetime as dt

from django.core import mail

from reports import services
from reports.models import DigestDispatch, ProgressReport, Reminder, ReminderPreference

from .conftest import bkk
from .factories import PeriodFactory

MONDAY = bkk(2026, 10, 5, 8, 30)


def _sweep_and_send(now):
    for rid in services.reminder_sweep(now=now):
        services.reminder_send(reminder_id=rid, now=now)


def _digest(now=MONDAY) -> None:
    for digest_id in services.digests_plan(now=now):
        services.digest_send(digest_id=digest_id, now=now)


def _two_waiting(cast, reporting, language: str) -> None:
    """Two early reminders for the partner's one report, both held for the digest."""
    schedule = reporting[0]
    schedule.remind_days_before = [7, 6]  # 30 September and 1 October, before Monday
    schedule.save()
    cast.partner.language = language
    cast.partner.save()
    ReminderPreference.objects.create(user=cast.partner, mode="digest")
    _sweep_and_send(bkk(2026, 9, 30, 9))
    _sweep_and_send(bkk(2026, 10, 1, 9))
    assert Reminder.objects.filter(recipient=cast.partner, status="digest").count() == 2


def test_one_report_is_listed_once_and_counted_once(cast, reporting):
    _two_waiting(cast, reporting, "en")
    _digest()
    [message] = [m for m in mail.outbox if cast.partner.email in m.to]
    assert message.subject == "Weekly digest: 1 progress report due soon"
    link = f"/reports/{reporting[2][cast.partner_org.pk].pk}/"
    assert message.body.count(link) == 1
    assert message.alternatives[0][0].count(link) == 1
    # both reminders are settled by the one digest
    assert set(
        Reminder.objects.filter(recipient=cast.partner).values_list("status", flat=True)
    ) == {"digested"}
    assert DigestDispatch.objects.get(user=cast.partner).items == 1


def test_in_thai_it_says_one_report(cast, reporting):
    _two_waiting(cast, reporting, "th")
    _digest()
    [message] = [m for m in mail.outbox if cast.partner.email in m.to]
    assert "1 ฉบับ" in message.subject
    assert "2 ฉบับ" not in message.subject
    assert message.body.count(cast.partner_org.name_th) == 1


def test_two_reports_are_two(cast, reporting):
    """A second period due a day later: four reminders waiting, two reports listed."""
    later = PeriodFactory(
        network=cast.network,
        starts_on=dt.date(2026, 8, 1),
        ends_on=dt.date(2026, 9, 30),
        due_on=dt.date(2026, 10, 8),
    )
    ProgressReport.objects.create(period=later, organisation=cast.partner_org)
    schedule = reporting[0]
    schedule.remind_days_before = [7, 6]
    schedule.save()
    cast.partner.language = "en"
    cast.partner.save()
    ReminderPreference.objects.create(user=cast.partner, mode="digest")
    for day in (30, 1, 2):
        _sweep_and_send(bkk(2026, 9 if day == 30 else 10, day, 9))
    assert Reminder.objects.filter(recipient=cast.partner, status="digest").count() == 4
    _digest()
    [message] = [m for m in mail.outbox if cast.partner.email in m.to]
    assert message.subject == "Weekly digest: 2 progress reports due soon"
    assert message.body.count("/reports/") == 2
    assert DigestDispatch.objects.get(user=cast.partner).items == 2
