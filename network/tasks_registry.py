"""What a person owes, gathered from every app: a registry of providers.

My tasks (/my/tasks/) lists everything the signed-in person (or their organisation)
owes: roadmap activities, progress reports, signatures, health-check answers,
obstacle reviews. Those live in different apps, and the design lets an app import
only ``network`` (the hub), which imports none of the others; so each app registers a
provider here from its ``AppConfig.ready()`` and the page asks the registry.

A provider takes the person's roles (read once, here) and returns rows; each runs a
fixed number of queries, so the page's query count does not grow with the number of
tasks or networks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from core import compiled

from .models import Role, _localised


@dataclass(frozen=True)
class RoleRow:
    """One role the person holds in a live network, with the organisation they speak for."""

    network_id: int
    organisation_id: int | None
    person_id: int
    kind: str


@dataclass(frozen=True)
class Asker:
    user: Any
    today: dt.date
    roles: tuple[RoleRow, ...]

    def networks(self, kinds: Iterable[str] | None = None) -> set[int]:
        kinds = set(kinds) if kinds is not None else None
        return {r.network_id for r in self.roles if kinds is None or r.kind in kinds}

    def pairs(self, kinds: Iterable[str] | None = None) -> set[tuple[int, int]]:
        """(network, organisation) the person speaks for: what the organisation owes
        in one network is never shown for another network it also belongs to."""
        kinds = set(kinds) if kinds is not None else None
        return {
            (r.network_id, r.organisation_id)
            for r in self.roles
            if r.organisation_id and (kinds is None or r.kind in kinds)
        }

    def by_organisation(self, kinds: Iterable[str] | None = None) -> list[tuple[int, list[int]]]:
        """``pairs`` grouped: (organisation, its networks, sorted), by organisation id.
        A person speaks for one organisation, so a provider's filter is usually one
        ``organisation = o AND network IN (…)`` rather than one condition per network."""
        grouped: dict[int, list[int]] = {}
        for network_id, org_id in sorted(self.pairs(kinds)):
            grouped.setdefault(org_id, []).append(network_id)
        return sorted(grouped.items())


@dataclass(frozen=True)
class OwedTask:
    """One row of My tasks."""

    kind: str  # activity / report / signature / health / obstacle
    title: str
    url: str
    network_name: str
    due_on: dt.date | None
    late: bool
    escalated: bool = False
    detail: str = ""
    item: Any = field(default=None, compare=False)  # kind-specific details (an activity's)
    id: int | None = None  # the row's own id (a report's, a party's…) when item has none

    @property
    def pk(self):
        """The row's own id (an activity's, a report's…), as lists of rows had it."""
        return self.id if self.id is not None else getattr(self.item, "pk", None)


def localised(name_th: str, name_en: str) -> str:
    """A network's or organisation's name in the active language, as ``.name`` gives it
    (for providers that read names with ``values_list`` instead of building models)."""
    return _localised(name_th, name_en)


Provider = Callable[[Asker], Iterable[OwedTask]]
_PROVIDERS: dict[str, Provider] = {}

# Who answers for an organisation's tasks: the roles that speak for it.
RESPONDENT_ROLES = Role.SPEAKING_KINDS


def provider_register(name: str, provider: Provider) -> None:
    """Called from an app's ready(); registering the same name again replaces it."""
    _PROVIDERS[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)


def asker_for(*, user, today: dt.date) -> Asker:
    """The person's roles in networks still running (forming or active): one query."""
    if not getattr(user, "is_authenticated", False):
        return Asker(user=user, today=today, roles=())
    rows = compiled.rows(_roles_query, user_id=user.pk)
    return Asker(user=user, today=today, roles=tuple(RoleRow(*row) for row in rows))


def _roles_query(*, user_id):
    return (
        Role.objects.in_live_networks()
        .filter(person__user_id=user_id)
        .order_by()  # the providers read sets: no join to the networks for their names
        .values_list("network_id", "person__organisation_id", "person_id", "kind")
    )


def _sort_key(task: OwedTask):
    # Late first, then by due date (undated last), then by kind and title for a stable page.
    return (not task.late, task.due_on is None, task.due_on or dt.date.max, task.kind, task.title)


def tasks_owed(*, user, today: dt.date) -> list[OwedTask]:
    """Everything the person owes across their networks: late first, then by due date."""
    asker = asker_for(user=user, today=today)
    if not getattr(user, "is_authenticated", False):
        return []
    tasks: list[OwedTask] = []
    for provider in _PROVIDERS.values():
        tasks.extend(provider(asker))
    return sorted(tasks, key=_sort_key)
