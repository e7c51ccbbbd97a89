"""The committee PDF's reads do not grow with the network: a report's standing reads
its period's due date, so the reports come through the period (which each then holds)
rather than fetching the period once per report (20 members were 40 queries more)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core import pg_prepared
from network.models import Membership
from reports.models import CommitteeReport, ProgressReport
from reports.selectors.committee import committee_context, committee_seal_summary
from tests.factories import OrganisationFactory
from tests.roadmap.factories import ActivityFactory, HealthResponseFactory, HealthRoundFactory

pytestmark = pytest.mark.django_db


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _more_members(network, period, count: int) -> None:
    """Members with a report each, half of them submitted after the due date."""
    for n in range(count):
        organisation = OrganisationFactory()
        Membership.objects.create(
            network=network, organisation=organisation, joined_on=network.founded_on
        )
        report = ProgressReport.objects.create(period=period, organisation=organisation)
        if n % 2:
            report.status = ProgressReport.Status.SUBMITTED
            report.submitted_at = timezone.now()
            report.save()


def test_the_context_reads_the_same_for_more_members(cast, reporting):
    _schedule, period, _reports = reporting

    def context():
        with translation.override("th"):
            return committee_context(network=cast.network, period=period)

    before = _queries(context)
    _more_members(cast.network, period, 6)
    period.refresh_from_db()
    assert _queries(context) == before
    # Each member's standing is its report's own (which reads the period's due date).
    rows = context()["status_rows"]
    assert len(rows) >= 8
    expected = {r.organisation_id: r.standing for r in ProgressReport.objects.filter(period=period)}
    assert {row["organisation"].pk: row["standing"] for row in rows} == expected


# The members, their period's reports, the chair; the plan (steps, activities and
# owners, one query: read apart they were seven); the obstacle register (its table and
# heat map); the health rounds and their answers (the trend and the health chart, no
# expected-respondents count: neither shows a rate); the trend's periods, report
# counts, register history and progress updates; the wins. It was 20.
COMMITTEE_QUERIES = 12


def _from(captured, table: str) -> int:
    with connection.cursor() as cursor:  # what each prepared EXECUTE ran (core.compiled)
        texts = [pg_prepared.statement_text(cursor, q["sql"]) for q in captured.captured_queries]
    return sum(f'FROM "{table}"' in text for text in texts)


def test_the_context_reads_each_table_once(cast, reporting):
    _schedule, period, _reports = reporting
    # Something in each table (a round without answers would skip the answers' query).
    ActivityFactory(network=cast.network, owners=[cast.partner_org])
    HealthResponseFactory(round=HealthRoundFactory(network=cast.network))
    with CaptureQueriesContext(connection) as captured, translation.override("th"):
        committee_context(network=cast.network, period=period)
    assert len(captured.captured_queries) == COMMITTEE_QUERIES
    # The activities come with the steps (plan_rows); the register is read once now.
    assert _from(captured, "roadmap_step") == 1
    assert _from(captured, "roadmap_activity") == 0
    assert _from(captured, "roadmap_obstacleentry") == 1


def test_the_context_is_compiled_once_and_prepared(cast, reporting):
    """The context's reads are compiled once per process (core.compiled) and run as
    prepared statements: a second context builds no query with the ORM."""
    _schedule, period, _reports = reporting
    ActivityFactory(network=cast.network, owners=[cast.partner_org])
    HealthResponseFactory(round=HealthRoundFactory(network=cast.network))
    with translation.override("th"):
        committee_context(network=cast.network, period=period)
        with CaptureQueriesContext(connection) as captured:
            committee_context(network=cast.network, period=period)
    executed = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("EXECUTE")]
    assert len(executed) == COMMITTEE_QUERIES


def test_the_seal_summary_is_one_query(cast, reporting):
    _schedule, period, _reports = reporting
    _more_members(cast.network, period, 6)
    job = CommitteeReport.objects.create(network=cast.network, period=period, language="en")
    job = CommitteeReport.objects.select_related("network", "period").get(pk=job.pk)
    assert _queries(lambda: committee_seal_summary(job)) == 1
    details = dict(committee_seal_summary(job)["details"])
    assert (
        sum(int(v) for v in details.values())
        == ProgressReport.objects.filter(period=period).count()
    )


def test_the_health_rounds_are_read_once(cast, reporting, monkeypatch):
    """The trend and the health chart share one reading of the rounds (two queries),
    without the expected respondents (a rate neither shows)."""
    from reports.selectors import committee
    from roadmap import selectors as roadmap_selectors

    _schedule, period, _reports = reporting
    calls = []
    original = roadmap_selectors.health_summaries

    def counting(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(committee, "health_summaries", counting)
    monkeypatch.setattr(roadmap_selectors, "health_summaries", counting)
    monkeypatch.setattr("reports.selectors.trend.health_summaries", counting)
    monkeypatch.setattr("roadmap.charts.health.health_summaries", counting)
    with translation.override("en"):
        context = committee_context(network=cast.network, period=period)
    assert calls == [{"network": cast.network, "with_expected": False}]
    assert context["health_chart"].startswith("<svg")
