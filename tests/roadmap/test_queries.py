"""List pages keep a fixed number of queries however many activities there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import ActivityFactory, ProgressUpdateFactory, WinFactory

pytestmark = pytest.mark.django_db

OVERVIEW_MAX = 6
MY_TASKS_MAX = 8


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


def _wins(cast, n: int) -> None:
    for _ in range(n):
        win = WinFactory(network=cast.network)
        win.organisations.add(cast.partner_org)
        win.people.add(cast.partner.person)


def _rounds(cast, n: int) -> None:
    from roadmap import services
    from roadmap.catalogue import HEALTH_ITEMS

    from .factories import HealthRoundFactory

    for _ in range(n):
        rnd = HealthRoundFactory(network=cast.network)
        services.health_answer(
            round=rnd,
            respondent=cast.partner,
            organisation=cast.partner_org,
            answers={i.code: 4 for i in HEALTH_ITEMS},
            comment="ดี",
        )


@pytest.mark.parametrize(
    ("path", "grow", "more"),
    [
        ("steps/5/", _activities, 49),
        ("wins/", _wins, 49),
        ("health/", _rounds, 9),
    ],
    ids=["step_detail", "wins", "health"],
)
def test_other_list_pages_do_not_grow_with_rows(cast, path, grow, more):
    client = cast.client("partner")
    url = f"/networks/{cast.network.slug}/roadmap/{path}"
    grow(cast, 1)
    client.get(url)
    one = _count(client, url)
    grow(cast, more)
    assert _count(client, url) == one


def test_an_activitys_page_does_not_grow_with_its_updates(cast):
    """The activity's page (the form a partner opens on the deadline day) lists every
    update with its author, organisation and evidence in a fixed number of queries."""
    from .factories import EvidenceFactory

    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    client = cast.client("partner")
    url = f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/"

    def grow(n: int) -> None:
        for _ in range(n):
            update = ProgressUpdateFactory(activity=activity, author=cast.partner)
            EvidenceFactory(update=update)

    grow(1)
    client.get(url)
    one = _count(client, url)
    grow(9)
    page = client.get(url).content.decode()
    assert page.count("รายงาน.pdf") >= 10  # every update's evidence is listed
    assert _count(client, url) == one
