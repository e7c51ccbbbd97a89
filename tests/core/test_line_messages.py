"""What a person sees in LINE: a real report reminder, planned and sent by the reports
sweep for a partner who chose LINE, as the local LINE server received it — Thai, a
Buddhist Era date, the link to the report; no email for it. And a signing request."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from core.models import ChannelChoice, LineDelivery, LineLink
from core.notify import line_text
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


@pytest.mark.parametrize(
    ("kind", "template"),
    [
        ("signing_request", "agreements_sign_request"),
        ("signing_reminder", "agreements_reminder"),
        ("report_reminder", "reports_reminder"),
        ("escalation", "reports_reminder"),
        ("digest", "reports_digest"),
        ("notice", "roadmap_blocked"),
    ],
)
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_kind_reads_short_with_its_link(kind, template, language):
    due = dt.date(2026, 11, 30)
    organisation = SimpleNamespace(name="โรงเรียนบ้านป่าประดู่")
    network = SimpleNamespace(name="เครือข่ายส่งเสริมการอ่าน")
    report = SimpleNamespace(
        organisation=organisation, period=SimpleNamespace(due_on=due, network=network)
    )
    context = {
        "network": network,
        "organisation": organisation,
        "party": SimpleNamespace(organisation=organisation),
        "version": SimpleNamespace(number=2),
        "sequence": 1,
        "kind": "escalation" if kind == "escalation" else "before",
        "period": SimpleNamespace(due_on=due),
        "items": [(SimpleNamespace(report=report), "https://k.example/r/1/")],
        "activity": SimpleNamespace(title="อบรมครู"),
    }
    text = line_text(
        kind=kind, template=template, context=context, url="https://k.example/x/", language=language
    )
    assert text.endswith("https://k.example/x/")
    assert len(text) < 500
    if kind in ("report_reminder", "escalation", "digest"):
        assert ("2569" in text) == (language == "th")
