"""List pages pin their query counts: the same at 1 row and at 50."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Notification, ProgressReport
from tests.factories import MembershipFactory, OrganisationFactory

from .factories import PeriodFactory

PAGES = [
    "/networks/cast-network/reports/",
    "/networks/cast-network/dashboard/",
    "/networks/cast-network/reports/committee/",
    "/notifications/",
]


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
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_query_counts_equal_at_1_and_50_rows(cast, django_assert_max_num_queries, path):
    period = PeriodFactory(network=cast.network)
    client = cast.client("coordinator")
    _grow(cast, period, 1)
    client.get(path)  # warm the session
    one = _count(client, path)
    _grow(cast, period, 50)
    with django_assert_max_num_queries(one):
        client.get(path)
    assert _count(client, path) == one
    assert one <= 16
