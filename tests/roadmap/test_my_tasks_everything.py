"""My tasks is everything I owe (issue 13 item 5): roadmap activities, the reports my
organisation owes (the escalated ones say so), signatures awaited from me, health-check
rounds open that I have not answered, obstacle reviews due on rows I (or my
organisation) own; late first; never another network's; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.models import Membership, Role
from network.tasks_registry import providers, tasks_owed
from reports.models import Reminder
from roadmap.models import HealthResponse, ObstacleEntry
from tests.agreements.factories import sent_for
from tests.factories import OrganisationFactory, PersonFactory, RoleFactory
from tests.reports.factories import PeriodFactory, ReportFactory

from .factories import ActivityFactory, HealthRoundFactory

pytestmark = pytest.mark.django_db
URL = "/my/tasks/"


def _today() -> dt.date:
    return timezone.localdate()


def _report(network, organisation, *, due: dt.date, **kwargs):
    period = PeriodFactory(
        network=network,
        starts_on=due - dt.timedelta(days=40),
        ends_on=due - dt.timedelta(7),
        due_on=due,
    )
    return ReportFactory(period=period, organisation=organisation, **kwargs)


def _escalate(report, user) -> None:
    Reminder.objects.create(
        report=report,
        kind="escalation",
        recipient=user,
        due_at=timezone.now(),
        status=Reminder.Status.SENT,
        sent_at=timezone.now(),
    )


def _kinds(response) -> list[tuple[str, str]]:
    return [(t.kind, t.title) for t in response.context["tasks"]]


def test_every_app_registers_its_provider():
    assert {"roadmap", "agreements", "reports"} <= set(providers())


def test_reports_my_organisation_owes_late_first_and_escalated_say_so(cast):
    today = _today()
    late = _report(cast.network, cast.partner_org, due=today - dt.timedelta(days=9))
    _escalate(late, cast.coordinator)
    soon = _report(cast.network, cast.partner_org, due=today + dt.timedelta(days=5))
    _report(cast.network, cast.partner_org, due=today - dt.timedelta(days=40), status="submitted")
    _report(cast.network, cast.network.lead_organisation, due=today - dt.timedelta(days=3))
    response = cast.client("partner").get(URL)
    tasks = response.context["tasks"]
    assert [(t.kind, t.pk) for t in tasks] == [("report", late.pk), ("report", soon.pk)]
    assert tasks[0].late
    assert tasks[0].escalated
    assert not tasks[1].late
    assert not tasks[1].escalated
    body = response.content.decode()
    assert "รายงานความก้าวหน้า" in body
    assert "ส่งเรื่องต่อแล้ว" in body
    assert f"/networks/{cast.network.slug}/reports/{late.pk}/" in body
    assert response.context["late"] == 1


def test_a_signature_awaited_from_me(cast):
    version = sent_for(cast)
    response = cast.client("partner").get(URL)
    rows = [t for t in response.context["tasks"] if t.kind == "signature"]
    assert [(t.title, t.detail) for t in rows] == [(version.agreement.title, cast.partner_org.name)]
    assert (
        f"/networks/{cast.network.slug}/agreement/v{version.number}/" in response.content.decode()
    )
    # signed: nothing awaited any more; the chair is no signatory at all
    version.parties.filter(signatory=cast.partner.person).update(
        status="signed", signed_at=timezone.now()
    )
    assert not [t for t in tasks_owed(user=cast.partner, today=_today()) if t.kind == "signature"]
    assert not [t for t in tasks_owed(user=cast.chair, today=_today()) if t.kind == "signature"]


def test_a_health_round_open_that_i_have_not_answered(cast):
    today = _today()
    round_ = HealthRoundFactory(network=cast.network, label="รอบสุขภาพเครือข่าย")
    HealthRoundFactory(
        network=cast.network,
        label="รอบที่ปิดแล้ว",
        opened_on=today - dt.timedelta(60),
        closes_on=today - dt.timedelta(30),
    )
    assert _kinds(cast.client("partner").get(URL)) == [("health", "รอบสุขภาพเครือข่าย")]
    HealthResponse.objects.create(round=round_, respondent=cast.partner, answers={})
    assert _kinds(cast.client("partner").get(URL)) == []
    # answering is per person: the coordinator still owes it
    assert ("health", "รอบสุขภาพเครือข่าย") in _kinds(cast.client("coordinator").get(URL))


def test_obstacle_reviews_due_on_rows_i_or_my_organisation_own(cast):
    today = _today()
    rows = list(ObstacleEntry.objects.filter(network=cast.network)[:4])
    colleague = PersonFactory(organisation=cast.partner_org)
    mine, ours, far, theirs = rows
    ObstacleEntry.objects.filter(pk=mine.pk).update(
        owner=cast.partner.person, review_on=today - dt.timedelta(days=2)
    )
    ObstacleEntry.objects.filter(pk=ours.pk).update(
        owner=colleague, review_on=today + dt.timedelta(5)
    )
    ObstacleEntry.objects.filter(pk=far.pk).update(
        owner=cast.partner.person, review_on=today + dt.timedelta(days=200)
    )
    ObstacleEntry.objects.filter(pk=theirs.pk).update(
        owner=cast.coordinator.person, review_on=today
    )
    tasks = [t for t in cast.client("partner").get(URL).context["tasks"] if t.kind == "obstacle"]
    assert [(t.pk, t.late) for t in tasks] == [(mine.pk, True), (ours.pk, False)]


def test_activities_as_before_and_mixed_in_due_order(cast):
    today = _today()
    activity = ActivityFactory(
        network=cast.network, owners=[cast.partner_org], due_on=today + dt.timedelta(days=2)
    )
    report = _report(cast.network, cast.partner_org, due=today + dt.timedelta(days=1))
    late = ActivityFactory(
        network=cast.network, owners=[cast.partner_org], due_on=today - dt.timedelta(days=1)
    )
    tasks = cast.client("partner").get(URL).context["tasks"]
    assert [(t.kind, t.pk) for t in tasks] == [
        ("activity", late.pk),
        ("report", report.pk),
        ("activity", activity.pk),
    ]


def _another_networks_everything(cast):
    """Everything owed in the other network, by the other partner's organisation and
    by my own organisation (which is a member there too, but I hold no role there)."""
    today = _today()
    other = cast.other_network
    Membership.objects.create(network=other, organisation=cast.partner_org, joined_on=today)
    for org in (cast.other_org, cast.partner_org):
        ActivityFactory(network=other, owners=[org], title="ของเครือข่ายอื่น")
        _report(other, org, due=today - dt.timedelta(days=3))
    HealthRoundFactory(network=other, label="สุขภาพเครือข่ายอื่น")
    ObstacleEntry.objects.filter(network=other).update(
        owner=PersonFactory(organisation=cast.partner_org), review_on=today
    )


def test_another_networks_tasks_never_appear(cast):
    _another_networks_everything(cast)
    assert cast.client("partner").get(URL).context["tasks"] == []
    theirs = cast.client("other_partner").get(URL).context["tasks"]
    assert {t.kind for t in theirs} == {"activity", "report", "health"}
    assert all(t.network_name == cast.other_network.name for t in theirs)


def test_a_dissolved_network_owes_nothing(cast):
    today = _today()
    ActivityFactory(network=cast.network, owners=[cast.partner_org], due_on=today)
    _report(cast.network, cast.partner_org, due=today)
    cast.network.status = "dissolved"
    cast.network.save(update_fields=["status"])
    assert cast.client("partner").get(URL).context["tasks"] == []


def test_english(cast):
    _report(cast.network, cast.partner_org, due=_today() - dt.timedelta(days=1))
    client = cast.client("partner")
    client.post("/language/", {"language": "en", "next": "/"})
    body = client.get(URL).content.decode()
    assert "Progress report" in body
    assert "late" in body
    assert "· due " in body


def _lots(cast, networks: int, each: int) -> None:
    from tests.factories import NetworkFactory

    today = _today()
    for _ in range(networks):
        network = NetworkFactory()
        Membership.objects.create(network=network, organisation=cast.partner_org, joined_on=today)
        RoleFactory(network=network, person=cast.partner.person, kind=Role.Kind.PARTNER_REP)
        for i in range(each):
            ActivityFactory(network=network, owners=[cast.partner_org, OrganisationFactory()])
            _report(network, cast.partner_org, due=today + dt.timedelta(days=i - 3))
            HealthRoundFactory(network=network)
        ObstacleEntry.objects.filter(network=network).update(
            owner=cast.partner.person, review_on=today
        )


MY_TASKS_QUERIES = 12


def test_query_count_does_not_grow_with_tasks_or_networks(cast, django_assert_max_num_queries):
    client = cast.client("partner")
    _lots(cast, 1, 1)
    sent_for(cast)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    _lots(cast, 4, 5)
    with django_assert_max_num_queries(MY_TASKS_QUERIES):
        response = client.get(URL)
    with CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(response.context["tasks"]) > 50


def _signed_duties(network, organisation, *texts):
    from agreements.models import Agreement, AgreementVersion
    from tests.agreements.factories import AgreementFactory, DutyFactory, VersionFactory

    agreement = Agreement.objects.filter(network=network).first()
    version = VersionFactory(agreement=agreement or AgreementFactory(network=network))
    duties = [DutyFactory(version=version, organisation=organisation, text=t) for t in texts]
    AgreementVersion.objects.filter(pk=version.pk).update(status="signed", signed_at=timezone.now())
    return duties


def test_coordinators_see_the_agreement_duties_still_to_plan(cast):
    first, _second = _signed_duties(cast.network, cast.partner_org, "จัดค่ายการอ่าน", "จัดอบรมครู")
    _signed_duties(cast.other_network, cast.other_org, "ของเครือข่ายอื่น")
    rows = [t for t in cast.client("coordinator").get(URL).context["tasks"] if t.kind == "duties"]
    assert [(t.title, t.url) for t in rows] == [
        ("หน้าที่ตามข้อตกลงที่ลงนามแล้ว 2 ข้อยังไม่อยู่ในแผนงาน", "/networks/cast-network/reports/duties/")
    ]
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    activity.source_duty_id = first.pk
    activity.save()
    rows = [t for t in cast.client("coordinator").get(URL).context["tasks"] if t.kind == "duties"]
    assert [t.title for t in rows] == ["หน้าที่ตามข้อตกลงที่ลงนามแล้ว 1 ข้อยังไม่อยู่ในแผนงาน"]
    # a partner is no coordinator: nothing to plan
    assert not [t for t in tasks_owed(user=cast.partner, today=_today()) if t.kind == "duties"]


def test_a_coordinators_query_count_does_not_grow_with_networks(cast):
    from tests.factories import NetworkFactory

    client = cast.client("coordinator")
    _signed_duties(cast.network, cast.partner_org, "หนึ่ง")
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _ in range(4):
        network = NetworkFactory()
        Membership.objects.create(
            network=network, organisation=cast.network.lead_organisation, joined_on=_today()
        )
        RoleFactory(network=network, person=cast.coordinator.person, kind=Role.Kind.COORDINATOR)
        _signed_duties(network, cast.network.lead_organisation, "ก", "ข", "ค")
        _report(network, cast.network.lead_organisation, due=_today())
    with CaptureQueriesContext(connection) as five:
        response = client.get(URL)
    assert len(one.captured_queries) == len(five.captured_queries) <= MY_TASKS_QUERIES
    assert len([t for t in response.context["tasks"] if t.kind == "duties"]) == 5
