"""A network's roadmap frame: its 8 steps and obstacle register, and each step's plan."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from network.models import Network
from roadmap.catalogue import DISADVANTAGES, OBSTACLES, STEPS
from roadmap.models import ObstacleEntry, Step


@transaction.atomic
def roadmap_create(*, network: Network) -> None:
    """The 8 steps and the 14-row obstacle register. Idempotent: adds only what is missing."""
    have = set(network.steps.values_list("number", flat=True))
    Step.objects.bulk_create(
        Step(network=network, number=n, code=entry.code)
        for n, entry in enumerate(STEPS, start=1)
        if n not in have
    )
    codes = set(network.obstacles.values_list("code", flat=True))
    rows = [(e, ObstacleEntry.Kind.OBSTACLE) for e in OBSTACLES]
    rows += [(e, ObstacleEntry.Kind.DISADVANTAGE) for e in DISADVANTAGES]
    ObstacleEntry.objects.bulk_create(
        ObstacleEntry(network=network, code=e.code, kind=kind)
        for e, kind in rows
        if e.code not in codes
    )


def step_update(
    *,
    step: Step,
    status: str,
    target_start: dt.date | None,
    target_end: dt.date | None,
    notes: str,
) -> Step:
    step.status = status
    step.target_start = target_start
    step.target_end = target_end
    step.notes = notes
    step.save()
    return step
