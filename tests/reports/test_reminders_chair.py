"""The second escalation level: a report still missing reaches the committee chair.

ReportingSchedule.escalate_chair_after_days (default 14, 0 = never) is planned like the
coordinators' escalation, on both planning paths (tests/reports/test_plan.py compares
them at 15 days overdue too), and sent to the network's chair(s) in their language.
"""

from __future__ import annotations

import datetime as dt

from django.core import mail

from network.models import Role
from reports import services
from reports.models import Notification, Reminder
from tests.factories import PersonFactory, RoleFactory

from .conftest import bkk

# The reporting fixture's period is due on 7 October 2026; 14 days later is the 21st.


def _sweep_and_send(now):
    for rid in services.reminder_sweep(now=now):
        services.reminder_send(reminder_id=rid, now=now)


def _to(user):
    return [m for m in mail.outbox if user.email in m.to]


def test_the_chair_hears_after_fourteen_days_not_before(cast, reporting):
    _sweep_and_send(bkk(2026, 10, 20, 9))  # 13 days overdue: the coordinators only
    assert not Reminder.objects.filter(kind="escalation_chair").exists()
    assert not _to(cast.chair)
    _sweep_and_send(bkk(2026, 10, 21, 9))
    rows = Reminder.objects.filter(kind="escalation_chair")
    # one row per open report, all to the chair, due at the send time (08:00)
    assert set(rows.values_list("recipient", flat=True)) == {cast.chair.pk}
    assert rows.count() == len(reporting[2])
    assert set(rows.values_list("due_at", flat=True)) == {bkk(2026, 10, 21, 8)}
    assert all(r.status == "sent" for r in rows)
    mails = _to(cast.chair)
    assert len(mails) == len(reporting[2])
    assert all(m.subject.startswith("เรียนประธานคณะกรรมการ") for m in mails)
    assert any("เลยกำหนดมาแล้ว 14 วัน" in m.body for m in mails)
    # the in-app notice, once per report
    assert Notification.objects.filter(user=cast.chair, kind="escalation_chair").count() == len(
        reporting[2]
    )
    # a later sweep adds nothing
    _sweep_and_send(bkk(2026, 10, 22, 9))
    assert len(_to(cast.chair)) == len(reporting[2])


def test_the_chair_reads_it_in_their_language(cast, reporting):
    cast.chair.language = "en"
    cast.chair.save()
    _sweep_and_send(bkk(2026, 10, 22, 9))
    mails = _to(cast.chair)
    assert mails
    assert all(m.subject.startswith("For the committee chair:") for m in mails)
    assert any("15 days ago" in m.body and "as chair of the committee" in m.body for m in mails)


def test_the_chair_and_nobody_else(cast, reporting):
    # A network has one chair (role_one_chair_per_network); the committee and another
    # network's chair are not escalated to.
    committee = PersonFactory()
    RoleFactory(network=cast.network, person=committee, kind=Role.Kind.COMMITTEE)
    elsewhere = PersonFactory()
    RoleFactory(network=cast.other_network, person=elsewhere, kind=Role.Kind.CHAIR)
    _sweep_and_send(bkk(2026, 10, 21, 9))
    recipients = set(
        Reminder.objects.filter(kind="escalation_chair").values_list("recipient", flat=True)
    )
    assert recipients == {cast.chair.pk}
    assert not Reminder.objects.filter(kind="escalation_chair", recipient=cast.partner).exists()


def test_zero_means_never(cast, reporting):
    schedule = reporting[0]
    schedule.escalate_chair_after_days = 0
    schedule.save()
    _sweep_and_send(bkk(2026, 11, 1, 9))
    assert not Reminder.objects.filter(kind="escalation_chair").exists()
    assert not _to(cast.chair)


def test_a_report_handed_in_meanwhile_is_not_escalated(cast, reporting):
    report = reporting[2][cast.partner_org.pk]
    services.reminders_plan(now=bkk(2026, 10, 21, 9))
    row = Reminder.objects.get(report=report, kind="escalation_chair")
    services.report_save(
        report=report, user=cast.partner, problems="", help_needed="", narratives={}, submit=True
    )
    assert services.reminder_send(reminder_id=row.pk, now=bkk(2026, 10, 21, 9)) == (
        "skipped:submitted"
    )
    assert not any(cast.partner_org.name_th in m.body for m in _to(cast.chair))


def test_the_chairs_escalation_is_not_capped_nor_held_for_a_digest(cast, reporting):
    from reports.models import ReminderPreference

    ReminderPreference.objects.create(user=cast.chair, mode="digest")
    schedule = reporting[0]
    schedule.weekly_cap = 1
    schedule.save()
    _sweep_and_send(bkk(2026, 10, 21, 9))
    assert len(_to(cast.chair)) == len(reporting[2])


def test_the_quiet_hours_hold_it_until_morning(cast, reporting):
    schedule = reporting[0]
    schedule.send_time = dt.time(21, 0)
    schedule.save()
    services.reminders_plan(now=bkk(2026, 10, 22, 9))
    assert set(
        Reminder.objects.filter(kind="escalation_chair").values_list("due_at", flat=True)
    ) == {bkk(2026, 10, 22, 7)}
