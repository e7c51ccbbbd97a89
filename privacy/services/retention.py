"""Retention: what is older than PERSONAL_DATA_RETENTION_DAYS is thinned.

Each holding of the registry that has a ``thin`` says what "older than the period"
means for it and what is safe to remove: signers' IP addresses and browsers, sign-in
records, delivered-message rows whose work is done (a row that is the "sent once"
claim for something that can still fall due stays), notices read long ago. The
period is read at every sweep, so a changed setting takes effect on the next one;
a second sweep finds nothing more to do.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from privacy import registry

log = logging.getLogger(__name__)

DEFAULT_DAYS = 365


def retention_days() -> int:
    return max(int(getattr(settings, "PERSONAL_DATA_RETENTION_DAYS", DEFAULT_DAYS)), 1)


def retention_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=retention_days())


def retention_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Thin every holding, each in its own transaction; rows thinned per holding."""
    cutoff = retention_cutoff(now=now)
    done: dict[str, int] = {}
    for holding in registry.holdings():
        if holding.thin is None:
            continue
        with transaction.atomic():
            done[holding.key] = holding.thin(cutoff)
    thinned = {key: count for key, count in done.items() if count}
    if thinned:
        log.info("retention (%s days): thinned %s", retention_days(), thinned)
    return done
