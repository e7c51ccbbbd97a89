"""core.pg_prepared: statements prepared once per database connection."""

from __future__ import annotations

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core import compiled, pg_prepared
from network.models import Network, Organisation
from tests.factories import NetworkFactory, OrganisationFactory

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def test_values_are_numbered_and_constants_and_percent_signs_kept():
    sql = "SELECT %s FROM t WHERE a = %s AND b LIKE '%%x' AND c IN (%s, %s)"
    body, positions = pg_prepared.split_parameters(sql, [False, True, False, True])
    assert body == "SELECT %s FROM t WHERE a = $1 AND b LIKE '%%x' AND c IN (%s, $2)"
    assert positions == [1, 3]


def _prepared() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'kk_%%'")
        return dict(cursor.fetchall())


def _slugs(*, ids):
    return Network.objects.filter(pk__in=ids).order_by("slug").values_list("slug", "status")


def _named(*, text):
    return Organisation.objects.name_contains(text).values_list("name_th")


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_compiled_query_is_prepared_once_per_connection_and_gives_the_orms_rows():
    compiled.clear()
    connection.close()  # a connection that has prepared nothing yet
    ids = [NetworkFactory(slug=slug).pk for slug in ("p-b", "p-a", "p-c")]
    expected = list(_slugs(ids=ids))
    with CaptureQueriesContext(connection) as ctx:
        assert list(compiled.rows(_slugs, ids=ids)) == expected
        assert list(compiled.rows(_slugs, ids=ids[::-1])) == expected
    # One query each: the first prepares in the same round trip.
    assert len(ctx.captured_queries) == 2
    assert ctx.captured_queries[0]["sql"].startswith("PREPARE kk_")
    assert ctx.captured_queries[1]["sql"].startswith("EXECUTE kk_")
    (name,) = _prepared()
    with connection.cursor() as cursor:
        text = pg_prepared.statement_text(cursor, ctx.captured_queries[1]["sql"])
    assert text.startswith("SELECT")
    assert '"network_network"."slug"' in text
    assert "$1" in text
    assert "$3" in text

    connection.close()  # the next connection has none, and prepares it again
    assert list(compiled.rows(_slugs, ids=ids)) == expected
    assert list(_prepared()) == [name]


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_connection_holds_at_most_the_limit(monkeypatch):
    monkeypatch.setattr(pg_prepared, "LIMIT", 2)
    compiled.clear()
    connection.close()
    ids = [NetworkFactory(slug=f"l-{n}").pk for n in range(4)]
    for size in (1, 2, 3, 4):  # four shapes: four statements
        assert list(compiled.rows(_slugs, ids=ids[:size])) == list(_slugs(ids=ids[:size]))
        assert len(_prepared()) <= 2
    assert list(compiled.rows(_slugs, ids=ids[:1])) == list(_slugs(ids=ids[:1]))


def _led_by_named(*, text):
    # The pattern in a subquery: not in the outer WHERE.
    leads = Organisation.objects.name_contains(text).values("id")
    return Network.objects.filter(lead_organisation__in=leads).values_list("slug")


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_pattern_search_is_not_prepared():
    # Its best plan depends on the pattern; a generic plan would serve every pattern.
    compiled.clear()
    connection.close()
    OrganisationFactory(name_th="โรงเรียนบ้านป่าประดู่")
    assert list(compiled.rows(_named, text="ป่าประดู่")) == [("โรงเรียนบ้านป่าประดู่",)]
    assert list(compiled.rows(_led_by_named, text="ป่าประดู่")) == list(
        Network.objects.filter(lead_organisation__name_th__icontains="ป่าประดู่").values_list("slug")
    )
    assert _prepared() == {}


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_failed_first_execute_leaves_the_next_call_working():
    # The PREPARE runs, its EXECUTE fails (as a timeout would): the statement exists on
    # the server but was never remembered. The next call must not PREPARE it blindly.
    connection.close()

    def divide(by: int) -> int:
        with connection.cursor() as cursor:
            pg_prepared.execute(cursor, "SELECT 10 / $1", [by])
            return cursor.fetchone()[0]

    with pytest.raises(DataError):
        divide(0)
    assert divide(2) == 5
    assert divide(5) == 2
    with pytest.raises(DataError):  # a remembered one failing: the same
        divide(0)
    assert divide(1) == 10


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_first_prepared_in_a_rolled_back_transaction_still_serves():
    compiled.clear()
    connection.close()
    ids = [NetworkFactory(slug=slug).pk for slug in ("r-a", "r-b")]
    expected = list(_slugs(ids=ids))
    with transaction.atomic():
        assert list(compiled.rows(_slugs, ids=ids)) == expected
        transaction.set_rollback(True)
    assert list(compiled.rows(_slugs, ids=ids)) == expected
    assert len(_prepared()) == 1
