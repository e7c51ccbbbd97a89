"""Issue 13 item 10: the calendar feed lists what is still due, by the period's name,
with the other due dates of the network, each with a reminder the day before.

Read back with icalendar (and the raw lines where the wire format is the point).
"""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from reports import services
from reports.models import ProgressReport
from roadmap import services as roadmap_services
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import Activity
from tests.agreements.factories import AgreementFactory, VersionFactory
from tests.roadmap.factories import ActivityFactory, HealthRoundFactory

pytestmark = pytest.mark.django_db


def _feed(cast, who: str) -> tuple[bytes, dict[str, object]]:
    token = services.calendar_token_for(user=cast.user(who)).token
    response = cast.client("anonymous").get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return response.content, {str(e["UID"]).removesuffix("@khruakhai"): e for e in events}


def _set(report: ProgressReport, status: str) -> None:
    ProgressReport.objects.filter(pk=report.pk).update(status=status)


@pytest.fixture
def dates(cast, reporting):
    """A health round, an obstacle review owned by the partner, an agreement in force
    until 31 May 2027, and two of the partner's activities (one done)."""
    _schedule, period, reports = reporting
    network = cast.network
    rnd = HealthRoundFactory(
        network=network,
        label="รอบประเมินสุขภาพเครือข่าย ภาคเรียนที่ 2/2569",
        opened_on=dt.date(2026, 11, 16),
        closes_on=dt.date(2026, 12, 15),
    )
    entry = network.obstacles.order_by("id").first()
    roadmap_services.obstacle_update(
        entry=entry,
        likelihood=4,
        impact=4,
        mitigation="",
        owner=cast.partner.person,
        review_on=dt.date(2027, 1, 15),
    )
    version = VersionFactory(
        agreement=AgreementFactory(network=network),
        status="signed",
        effective_until=dt.date(2027, 5, 31),
    )
    open_activity = ActivityFactory(
        network=network, owners=[cast.partner_org], due_on=dt.date(2026, 12, 20)
    )
    done = ActivityFactory(
        network=network,
        owners=[cast.partner_org],
        due_on=dt.date(2026, 12, 21),
        status=Activity.Status.DONE,
        percent=100,
    )
    return {
        "period": period,
        "reports": reports,
        "round": rnd,
        "obstacle": entry,
        "version": version,
        "activity": open_activity,
        "done": done,
    }


def test_accepted_and_submitted_reports_are_no_longer_due(cast, dates):
    report = dates["reports"][cast.partner_org.pk]
    _raw, events = _feed(cast, "partner")
    assert f"report-{report.pk}" in events
    for status in ("submitted", "accepted"):
        _set(report, status)
        _raw, events = _feed(cast, "partner")
        assert f"report-{report.pk}" not in events, status
    _set(report, "returned")  # returned for changes: due again
    _raw, events = _feed(cast, "partner")
    assert f"report-{report.pk}" in events


def test_events_use_the_period_name_in_the_persons_language(cast, dates):
    period, report = dates["period"], dates["reports"][cast.partner_org.pk]
    _raw, events = _feed(cast, "partner")
    summary = str(events[f"report-{report.pk}"]["SUMMARY"])
    assert "ไตรมาส 3/2569" in summary
    assert cast.partner_org.name_th in summary
    assert events[f"report-{report.pk}"].decoded("DTSTART") == period.due_on
    cast.coordinator.language = "en"
    cast.coordinator.save()
    _raw, events = _feed(cast, "coordinator")
    summary = str(events[f"period-{period.pk}"]["SUMMARY"])
    assert "Q3 2026" in summary
    assert "ไตรมาส" not in summary


def test_the_other_due_dates_are_there_for_whom_they_concern(cast, dates):
    rnd, entry, version = dates["round"], dates["obstacle"], dates["version"]
    activity, done = dates["activity"], dates["done"]
    _raw, partner = _feed(cast, "partner")
    _raw, coordinator = _feed(cast, "coordinator")
    _raw, chair = _feed(cast, "chair")
    _raw, outsider = _feed(cast, "other_partner")
    # Health round closing: everyone in the network who has not answered.
    for events in (partner, coordinator, chair):
        assert events[f"health-{rnd.pk}"].decoded("DTSTART") == dt.date(2026, 12, 15)
        assert rnd.label in str(events[f"health-{rnd.pk}"]["SUMMARY"])
    # Obstacle review: its owner (the partner) and the coordinators, not the chair.
    assert partner[f"obstacle-{entry.pk}"].decoded("DTSTART") == dt.date(2027, 1, 15)
    assert f"obstacle-{entry.pk}" in coordinator
    assert f"obstacle-{entry.pk}" not in chair
    # The agreement's end: everyone in the network.
    for events in (partner, coordinator, chair):
        assert events[f"agreement-{version.pk}"].decoded("DTSTART") == dt.date(2027, 5, 31)
    # Activities: the open one, not the done one.
    assert f"activity-{activity.pk}" in partner
    assert f"activity-{done.pk}" not in partner
    # Nothing of this network reaches another network's partner.
    assert not any(uid.startswith(("health-", "obstacle-", "agreement-")) for uid in outsider)
    # Once the partner has answered, the round is no longer due for them.
    roadmap_services.health_answer(
        round=rnd,
        respondent=cast.partner,
        organisation=cast.partner_org,
        answers={item.code: 4 for item in HEALTH_ITEMS},
        comment="",
    )
    _raw, partner = _feed(cast, "partner")
    assert f"health-{rnd.pk}" not in partner


def test_every_event_has_a_reminder_the_day_before(cast, dates):
    raw, events = _feed(cast, "coordinator")
    kinds = {uid.split("-")[0] for uid in events}
    assert {"report", "period", "health", "obstacle", "agreement"} <= kinds
    for uid, event in events.items():
        alarms = event.walk("VALARM")
        assert len(alarms) == 1, uid
        assert alarms[0]["TRIGGER"].dt == dt.timedelta(days=-1), uid
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert str(alarms[0]["DESCRIPTION"]) == str(event["SUMMARY"])
    lines = raw.decode().split("\r\n")
    assert lines.count("BEGIN:VALARM") == len(events)
    assert lines.count("TRIGGER:-P1D") == len(events)
