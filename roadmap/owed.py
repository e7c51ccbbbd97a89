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

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core import compiled
from network.models import Role
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


def _activities_query(*, groups):
    # One row per (open activity, owner) of the activities the person's organisation
    # owns in a network where they speak for it; the activity's other owners are named.
    owners = Activity.owners.through.objects
    scope = _any(
        [
            Q(organisation_id=org_id, activity__step__network__pk__in=networks)
            for org_id, networks in groups
        ]
    )
    return (
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


def activities(asker: Asker) -> list[OwedTask]:
    groups = asker.by_organisation(Role.SPEAKING_KINDS)
    if not groups:
        return []
    rows = compiled.rows(_activities_query, groups=groups)
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


def _health_rounds_query(*, networks, user_id, today):
    answered = HealthResponse.objects.filter(round=OuterRef("pk"), respondent_id=user_id)
    return (
        HealthRound.objects.filter(
            network__pk__in=networks, opened_on__lte=today, closes_on__gte=today
        )
        .exclude(Exists(answered))
        .values_list(
            "pk", "label", "closes_on", "network__slug", "network__name_th", "network__name_en"
        )
    )


def health_rounds(asker: Asker) -> list[OwedTask]:
    networks = sorted(asker.networks(Role.SPEAKING_KINDS))
    if not networks:
        return []
    rows = compiled.rows(
        _health_rounds_query, networks=networks, user_id=asker.user.pk, today=asker.today
    )
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


def _obstacle_reviews_query(*, networks, person_ids, groups, horizon):
    # The person owns the row, or (in a network where they speak for it) their organisation does.
    scope = _any(
        [Q(network__pk__in=networks, owner__pk__in=person_ids)]
        + [Q(owner__organisation_id=org_id, network__pk__in=nets) for org_id, nets in groups]
    )
    return ObstacleEntry.objects.filter(scope, review_on__lte=horizon).values_list(
        "pk", "code", "review_on", "network__slug", "network__name_th", "network__name_en"
    )


def obstacle_reviews(asker: Asker) -> list[OwedTask]:
    networks = sorted(asker.networks())
    if not networks:
        return []  # no role in a live network: nothing of theirs, nor of their organisation's
    rows = compiled.rows(
        _obstacle_reviews_query,
        networks=networks,
        person_ids=sorted({r.person_id for r in asker.roles}),
        groups=asker.by_organisation(Role.SPEAKING_KINDS),
        horizon=asker.today + dt.timedelta(days=OBSTACLE_REVIEW_NOTICE_DAYS),
    )
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
