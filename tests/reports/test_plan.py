"""Planning reminders: the set-based path (PostgreSQL) and the portable chunked path plan
exactly the same rows — who, which kind, when due — and a second sweep plans nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from network.models import Network, Role
from reports import services
from reports.models import ProgressReport, Reminder
from tests.factories import MembershipFactory, NetworkFactory, PersonFactory, RoleFactory

from .conftest import bkk
from .factories import PeriodFactory, ScheduleFactory

ON_POSTGRES = connection.vendor == "postgresql"


class _Undo(Exception):
    pass


def _rows() -> set[tuple]:
    return set(
        Reminder.objects.values_list("report_id", "kind", "recipient_id", "due_at", "status")
    )


def _planned_by(plan, now) -> set[tuple]:
    """The rows ``plan`` adds, then undone, so the next path starts from the same place."""
    try:
        with transaction.atomic():
            before = _rows()
            plan(now=now)
            added = _rows() - before
            raise _Undo
    except _Undo:
        pass
    return added


def _network_with(*, status=Network.Status.ACTIVE, confirmed=True, due_on=dt.date(2026, 10, 7)):
    """A network with a coordinator, one partner organisation with a representative, and
    an open report each for the period that is due on ``due_on``."""
    network = NetworkFactory(status=status)
    schedule = ScheduleFactory(
        network=network,
        status="confirmed" if confirmed else "proposed",
        send_time=dt.time(21, 0),  # in the 20:00–07:00 quiet hours: waits until 07:00
    )
    period = PeriodFactory(
        network=network,
        starts_on=due_on - dt.timedelta(days=98),
        ends_on=due_on - dt.timedelta(days=7),
        due_on=due_on,
    )
    people = {}
    for kind in (Role.Kind.COORDINATOR, Role.Kind.PARTNER_REP):
        member = MembershipFactory(network=network)
        person = PersonFactory(organisation=member.organisation)
        RoleFactory(network=network, person=person, kind=kind)
        report = ProgressReport.objects.create(period=period, organisation=member.organisation)
        people[kind] = (person.user.pk, report.pk)
    return network, schedule, people


@pytest.fixture
def country(cast, reporting):
    """The cast's network plus the cases that change what is planned."""
    _schedule, period, reports = reporting
    partner_report = reports[cast.partner_org.pk]
    partner_report.status = ProgressReport.Status.RETURNED  # open again: reminded
    partner_report.save()
    # a second representative of the partner, and one without a login (nobody to email)
    second = PersonFactory(organisation=cast.partner_org)
    RoleFactory(network=cast.network, person=second, kind=Role.Kind.PARTNER_REP)
    RoleFactory(
        network=cast.network,
        person=PersonFactory(organisation=cast.partner_org, user=None, email="x@example.org"),
        kind=Role.Kind.PARTNER_REP,
    )
    # the coordinator also represents the lead organisation: one row per kind, not two
    RoleFactory(network=cast.network, person=cast.coordinator.person, kind=Role.Kind.PARTNER_REP)
    # an organisation that has handed in: nothing for it
    handed_in = MembershipFactory(network=cast.network)
    PersonFactory(organisation=handed_in.organisation)
    ProgressReport.objects.create(
        period=period, organisation=handed_in.organisation, status=ProgressReport.Status.SUBMITTED
    )
    _quiet, _s, quiet_people = _network_with()
    _network_with(status=Network.Status.DISSOLVED)  # skipped
    _network_with(confirmed=False)  # a proposed schedule sends nothing
    _network_with(due_on=dt.date(2026, 8, 1))  # past the plan horizon
    # a row planned before, with its own due time: left as it is
    Reminder.objects.create(
        report=partner_report, kind="after:3", recipient=cast.partner, due_at=bkk(2026, 10, 1)
    )
    return {"second": second.user, "quiet": quiet_people, "reports": reports}


def test_what_is_planned_eight_days_after_the_due_date(cast, country):
    now = bkk(2026, 10, 15, 9)
    added = _planned_by(services.reminders_plan, now)
    reports = country["reports"]
    lead = reports[cast.network.lead_organisation_id].pk
    partner = reports[cast.partner_org.pk].pk
    chair_org = reports[cast.chair.person.organisation_id].pk
    after, escalation = bkk(2026, 10, 10, 8), bkk(2026, 10, 14, 8)
    q_coord, q_coord_report = country["quiet"][Role.Kind.COORDINATOR]
    q_partner, q_partner_report = country["quiet"][Role.Kind.PARTNER_REP]
    coordinator = cast.coordinator.pk
    expected = {
        (lead, "after:3", coordinator, after, "pending"),
        (lead, "escalation", coordinator, escalation, "pending"),
        # the partner's own after:3 row was there already
        (partner, "after:3", country["second"].pk, after, "pending"),
        (partner, "escalation", coordinator, escalation, "pending"),
        # the chair's organisation has no representative: only the escalation
        (chair_org, "escalation", coordinator, escalation, "pending"),
        # 21:00 is in the quiet hours: 07:00 the next morning
        (q_coord_report, "after:3", q_coord, bkk(2026, 10, 11, 7), "pending"),
        (q_partner_report, "after:3", q_partner, bkk(2026, 10, 11, 7), "pending"),
        (q_coord_report, "escalation", q_coord, bkk(2026, 10, 15, 7), "pending"),
        (q_partner_report, "escalation", q_coord, bkk(2026, 10, 15, 7), "pending"),
    }
    assert added == expected


@pytest.mark.parametrize(
    "now",
    [
        bkk(2026, 9, 30, 9),
        bkk(2026, 10, 6, 23),
        bkk(2026, 10, 7, 9),
        bkk(2026, 10, 15, 9),
        bkk(2026, 10, 22, 9),
    ],
    ids=["7-days-before", "quiet-night-before", "due-day", "8-days-after", "15-days-after"],
)
def test_both_paths_plan_the_same_rows(cast, country, now):
    def chunked(*, now):
        return services.reminders_plan_chunked(now=now, chunk=2)  # several chunks

    portable = _planned_by(chunked, now)
    assert portable == _planned_by(services.reminders_plan, now)
    if ON_POSTGRES:
        assert portable == _planned_by(services.reminders_plan_sql, now)
    assert portable or now == bkk(2026, 10, 6, 23)
    # 14 days overdue: the second level, to the committee chair (escalate_chair_after_days)
    chair_rows = {(kind, user) for _r, kind, user, _d, _s in portable if kind == "escalation_chair"}
    fifteen_days_after = now == bkk(2026, 10, 22, 9)
    assert chair_rows == ({("escalation_chair", cast.chair.pk)} if fifteen_days_after else set())


@pytest.mark.parametrize("path", ["auto", "chunked", "sql"])
def test_a_second_plan_adds_nothing(cast, country, path):
    if path == "sql" and not ON_POSTGRES:
        pytest.skip("the INSERT … SELECT path is PostgreSQL's")
    plan = {
        "auto": services.reminders_plan,
        "chunked": services.reminders_plan_chunked,
        "sql": services.reminders_plan_sql,
    }[path]
    now = bkk(2026, 10, 15, 9)
    first = plan(now=now)
    rows = _rows()
    assert first == len(rows) - 1  # all but the row that was there
    assert plan(now=now) == 0
    assert plan(now=now + dt.timedelta(minutes=15)) == 0
    assert _rows() == rows
    # and the ids offered to workers are the due, pending rows, once
    ids = services.reminders_due_ids(now=now)
    assert sorted(ids) == sorted(
        Reminder.objects.filter(status="pending").values_list("id", flat=True)
    )


def test_nothing_to_plan_is_no_query_storm(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert services.reminders_plan(now=bkk(2026, 10, 15, 9)) == 0
