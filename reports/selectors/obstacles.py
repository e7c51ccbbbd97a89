"""The obstacle register as the committee reads it: now, and as it stood at a date.

A register row is *scored* when it holds a likelihood and an impact; until someone
scores it both are empty (roadmap makes every network's fourteen rows that way, and
migration roadmap 0004 emptied the old 3 × 3 placeholders of rows nobody had changed).
Unscored rows count in no average, band or high count. django-simple-history gives the
register's past: the scores as they stood at the end of each reporting period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core import compiled
from network.models import Network
from roadmap.models import ObstacleEntry

# The obstacles page's red band (roadmap/templates: score 15 and above of 25).
HIGH_SCORE = 15
MEDIUM_SCORE = 8


def level(score: int) -> str:
    """high / medium / low, the bands the obstacles page colours."""
    if score >= HIGH_SCORE:
        return "high"
    return "medium" if score >= MEDIUM_SCORE else "low"


def level_labels() -> dict[str, str]:
    return {"high": _("High"), "medium": _("Medium"), "low": _("Low")}


@dataclass(frozen=True)
class ObstacleRow:
    title: str
    kind: str
    scored: bool
    likelihood: int | None  # None, None, None while not yet scored
    impact: int | None
    score: int | None
    level: str  # high / medium / low, or "" when not scored
    owner: str
    owner_organisation: str
    mitigation: str
    status: str
    review_on: dt.date | None
    review_due: bool


# The register's reads, compiled once per process (core.compiled): building and
# compiling each query cost the ORM more than running it.
def _entries_query(network_id):
    return (
        ObstacleEntry.objects.filter(network_id=network_id)
        .select_related("owner__organisation")
        .order_by("id")
    )


def _history_query(network_id, before):
    return (
        ObstacleEntry.history.filter(network_id=network_id, history_date__lt=before)
        .order_by("history_date", "history_id")
        .values_list("id", "history_type", "likelihood", "impact", "history_date")
    )


def obstacle_rows(*, network: Network, today: dt.date) -> list[ObstacleRow]:
    """The register for the committee: highest score first, unscored rows last.

    One query: the rows with their owners' organisations. Names and labels are in the
    active language.
    """
    entries = compiled.objects(_entries_query, network_id=network.pk)
    labels = level_labels()
    rows = []
    for entry in entries:
        scored = entry.likelihood is not None and entry.impact is not None
        band = level(entry.likelihood * entry.impact) if scored else ""
        review_due = bool(entry.review_on and entry.review_on < today)
        if not scored:
            status = _("Not yet scored")
        elif review_due:
            status = _("%(level)s; review overdue") % {"level": labels[band]}
        else:
            status = labels[band]
        owner = entry.owner
        rows.append(
            ObstacleRow(
                title=str(entry.title),
                kind=str(entry.get_kind_display()),
                scored=scored,
                likelihood=entry.likelihood if scored else None,
                impact=entry.impact if scored else None,
                score=entry.likelihood * entry.impact if scored else None,
                level=band,
                owner=owner.display_name if owner else "",
                owner_organisation=owner.organisation.name if owner else "",
                mitigation=entry.mitigation,
                status=status,
                review_on=entry.review_on,
                review_due=review_due,
            )
        )
    rows.sort(key=lambda r: (not r.scored, -r.score if r.scored else 0))
    return rows


@dataclass(frozen=True)
class ScoresAt:
    """The scored register rows as they stood at one moment."""

    scored: int
    average: float | None
    high: int


def obstacle_scores_at(*, network: Network, moments: Sequence[dt.datetime]) -> list[ScoresAt]:
    """For each moment, the average score and the number of high ones among the rows
    scored by then (each row as last saved before it; a row saved without a score, or
    recorded before anyone scored it, is in no average). One query for any number of
    moments: the register's history up to the last of them, read once in order."""
    if not moments:
        return []
    order = sorted(range(len(moments)), key=lambda i: moments[i])
    history = compiled.rows(_history_query, network_id=network.pk, before=max(moments))
    state: dict[int, int] = {}  # row id → score as last saved
    result: list[ScoresAt | None] = [None] * len(moments)
    pending = next(history, None)
    for i in order:
        while pending is not None and pending[4] < moments[i]:
            row_id, kind, likelihood, impact, _when = pending
            if kind == "-" or likelihood is None or impact is None:
                state.pop(row_id, None)  # deleted, or not (or no longer) scored
            else:
                state[row_id] = likelihood * impact
            pending = next(history, None)
        scores = list(state.values())
        result[i] = ScoresAt(
            scored=len(scores),
            average=round(sum(scores) / len(scores), 1) if scores else None,
            high=sum(1 for s in scores if s >= HIGH_SCORE),
        )
    return [r for r in result if r is not None]
