"""Roadmap's rows of My tasks (network.tasks_registry): activities the person's
organisation owns, health-check rounds open that the person has not answered, and
obstacle reviews due where the person (or their organisation) owns the register row.

Rows are read with ``values_list`` (no model instances) and each provider is one
query: the activities come with their owners from one read of the owners table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q
from django.urls import reverse

from network.models import Network, Person, Role
from network.tasks_registry import Asker, OwedTask, localised

from .catalogue import RISK_BY_CODE
from .models import Activity, HealthResponse, HealthRound, ObstacleEntry

# An obstacle review shows up this many days before its date (and stays until done).
OBSTACLE_REVIEW_NOTICE_DAYS = 30
_STATUS_LABELS = dict(Activity.Status.choices)


@dataclass(frozen=True)
class ActivityRow:
    """What My tasks shows of an activity besides its title and dates."""

    pk: int
    status: str
    percent: int
    step_number: int
    owner_names: str  # the owning organisations, by Thai name, in the active language

    def get_status_display(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))


def _any(conditions: list[Q]) -> Q | None:
    return reduce(or_, conditions) if conditions else None


def activities(asker: Asker) -> list[OwedTask]:
    # One row per (open activity, owner) of the activities the person's organisation
    # owns in a network where they speak for it; the activity's other owners are named.
    owners = Activity.owners.through.objects
    scope = _any(
        [
            Q(organisation_id=org_id, activity__step__network_id__in=networks)
            for org_id, networks in asker.by_organisation(Role.SPEAKING_KINDS)
        ]
    )
    if scope is None:
        return []
    rows = (
        owners.filter(activity_id__in=owners.filter(scope).values("activity_id"))
        .exclude(activity__status=Activity.Status.DONE)
        # Activity's own ordering, then the owners as the organisations are ordered.
        .order_by(
            "activity__step__number",
            "activity__due_on",
            "activity_id",
            "organisation__name_th",
            "organisation_id",
        )
        .values_list(
            "activity_id",
            "activity__title",
            "activity__due_on",
            "activity__status",
            "activity__percent",
            "activity__step__number",
            "activity__step__network__slug",
            "activity__step__network__name_th",
            "activity__step__network__name_en",
            "organisation__name_th",
            "organisation__name_en",
        )
    )
    grouped: dict[int, tuple[tuple, list[str]]] = {}
    for row in rows:
        names = grouped.setdefault(row[0], (row, []))[1]
        names.append(localised(row[9], row[10]))
    tasks = []
    for (
        pk,
        title,
        due_on,
        status,
        percent,
        step,
        slug,
        name_th,
        name_en,
        *_,
    ), names in grouped.values():
        tasks.append(
            OwedTask(
                kind="activity",
                title=title,
                url=reverse("roadmap:activity_detail", args=[slug, pk]),
                network_name=localised(name_th, name_en),
                due_on=due_on,
                late=bool(due_on and due_on < asker.today and status != Activity.Status.DONE),
                item=ActivityRow(
                    pk=pk,
                    status=status,
                    percent=percent,
                    step_number=step,
                    owner_names=", ".join(names),
                ),
            )
        )
    return tasks


def _health_sql(networks: int) -> str:
    """The open rounds of these networks the person has not answered, as the ORM would
    read them (HealthRound's ordering: by network, as networks order, then opening and
    id), written once per number of networks instead of built by the ORM on every
    request. Table names come from the models, so a renamed table fails loudly."""
    q = connection.ops.quote_name
    rounds, answers = q(HealthRound._meta.db_table), q(HealthResponse._meta.db_table)
    nets = q(Network._meta.db_table)
    places = ", ".join(["%s"] * networks)
    return f"""
        SELECT r.id, r.label, r.closes_on, n.slug, n.name_th, n.name_en
        FROM {rounds} r JOIN {nets} n ON n.id = r.network_id
        WHERE r.network_id IN ({places}) AND r.opened_on <= %s AND r.closes_on >= %s
          AND NOT EXISTS (SELECT 1 FROM {answers} x
                          WHERE x.round_id = r.id AND x.respondent_id = %s)
        ORDER BY n.name_th, r.opened_on, r.id
    """  # noqa: S608 - table names from the models' _meta; the values are bound


def health_rounds(asker: Asker) -> list[OwedTask]:
    networks = sorted(asker.networks(Role.SPEAKING_KINDS))
    if not networks:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _health_sql(len(networks)), [*networks, asker.today, asker.today, asker.user.pk]
        )
        rows = cursor.fetchall()
    return [
        OwedTask(
            kind="health",
            title=label,
            url=reverse("roadmap:health_respond", args=[slug, pk]),
            network_name=localised(name_th, name_en),
            due_on=closes_on,
            late=False,  # a closed round is no longer owed
            id=pk,
        )
        for pk, label, closes_on, slug, name_th, name_en in rows
    ]


def _in(values) -> tuple[str, list]:
    values = sorted(values)
    return ", ".join(["%s"] * len(values)), values


def obstacle_reviews(asker: Asker) -> list[OwedTask]:
    # The person owns the row, or (in a network where they speak for it) their organisation does.
    if not asker.roles:
        return []
    q = connection.ops.quote_name
    entries, nets = q(ObstacleEntry._meta.db_table), q(Network._meta.db_table)
    people = q(Person._meta.db_table)
    places, params = _in(asker.networks())
    owners, owner_ids = _in({r.person_id for r in asker.roles})
    scope = [f"(e.network_id IN ({places}) AND e.owner_id IN ({owners}))"]
    params += owner_ids
    for org_id, networks in asker.by_organisation(Role.SPEAKING_KINDS):
        places, ids = _in(networks)
        scope.append(f"(e.network_id IN ({places}) AND p.organisation_id = %s)")
        params += [*ids, org_id]
    horizon = asker.today + dt.timedelta(days=OBSTACLE_REVIEW_NOTICE_DAYS)
    # As the ORM read them (ObstacleEntry's ordering: by network, as networks order,
    # then kind and id); table names from the models' _meta, the values bound.
    sql = f"""
        SELECT e.id, e.code, e.review_on, n.slug, n.name_th, n.name_en
        FROM {entries} e JOIN {nets} n ON n.id = e.network_id
        JOIN {people} p ON p.id = e.owner_id
        WHERE ({" OR ".join(scope)}) AND e.review_on <= %s
        ORDER BY n.name_th, e.kind, e.id
    """  # noqa: S608 - table names from the models; the values are bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, horizon])
        rows = cursor.fetchall()
    return [
        OwedTask(
            kind="obstacle",
            title=RISK_BY_CODE[code].label,
            url=reverse("roadmap:obstacle_edit", args=[slug, pk]),
            network_name=localised(name_th, name_en),
            due_on=review_on,
            late=review_on < asker.today,
            id=pk,
        )
        for pk, code, review_on, slug, name_th, name_en in rows
    ]


def owed(asker: Asker) -> list[OwedTask]:
    return activities(asker) + health_rounds(asker) + obstacle_reviews(asker)
