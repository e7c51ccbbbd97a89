"""A reminder says what is true when it is sent, not what was true when it was planned.

The chosen rule (reports/selectors/reminders.py): the text comes from the days really left (or
late) at send time; and a partner reminder of an earlier stage is skipped as
"superseded" when a later one (due today, overdue) for the same report and person is
due as well, so a catch-up sends the one that fits instead of three.
"""

from __future__ import annotations

import pytest
from django.core import mail

from reports import services
from reports.models import Notification, Reminder

from .conftest import bkk

# The reporting fixture's period is due on 7 October 2026 (Wednesday).
PLANNED = bkk(2026, 9, 30, 9)  # "before:7" falls due at 08:00 this day


def _partner_before7(cast) -> Reminder:
    services.reminders_plan(now=PLANNED)
    return Reminder.objects.get(recipient=cast.partner, kind="before:7")


def _mail_to(user):
    [message] = [m for m in mail.outbox if user.email in m.to]
    return message


@pytest.mark.parametrize(
    ("sent_at", "english", "thai"),
    [
        (bkk(2026, 10, 3, 9), "is due in 4 days", "ครบกำหนดส่งภายใน 4 วัน"),
        (bkk(2026, 10, 6, 9), "is due tomorrow", "ครบกำหนดส่งพรุ่งนี้"),
        (bkk(2026, 10, 7, 9), "is due today", "ครบกำหนดส่งวันนี้"),
        (bkk(2026, 10, 10, 9), "is 3 days overdue", "เลยกำหนดมาแล้ว 3 วัน"),
        (bkk(2026, 10, 8, 9), "is 1 day overdue", "เลยกำหนดมาแล้ว 1 วัน"),
    ],
    ids=["4-days-left", "tomorrow", "today", "3-days-late", "1-day-late"],
)
@pytest.mark.parametrize("language", ["en", "th"])
def test_a_before7_reminder_sent_late_says_the_days_at_send_time(
    cast, reporting, sent_at, english, thai, language
):
    cast.partner.language = language
    cast.partner.save()
    row = _partner_before7(cast)
    assert services.reminder_send(reminder_id=row.pk, now=sent_at) == "sent"
    message = _mail_to(cast.partner)
    expected = english if language == "en" else thai
    assert expected in message.body
    assert expected in message.alternatives[0][0]
    # never the planned "in 7 days"
    assert "7 days" not in message.body
    assert "7 วัน" not in message.body


def test_the_subject_and_the_notice_follow_the_moment(cast, reporting):
    cast.partner.language = "en"
    cast.partner.save()
    row = _partner_before7(cast)
    services.reminder_send(reminder_id=row.pk, now=bkk(2026, 10, 10, 9))
    message = _mail_to(cast.partner)
    assert message.subject.startswith("Overdue:")
    notice = Notification.objects.get(reminder=row)
    assert notice.kind == "after"


def test_on_time_it_still_says_seven_days(cast, reporting):
    cast.partner.language = "en"
    cast.partner.save()
    row = _partner_before7(cast)
    services.reminder_send(reminder_id=row.pk, now=PLANNED)
    assert "is due in 7 days" in _mail_to(cast.partner).body


def test_a_catch_up_sends_the_later_reminder_and_skips_the_stale_one(cast, reporting):
    """The workers were down from 30 September to 10 October: on the first sweep the
    partner gets one email, "3 days overdue", not "in 7 days" and then "overdue"."""
    cast.partner.language = "en"
    cast.partner.save()
    row = _partner_before7(cast)
    now = bkk(2026, 10, 10, 9)
    for rid in services.reminder_sweep(now=now):
        services.reminder_send(reminder_id=rid, now=now)
    row.refresh_from_db()
    assert row.status == "skipped"
    assert row.skip_reason == "superseded"
    assert not Notification.objects.filter(reminder=row).exists()
    message = _mail_to(cast.partner)
    assert "is 3 days overdue" in message.body
    later = Reminder.objects.get(recipient=cast.partner, kind="after:3")
    assert later.status == "sent"


def test_a_reminder_of_the_same_stage_is_not_superseded(cast, reporting):
    """Two "before" reminders (7 and 6 days) stay two: the weekly cap decides those."""
    schedule = reporting[0]
    schedule.remind_days_before = [7, 6]
    schedule.weekly_cap = 5
    schedule.save()
    now = bkk(2026, 10, 1, 9)
    for rid in services.reminder_sweep(now=now):
        services.reminder_send(reminder_id=rid, now=now)
    rows = Reminder.objects.filter(recipient=cast.partner)
    assert sorted(rows.values_list("status", flat=True)) == ["sent", "sent"]


def test_a_later_reminder_not_yet_due_supersedes_nothing(cast, reporting):
    row = _partner_before7(cast)
    # an after:3 row exists but falls due only on 10 October
    Reminder.objects.create(
        report=row.report, kind="after:3", recipient=cast.partner, due_at=bkk(2026, 10, 10, 8)
    )
    assert services.reminder_send(reminder_id=row.pk, now=bkk(2026, 10, 6, 9)) == "sent"
