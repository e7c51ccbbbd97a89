"""The obstacle register: scoring an entry and planning its mitigation."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.errors import ServiceError
from network.models import Person
from roadmap.models import ObstacleEntry


class ObstacleHalfScored(ServiceError):
    """Likelihood without impact or the other way round; nothing was written."""

    code = "obstacle_half_scored"


def obstacle_update(
    *,
    entry: ObstacleEntry,
    likelihood: int | None,
    impact: int | None,
    mitigation: str,
    owner: Person | None,
    review_on: dt.date | None,
) -> ObstacleEntry:
    if (likelihood is None) != (impact is None):
        raise ObstacleHalfScored(
            _("Score both likelihood and impact, or leave both not yet scored.")
        )
    entry.likelihood = likelihood
    entry.impact = impact
    entry.mitigation = mitigation
    entry.owner = owner
    entry.review_on = review_on
    entry.save()
    return entry
