"""Roadmap's rows of My tasks (network.tasks_registry): activities the person's
organisation owns, health-check rounds open that the person has not answered, and
obstacle reviews due where the person (or their organisation) owns the register row."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from network.models import Role
from network.tasks_registry import Asker, OwedTask

from .models import Activity, HealthResponse, HealthRound, ObstacleEntry

# An obstacle review shows up this many days before its date (and stays until done).
OBSTACLE_REVIEW_NOTICE_DAYS = 30


def _any(conditions: list[Q]) -> Q | None:
    return reduce(or_, conditions) if conditions else None


def activities(asker: Asker) -> list[OwedTask]:
    owners = Activity.owners.through.objects
    scope = _any(
        [
            Q(
                step__network_id=network_id,
                pk__in=owners.filter(organisation_id=org_id).values("activity_id"),
            )
            for network_id, org_id in sorted(asker.pairs(Role.SPEAKING_KINDS))
        ]
    )
    if scope is None:
        return []
    rows = (
        Activity.objects.open()
        .filter(scope)
        .select_related("step__network", "responsible")
        .prefetch_related("owners")
    )
    return [
        OwedTask(
            kind="activity",
            title=a.title,
            url=reverse("roadmap:activity_detail", args=[a.step.network.slug, a.pk]),
            network_name=a.step.network.name,
            due_on=a.due_on,
            late=a.is_late(asker.today),
            item=a,
        )
        for a in rows
    ]


def health_rounds(asker: Asker) -> list[OwedTask]:
    networks = asker.networks(Role.SPEAKING_KINDS)
    if not networks:
        return []
    answered = HealthResponse.objects.filter(round=OuterRef("pk"), respondent=asker.user)
    rows = (
        HealthRound.objects.filter(
            network_id__in=networks, opened_on__lte=asker.today, closes_on__gte=asker.today
        )
        .exclude(Exists(answered))
        .select_related("network")
    )
    return [
        OwedTask(
            kind="health",
            title=r.label,
            url=reverse("roadmap:health_respond", args=[r.network.slug, r.pk]),
            network_name=r.network.name,
            due_on=r.closes_on,
            late=False,  # a closed round is no longer owed
            item=r,
        )
        for r in rows
    ]


def obstacle_reviews(asker: Asker) -> list[OwedTask]:
    # The person owns the row, or (in a network where they speak for it) their organisation does.
    person_ids = {r.person_id for r in asker.roles}
    scope = _any(
        [Q(network_id__in=asker.networks(), owner_id__in=person_ids)]
        + [
            Q(network_id=network_id, owner__organisation_id=org_id)
            for network_id, org_id in sorted(asker.pairs(Role.SPEAKING_KINDS))
        ]
    )
    if scope is None:
        return []
    horizon = asker.today + dt.timedelta(days=OBSTACLE_REVIEW_NOTICE_DAYS)
    rows = ObstacleEntry.objects.filter(scope, review_on__lte=horizon).select_related("network")
    return [
        OwedTask(
            kind="obstacle",
            title=o.title,
            url=reverse("roadmap:obstacle_edit", args=[o.network.slug, o.pk]),
            network_name=o.network.name,
            due_on=o.review_on,
            late=o.review_on < asker.today,
            item=o,
        )
        for o in rows
    ]


def owed(asker: Asker) -> list[OwedTask]:
    return activities(asker) + health_rounds(asker) + obstacle_reviews(asker)
