"""core.compiled: an ORM query compiled once per shape, run with each call's values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import compiled
from network.models import Network, Organisation
from tests.factories import NetworkFactory, OrganisationFactory

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


def _by_slug(slug):
    return (
        Network.objects.select_related("lead_organisation")
        .filter(slug=slug)
        .annotate(n_roles=Count("roles"))
    )


def test_instances_as_the_orm_builds_them():
    a = NetworkFactory(slug="prep-a", benefits=["x", "ไทย"])
    NetworkFactory(slug="prep-b")
    for slug in ("prep-a", "prep-b", "prep-a"):
        (got,) = compiled.objects(_by_slug, slug=slug)
        (want,) = _by_slug(slug)
        assert type(got) is Network
        assert not got._state.adding
        assert {f.attname: getattr(got, f.attname) for f in Network._meta.concrete_fields} == {
            f.attname: getattr(want, f.attname) for f in Network._meta.concrete_fields
        }
        assert got.n_roles == want.n_roles
        with CaptureQueriesContext(connection) as ctx:  # select_related objects are there
            assert got.lead_organisation == want.lead_organisation
            assert got.lead_organisation.name_th == want.lead_organisation.name_th
        assert not ctx.captured_queries
    assert compiled.objects(_by_slug, slug="prep-missing") == []
    assert compiled.objects(_by_slug, slug="prep-a")[0].benefits == ["x", "ไทย"] == a.benefits


def _founded_before(moment):
    return Network.objects.filter(created_at__lt=moment).order_by("slug")


def test_aware_datetimes_are_sent_as_the_orm_sends_them_and_naive_ones_refused():
    NetworkFactory(slug="prep-t")
    later = timezone.now() + dt.timedelta(days=1)
    assert [n.slug for n in compiled.objects(_founded_before, moment=later)] == [
        n.slug for n in _founded_before(later)
    ]
    assert compiled.objects(_founded_before, moment=later - dt.timedelta(days=400)) == []
    with pytest.raises(ValueError, match="aware"):
        compiled.objects(_founded_before, moment=dt.datetime(2030, 1, 1))


def _named_like(*, text):
    return Organisation.objects.name_contains(text).order_by("name_th").values_list("name_th")


# Each search text and how many of the names below it finds (o'b: a quote in the value).
_SEARCHES = {"%": 1, "_": 1, "\\": 1, "50%": 1, "a_b": 1, "a\\b": 1, "o'b": 1, "ป่า": 1, "PRADU": 1}


@pytest.mark.parametrize(("text", "found"), _SEARCHES.items())
def test_a_pattern_on_a_placeholder_matches_what_the_orm_matches_for_the_value(text, found):
    # LIKE's wildcards in the value are escaped by the database (the ORM's pattern_esc
    # for an expression), so "%" finds only the name with a "%", as a plain value does.
    for name in ("ลด 50% ทั้งร้าน", "a_b school", "axb school", "a\\b", "o'b", "ป่าประดู่ Pradu"):
        OrganisationFactory(name_th=name, name_en="")
    expected = list(Organisation.objects.search(text).order_by("name_th").values_list("name_th"))
    assert len(expected) == found
    assert list(compiled.rows(_named_like, text=text)) == expected


def _first(*, ids, limit):
    BUILT.append(("limit", limit))
    return Network.objects.filter(pk__in=ids).order_by("slug").values_list("slug")[:limit]


def test_fixed_values_are_written_into_the_sql_one_statement_each():
    compiled.clear()
    BUILT.clear()
    ids = [NetworkFactory(slug=s).pk for s in ("f1", "f2", "f3")]
    assert list(compiled.rows(_first, fixed={"limit": 1}, ids=ids)) == [("f1",)]
    assert list(compiled.rows(_first, fixed={"limit": 2}, ids=ids)) == [("f1",), ("f2",)]
    assert list(compiled.rows(_first, fixed={"limit": 1}, ids=ids[1:] + ids[:1])) == [("f1",)]
    assert BUILT == [("limit", 1), ("limit", 2)]
