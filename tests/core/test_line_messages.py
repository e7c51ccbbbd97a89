"""What a person sees in LINE: a real report reminder, planned and sent by the reports
sweep for a partner who chose LINE, as the local LINE server received it — Thai, a
Buddhist Era date, the link to the report; no email for it. And a signing request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.models import ChannelChoice, LineDelivery, LineLink
from reports import services
from reports.models import ProgressReport
from tests.reports.factories import PeriodFactory, ScheduleFactory

pytestmark = pytest.mark.django_db


def test_a_report_reminder_reaches_line_in_thai(cast, line_api, django_capture_on_commit_callbacks):
    partner = cast.user("partner")
    partner.language = "th"
    partner.save()
    LineLink.objects.create(user=partner, line_user_id="Upartner0001")
    ChannelChoice.objects.create(
        user=partner, kind=ChannelChoice.Kind.REPORT_REMINDER, channel=ChannelChoice.Channel.LINE
    )
    today = timezone.localdate()
    ScheduleFactory(
        network=cast.network,
        send_time=dt.time(0, 0),
        quiet_start=dt.time(0, 0),
        quiet_end=dt.time(0, 0),
        weekly_cap=50,
    )
    due = today + dt.timedelta(days=1)
    period = PeriodFactory(
        network=cast.network,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=6),
        due_on=due,
    )
    report = ProgressReport.objects.create(period=period, organisation=cast.partner_org)
    with django_capture_on_commit_callbacks(execute=True):
        for reminder_id in services.reminder_sweep():
            services.reminder_send(reminder_id=reminder_id)
    pushes = [p for p in line_api.delivered if p.body["to"] == "Upartner0001"]
    assert pushes, LineDelivery.objects.values("topic", "last_error")
    text = pushes[0].body["messages"][0]["text"]
    assert str(due.year + 543) in text  # the Buddhist Era
    assert f"/reports/{report.pk}/" in text
    assert text.startswith("[เครือข่าย]")
    assert partner.email not in {to for m in mail.outbox for to in m.to}
    print("\n--- as the local LINE server logged it ---\n" + line_api.log[0])
