"""List pages keep a fixed number of queries however many activities there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import ActivityFactory, ProgressUpdateFactory, WinFactory

pytestmark = pytest.mark.django_db

OVERVIEW_MAX = 12
MY_TASKS_MAX = 10


def _activities(cast, n: int) -> None:
    today = dt.date.today()
    for i in range(n):
        activity = ActivityFactory(
            network=cast.network,
            owners=[cast.partner_org, cast.network.lead_organisation],
            due_on=today + dt.timedelta(days=i - n // 2),
        )
        ProgressUpdateFactory(activity=activity, author=cast.partner)
    WinFactory(network=cast.network)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "limit"),
    [("/networks/cast-network/roadmap/", OVERVIEW_MAX), ("/my/tasks/", MY_TASKS_MAX)],
    ids=["overview", "my_tasks"],
)
def test_query_count_is_the_same_at_1_and_50_activities(
    cast, django_assert_max_num_queries, url, limit
):
    client = cast.client("partner")
    _activities(cast, 1)
    client.get(url)  # warm the session
    one = _count(client, url)
    _activities(cast, 49)
    with django_assert_max_num_queries(limit):
        client.get(url)
    fifty = _count(client, url)
    assert one == fifty
