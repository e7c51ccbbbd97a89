"""Factories and helpers for reports tests."""

from __future__ import annotations

import datetime as dt

import factory

from reports import periods as P
from reports.models import (
    CommitteeReport,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)
from tests.factories import NetworkFactory, OrganisationFactory


def _names(o) -> tuple[str, str]:
    def day(value) -> dt.date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))

    return P.name_existing(day(o.starts_on), day(o.ends_on), frequency="quarterly")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingSchedule
        django_get_or_create = ("network",)

    network = factory.SubFactory(NetworkFactory)
    frequency = ReportingSchedule.Frequency.QUARTERLY
    due_day = 7
    starts_on = dt.date(2026, 1, 1)
    status = ReportingSchedule.Status.CONFIRMED


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod
        django_get_or_create = ("network", "starts_on", "ends_on")

    network = factory.SubFactory(NetworkFactory)
    starts_on = dt.date(2026, 7, 1)
    ends_on = dt.date(2026, 9, 30)
    due_on = dt.date(2026, 10, 7)
    # Named as the planner would name it ("ไตรมาส 3/2569" / "Q3 2026").
    name_th = factory.LazyAttribute(lambda o: _names(o)[0])
    name_en = factory.LazyAttribute(lambda o: _names(o)[1])


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    period = factory.SubFactory(PeriodFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class CommitteeReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeReport

    network = factory.SelfAttribute("period.network")
    period = factory.SubFactory(PeriodFactory)
    language = "th"


def schedule_form_data(**changes) -> dict[str, str]:
    """The schedule form as a browser posts it (quarterly from 1/1/2569, due day 7)."""
    data = {
        "frequency": "quarterly",
        "starts_on": "01/01/2569",
        "due_day": "7",
        "semester1_starts": "16/05",
        "semester1_ends": "31/10",
        "semester2_starts": "01/11",
        "semester2_ends": "31/03",
        "custom_end_dates": "",
        "remind_days_before": "7, 1",
        "remind_on_due_day": "on",
        "remind_days_after": "3",
        "escalate_after_days": "7",
        "escalate_chair_after_days": "14",
        "send_time": "08:00",
        "quiet_start": "20:00",
        "quiet_end": "07:00",
        "weekly_cap": "5",
    }
    return data | {k: str(v) for k, v in changes.items()}


def pending_change(network, **changes) -> ReportingSchedule:
    """A confirmed quarterly schedule with a change waiting for its preview."""
    schedule = ScheduleFactory(network=network)
    schedule.pending_change = schedule_form_data(**changes)
    schedule.save()
    return schedule
