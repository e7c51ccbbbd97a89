"""The reads behind network/permissions.py's access rules, each compiled by the ORM
once per process (core.compiled): compiling them cost several times what running them
costs, and every network page makes one of them (``object_read``: the pages of one
activity or report, which a partner opens most).

Only the reads live here; what they mean (who may see, manage, oversee) is decided in
network/permissions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery

from core import compiled

from .models import JoinRequest, Network, Person, Role


@dataclass(frozen=True)
class Asker:
    """A signed-in user as the scoping rules of network/permissions.py
    (``organisations_visible_to``, ``Network.objects.visible_to``) read one, for a query
    compiled once: ``pk`` may be a placeholder, so the rule that builds the query stays
    the one written there."""

    pk: object
    is_superuser: bool
    is_authenticated: bool = True


class _Joined(Aggregate):
    """A group's texts joined by commas: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(distinct)s%(expressions)s, ',')",
            **extra_context,
        )


def _roles_query(network_id, user_id) -> QuerySet:
    # No ordering: Role's default (network name) would join and sort on every page.
    return (
        Role.objects.filter(network_id=network_id, person__user_id=user_id)
        .order_by()
        .values_list("kind", "person__organisation_id")
    )


def _network_query(slug, user_id) -> QuerySet[Network]:
    kinds = (
        Role.objects.filter(network=OuterRef("pk"), person__user_id=user_id)
        .order_by()
        .values("network")
        .annotate(kinds=_Joined("kind"))
        .values("kinds")
    )
    organisation = Person.objects.filter(user_id=user_id).order_by().values("organisation_id")[:1]
    return (
        Network.objects.select_related("lead_organisation")
        .filter(slug=slug)
        .order_by()
        .annotate(my_kinds=Subquery(kinds), my_organisation_id=Subquery(organisation))
    )


def access_roles_read(*, network_id: int, user_id: int) -> list[tuple[str, int | None]]:
    """The user's roles in one network: (kind, organisation of their person)."""
    return list(compiled.rows(_roles_query, network_id=network_id, user_id=user_id))


def access_network_read(*, slug: str, user_id: int) -> tuple[Network, list] | None:
    """The network by its slug with its lead organisation, and the user's roles in it
    as ``access_roles_read`` gives them, in one query; None when no network has the slug.
    (A user has one person, so one organisation: Person.user is one-to-one.)"""
    found = compiled.objects(_network_query, slug=slug, user_id=user_id)
    if not found:
        return None
    network = found[0]
    kinds = network.__dict__.pop("my_kinds")
    organisation_id = network.__dict__.pop("my_organisation_id")
    rows = [(kind, organisation_id) for kind in kinds.split(",")] if kinds else []
    return network, rows


def _object_query(*, scope, base, network_path: str, superuser: bool, user_id, **lookup):
    """``object_read``'s query for a compiled statement: the scoping rule asked for a
    placeholder user, the lookup's values placeholders too; ``first()``'s row."""
    asker = Asker(pk=user_id, is_superuser=superuser)
    found = scope(base(), asker, network_path=network_path).filter(**lookup)
    return (found if found.ordered else found.order_by("pk"))[:1]


# A module-level function that returns the queryset to compile.
ReadQuerySet = Callable[[], QuerySet]


def object_read(user, queryset: QuerySet | ReadQuerySet, scope, *, network_path: str, lookup: dict):
    """The one object of ``queryset`` that ``lookup`` names among those ``scope``
    (permissions.scoped, the rule) lets the user see; None when there is none.

    ``queryset`` may be a function that returns it (a module-level one, the same each
    time): the query, scope and lookup included, is then compiled once per process and
    only run afterwards."""
    if not callable(queryset):
        return scope(queryset, user, network_path=network_path).filter(**lookup).first()
    if not user.is_authenticated:  # the scope: nothing
        return None
    found = compiled.objects(
        _object_query,
        fixed={
            "scope": scope,
            "base": queryset,
            "network_path": network_path,
            "superuser": user.is_superuser,
        },
        user_id=user.pk,
        **lookup,
    )
    return found[0] if found else None


def _join_requests_query(network_id) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(network_id=network_id)
        .pending()
        .select_related("organisation")
        .order_by("created_at")
    )


def join_requests_waiting_read(*, network_id: int) -> list[JoinRequest]:
    """The network's requests to join still waiting, oldest first, with their
    organisations (the network page reads them on every visit of a coordinator)."""
    return compiled.objects(_join_requests_query, network_id=network_id)
