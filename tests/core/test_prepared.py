"""core.prepared: a queryset compiled once per thread gives what the ORM gives."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from core.prepared import Prepared
from network.models import Network
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db


def _by_slug(slug):
    return (
        Network.objects.select_related("lead_organisation")
        .filter(slug=slug)
        .annotate(n_roles=Count("roles"))
    )


BY_SLUG = Prepared(_by_slug, slug=str)
SLUGS = Prepared(
    lambda lead_id: (
        Network.objects.filter(lead_organisation_id=lead_id)
        .order_by("slug")
        .values_list("slug", "founded_on", "benefits")
    ),
    lead_id=int,
)


def test_instances_as_the_orm_builds_them():
    a = NetworkFactory(slug="prep-a", benefits=["x", "ไทย"])
    NetworkFactory(slug="prep-b")
    for slug in ("prep-a", "prep-b", "prep-a"):
        (got,) = BY_SLUG(slug=slug)
        (want,) = _by_slug(slug)
        assert type(got) is Network
        assert not got._state.adding
        assert {f.attname: getattr(got, f.attname) for f in Network._meta.concrete_fields} == {
            f.attname: getattr(want, f.attname) for f in Network._meta.concrete_fields
        }
        assert got.n_roles == want.n_roles
        with CaptureQueriesContext(connection) as ctx:
            assert got.lead_organisation == want.lead_organisation
            assert got.lead_organisation.name_th == want.lead_organisation.name_th
        assert not ctx.captured_queries
    assert BY_SLUG(slug="prep-missing") == []
    assert BY_SLUG(slug="prep-a")[0].benefits == ["x", "ไทย"] == a.benefits


def test_values_list_rows_and_one_query_each():
    a = NetworkFactory(slug="prep-c")
    NetworkFactory(slug="prep-d", lead_organisation=a.lead_organisation)
    want = list(
        Network.objects.filter(lead_organisation_id=a.lead_organisation_id)
        .order_by("slug")
        .values_list("slug", "founded_on", "benefits")
    )
    with CaptureQueriesContext(connection) as ctx:
        assert SLUGS(lead_id=a.lead_organisation_id) == want
        assert SLUGS(lead_id=str(a.lead_organisation_id)) == want  # coerced as declared
    assert len(ctx.captured_queries) == 2


def test_a_thread_compiles_its_own():
    NetworkFactory(slug="prep-e")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(BY_SLUG._compiled()))
    thread.start()
    thread.join()
    assert seen[0] is not BY_SLUG._compiled()


def test_refuses_what_it_cannot_fill():
    like = Prepared(lambda q: Network.objects.filter(slug__contains=q), q=str)
    with pytest.raises(ValueError, match="transformed"):
        like(q="x")
    unused = Prepared(lambda slug: Network.objects.filter(slug="fixed"), slug=str)
    with pytest.raises(ValueError, match="not a whole parameter"):
        unused(slug="x")
    with pytest.raises(TypeError):
        BY_SLUG(name="x")
