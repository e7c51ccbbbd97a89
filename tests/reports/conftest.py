from __future__ import annotations

import datetime as dt

import pytest

from reports.models import ProgressReport
from reports.periods import BANGKOK

from .factories import PeriodFactory, ScheduleFactory


def bkk(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BANGKOK)


@pytest.fixture
def reporting(cast):
    """A confirmed quarterly schedule and one period (Jul–Sep 2026, due 7 Oct 2026)
    with a report for every member of the cast's network."""
    schedule = ScheduleFactory(network=cast.network)
    period = PeriodFactory(network=cast.network)
    reports = {
        m.organisation_id: ProgressReport.objects.create(period=period, organisation=m.organisation)
        for m in cast.network.memberships.current()
    }
    return schedule, period, reports
