"""List pages pin their query counts: the same at 1 row and at 50."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import pg_prepared
from reports.models import Notification, ProgressReport
from reports.selectors.dashboard import kept
from tests.factories import MembershipFactory, OrganisationFactory
from tests.roadmap.factories import ActivityFactory

from .factories import PeriodFactory

# The most queries each page may make, whatever the number of rows (session, user and
# permission queries included). The dashboard read the activities twice (once with their
# owners, unused) and the steps twice: 15 queries here, 16 at national scale; now each
# is read once. The dashboard's body is kept per process while its rows are unchanged
# (reports.selectors.dashboard): the pin is for drawing it, the store emptied first;
# test_dashboard_cache.py pins the request served from the store.
PINNED = {
    "/networks/cast-network/reports/": 7,
    "/networks/cast-network/reports/?status=draft&page=2": 7,
    "/networks/cast-network/dashboard/": 11,
    "/networks/cast-network/reports/committee/": 6,
    "/notifications/": 3,
}
PAGES = list(PINNED)


def _grow(cast, period, n: int) -> None:
    """Add organisations, their reports and notices until there are n of each."""
    have = ProgressReport.objects.filter(period=period).count()
    orgs = [cast.partner_org] if have == 0 else []
    orgs += [OrganisationFactory() for _ in range(n - have - len(orgs))]
    for org in orgs:
        if org == cast.partner_org:
            continue  # already a member
        MembershipFactory(network=cast.network, organisation=org)
    ProgressReport.objects.bulk_create(
        [ProgressReport(period=period, organisation=o) for o in orgs]
    )
    for org in orgs:  # an activity each, for the dashboard's roadmap reads
        ActivityFactory(network=cast.network, owners=[org], due_on=period.due_on)
    report = ProgressReport.objects.filter(period=period).first()
    Notification.objects.bulk_create(
        [
            Notification(
                user=cast.coordinator, network=cast.network, kind="submitted", report=report
            )
            for _ in range(n - Notification.objects.filter(user=cast.coordinator).count())
        ]
    )


def _count(client, path) -> int:
    kept.clear()  # the dashboard draws its body: the most it may cost
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_query_counts_equal_at_1_and_50_rows(cast, django_assert_max_num_queries, path):
    period = PeriodFactory(network=cast.network)
    client = cast.client("coordinator")
    _grow(cast, period, 1)
    client.get(path)  # warm the session
    with django_assert_max_num_queries(PINNED[path]):
        one = _count(client, path)
    _grow(cast, period, 120)  # the reports list: more than two pages
    kept.clear()
    with django_assert_max_num_queries(one):
        client.get(path)
    assert _count(client, path) == one


def _reads(ctx, table: str) -> int:
    """Reads of a table, the dashboard's fingerprint of its rows aside (it reads every
    table the body shows, once, to know whether the kept body still stands)."""
    with connection.cursor() as cursor:  # what each prepared EXECUTE ran
        texts = [pg_prepared.statement_text(cursor, q["sql"]) for q in ctx.captured_queries]
    return sum(f'FROM "{table}"' in text and "md5(" not in text for text in texts)


@pytest.mark.parametrize("with_chart", [True, False], ids=["step-chart", "no-step-chart"])
def test_dashboard_reads_steps_and_activities_once(cast, monkeypatch, with_chart):
    period = PeriodFactory(network=cast.network)
    _grow(cast, period, 5)
    soon = timezone.localdate() + dt.timedelta(days=5)
    ActivityFactory(network=cast.network, title="กิจกรรมใกล้ถึงกำหนด", due_on=soon)
    if not with_chart:  # a step chart that drew nothing: the per-step list stands in
        from reports.selectors import roadmap_reads

        monkeypatch.setattr(roadmap_reads, "step_progress_svg", lambda network: "")
    client = cast.client("coordinator")
    client.get("/networks/cast-network/dashboard/")
    kept.clear()  # the body is drawn, not taken from the store
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/networks/cast-network/dashboard/").content.decode()
    assert _reads(ctx, "roadmap_activity") == 1
    assert _reads(ctx, "roadmap_step") == 1  # the chart's own query, or roadmap_reads.steps()
    assert ("reports-progress" in html) is not with_chart
    assert "กิจกรรมใกล้ถึงกำหนด" in html  # the activities due soon, from the same read
