"""core.compiled: an ORM query compiled once per shape, run with each call's values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import compiled
from network.models import Network
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db
BUILT: list[tuple] = []


def _networks(*, ids, founded_after):
    BUILT.append((len(ids),))
    return (
        Network.objects.filter(pk__in=ids, founded_on__gt=founded_after)
        .order_by("slug")
        .values_list("slug", "founded_on")
    )


def test_compiled_once_per_shape_and_filled_with_each_calls_values():
    compiled.clear()
    BUILT.clear()
    a, b, c = (
        NetworkFactory(slug=s, founded_on=dt.date(2024, 1, 1) + dt.timedelta(days=i))
        for i, s in enumerate("abc")
    )
    early = dt.date(2000, 1, 1)
    assert list(compiled.rows(_networks, ids=[a.pk], founded_after=early)) == [("a", a.founded_on)]
    assert list(compiled.rows(_networks, ids=[c.pk], founded_after=early)) == [("c", c.founded_on)]
    assert list(compiled.rows(_networks, ids=[c.pk, b.pk], founded_after=a.founded_on)) == [
        ("b", b.founded_on),
        ("c", c.founded_on),
    ]
    assert list(compiled.rows(_networks, ids=[a.pk, b.pk], founded_after=b.founded_on)) == []
    assert BUILT == [(1,), (2,)]  # one compilation per list length
    # dates come back as dates on every database (the ORM's converters run)
    assert isinstance(next(compiled.rows(_networks, ids=[a.pk], founded_after=early))[1], dt.date)


def test_an_empty_list_reads_nothing_and_none_is_refused():
    compiled.clear()
    with CaptureQueriesContext(connection) as queries:
        assert list(compiled.rows(_networks, ids=[], founded_after=dt.date(2000, 1, 1))) == []
    assert queries.captured_queries == []
    with pytest.raises(ValueError, match="founded_after"):
        compiled.rows(_networks, ids=[1], founded_after=None)
