"""What reports reads from the roadmap: steps, activities, progress updates, wins, charts.

Reports may read roadmap (design.md), so the models, querysets and charts are imported
directly: a renamed field or chart fails here, loudly, and in the tests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models.functions import TruncDate

from core import compiled
from network.models import Network
from network.tasks_registry import localised
from roadmap.charts import (
    Dated,
    StepRow,
    health_trend_svg,
    obstacle_heatmap_svg,
    step_progress_svg,
    timeline_svgs,
)
from roadmap.models import Activity, ProgressUpdate, Step, Win

# How far ahead the dashboard lists activities falling due, and how many.
ACTIVITIES_SOON_DAYS = 30
ACTIVITIES_SOON_ROWS = 20
# The committee PDF lists the network's latest wins, this many.
WINS_SHOWN = 50


@dataclass(frozen=True)
class Subject:
    """A roadmap step or activity a partner writes about in a report."""

    kind: str  # "step" or "activity"
    id: int
    title: str
    number: int | None = None
    due_on: dt.date | None = None
    percent: int | None = None
    status: str = ""


# The steps and activities a report is written about are read on every report page and
# twice on each save (the form, and the service that checks the subjects): compiled
# once per process (core.compiled), as the committee report's reads are.
def _steps_query(network_id):
    return Step.objects.filter(network_id=network_id).order_by("number")


def _activities_query(network_id):
    return (
        Activity.objects.filter(step__network_id=network_id)
        .select_related("step")
        .order_by("step__number", "id")
    )


def _owed_activities_query(network_id, organisation_ids):
    return _activities_query(network_id).owed_by(organisation_ids)


def steps(network: Network) -> list[Subject]:
    return [_step_subject(s) for s in compiled.objects(_steps_query, network_id=network.pk)]


def _step_subject(step: Step) -> Subject:
    return Subject("step", step.id, str(step.title), number=step.number, status=str(step.status))


def activities(network: Network, organisation_ids=None) -> list[Subject]:
    """The network's activities (those these organisations own, when given)."""
    # A Subject carries no owners: fetching them would be one more query for nothing.
    if organisation_ids is None:
        rows = compiled.objects(_activities_query, network_id=network.pk)
    elif organisation_ids:
        rows = compiled.objects(
            _owed_activities_query,
            network_id=network.pk,
            organisation_ids=list(organisation_ids),
        )
    else:
        rows = []  # owned by none of no organisations (an empty IN is no statement)
    return [
        Subject(
            "activity",
            a.id,
            str(a.title),
            number=a.step.number,
            due_on=a.due_on,
            percent=a.percent,
            status=str(a.get_status_display()),
        )
        for a in rows
    ]


def activity_rows(
    network: Network,
    *,
    activity_list: list[Subject] | None = None,
    owners: dict[int, list[str]] | None = None,
) -> list[dict]:
    """The activity table for exports and the committee PDF. A caller that has read the
    activities (``plan_rows``) passes them, in the table's order, with their owners'
    names: the two come together, or the table would lose its owners."""
    if activity_list is not None:
        if owners is None:
            raise TypeError("activity_rows: activity_list comes with owners")
        return [
            {
                "step": a.number,
                "title": a.title,
                "owners": ", ".join(owners.get(a.id, ())),
                "due_on": a.due_on,
                "status": a.status,  # a Subject's status is the label already
                "percent": a.percent,
            }
            for a in activity_list
        ]
    rows = (
        Activity.objects.for_network(network)
        .select_related("step")
        .prefetch_related("owners")
        .order_by("step__number", "id")
    )
    return [
        {
            "step": a.step.number,
            "title": str(a.title),
            "owners": ", ".join(o.name for o in a.owners.all()),
            "due_on": a.due_on,
            "status": a.get_status_display(),
            "percent": a.percent,
        }
        for a in rows
    ]


def progress_updates(network: Network, start: dt.date, end: dt.date, organisation=None) -> list:
    """The period's progress updates, attached to a report automatically."""
    rows = ProgressUpdate.objects.between(network, start, end)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    return list(rows.select_related("activity", "organisation", "author").order_by("created_at"))


def activity_update_days(activity: Activity) -> set[tuple[int, dt.date]]:
    """(organisation id, Bangkok day) of each progress update of the activity."""
    return set(
        ProgressUpdate.objects.filter(activity=activity)
        .annotate(day=TruncDate("created_at"))
        .values_list("organisation_id", "day")
    )


def _wins_query(network_id, limit):
    return Win.objects.filter(network_id=network_id)[:limit]


def wins(network: Network) -> list[Win]:
    """The network's latest wins (the model's order), compiled once (core.compiled)."""
    return compiled.objects(_wins_query, fixed={"limit": WINS_SHOWN}, network_id=network.pk)


def roadmap_progress(
    network: Network,
    *,
    step_list: list[Subject] | None = None,
    activity_list: list[Subject] | None = None,
) -> list[dict]:
    """Per step: number, title, average percent of its activities. A caller that has
    already read the steps or the activities passes them in instead of reading again."""
    rows = []
    acts = activities(network) if activity_list is None else activity_list
    for step in steps(network) if step_list is None else step_list:
        mine = [a.percent or 0 for a in acts if a.number == step.number]
        rows.append(
            {
                "number": step.number,
                "title": step.title,
                "percent": round(sum(mine) / len(mine)) if mine else 0,
                "activities": len(mine),
            }
        )
    return rows


# --- the committee PDF's one read of the plan ---------------------------------------------
class _PlanRow(NamedTuple):
    """A step, one of its activities and one of that activity's owners (LEFT JOINs: a
    step without activities, or an activity without owners, leaves those columns None)."""

    step_id: int
    number: int
    step_status: str
    activity_id: int | None
    title: str | None
    start_on: dt.date | None
    due_on: dt.date | None
    status: str | None
    percent: int | None
    created_at: dt.datetime | None
    owner_th: str | None
    owner_en: str | None


_PLAN_FIELDS = (
    "id",
    "number",
    "status",
    *(
        f"activities__{name}"
        for name in ("id", "title", "start_on", "due_on", "status", "percent", "created_at")
    ),
    "activities__owners__name_th",
    "activities__owners__name_en",
)
# The activities in the timeline's order, sorted by the database as roadmap.charts'
# own read sorts them (where an undated end goes is the database's rule); each one's
# owners by Thai name, the order the owners prefetch gave (then id, for ties).
_PLAN_ORDER = (
    "number",
    "activities__start_on",
    "activities__due_on",
    "activities__id",
    "activities__owners__name_th",
    "activities__owners__id",
)


@dataclass(frozen=True)
class PlanRows:
    """The network's steps, activities and owners as the committee PDF's parts take them."""

    steps: list[Subject]  # by number: roadmap_progress
    activities: list[Subject]  # by step, then id: roadmap_progress, activity_rows
    owners: dict[int, list[str]]  # activity id → its owners' names: activity_rows
    created: dict[int, dt.datetime]  # activity id → created_at: trend_rows' progress
    dated: list[Dated]  # the activities with a date, in timeline order: timeline_charts
    step_rows: list[StepRow]  # (step, activities, average percent): step_chart


def _plan_query(network_id):
    return (
        Step.objects.filter(network_id=network_id).order_by(*_PLAN_ORDER).values_list(*_PLAN_FIELDS)
    )


def plan_rows(network: Network) -> PlanRows:
    """The steps, activities and owners in one query. Each part reading them by itself
    took seven: the activities five times (the progress table, the activity table, the
    step chart, the timeline, the trend's progress), the steps and the owners once."""
    rows = compiled.rows(_plan_query, network_id=network.pk)
    steps: dict[int, Step] = {}
    by_activity: dict[int, list[_PlanRow]] = {}  # in timeline order; a row per owner
    for row in map(_PlanRow._make, rows):
        if row.step_id not in steps:
            steps[row.step_id] = Step(
                id=row.step_id, network_id=network.pk, number=row.number, status=row.step_status
            )
        if row.activity_id is not None:
            by_activity.setdefault(row.activity_id, []).append(row)
    return _plan_shaped(list(steps.values()), by_activity)


def _plan_shaped(steps: list[Step], by_activity: dict[int, list[_PlanRow]]) -> PlanRows:
    """Each part's shape of the rows: what ``activities``, ``activity_rows``,
    roadmap.charts' step and timeline reads and the trend's progress read would give."""
    labels = dict(Activity.Status.choices)
    subjects, owners, created, dated = [], {}, {}, []
    for pk, mine in by_activity.items():
        a = mine[0]
        subjects.append(
            Subject(
                "activity",
                pk,
                a.title,
                number=a.number,
                due_on=a.due_on,
                percent=a.percent,
                status=str(labels.get(a.status, a.status)),
            )
        )
        owners[pk] = [localised(r.owner_th, r.owner_en) for r in mine if r.owner_th is not None]
        created[pk] = a.created_at
        if a.start_on or a.due_on:
            dated.append(Dated(a.number, a.title, a.start_on, a.due_on, a.status, a.percent))
    subjects.sort(key=lambda s: (s.number, s.id))
    percents: dict[int, list[int]] = defaultdict(list)
    for s in subjects:
        percents[s.number].append(s.percent)
    return PlanRows(
        steps=[_step_subject(s) for s in steps],
        activities=subjects,
        owners=owners,
        created=created,
        dated=dated,
        # step_progress's average as plan_read works it out (SQL's AVG, to the float)
        step_rows=[
            (s, len(p), round(sum(p) / len(p), 1) if p else 0)
            for s in steps
            for p in [percents[s.number]]
        ],
    )


# --- charts (roadmap draws them; server-side SVG for pages and PDFs) ---------------------
# Each takes what the caller has read already (plan_rows, obstacle_rows), if it has.
def step_chart(network: Network, *, rows: list[StepRow] | None = None) -> str:
    if rows is None:
        return str(step_progress_svg(network=network))
    return str(step_progress_svg(rows=rows))


def timeline_charts(
    network: Network, *, max_height: int, activities: list[Dated] | None = None
) -> list[str]:
    """The timeline in charts that each fit a printed page (roadmap.charts.timeline_svgs)."""
    charts = timeline_svgs(network=network, max_height=max_height, activities=activities)
    return [str(svg) for svg in charts]


def heatmap_chart(
    network: Network, *, scores: list[tuple[int | None, int | None]] | None = None
) -> str:
    """``scores``: each register entry's (likelihood, impact), None while not scored."""
    return str(obstacle_heatmap_svg(network=network, scores=scores))


def health_chart(network: Network, *, summaries: list | None = None) -> str:
    return str(health_trend_svg(network=network, summaries=summaries))


def _due_query(network_id, start, end, limit):
    return (
        Activity.objects.for_network(network_id)
        .filter(due_on__gte=start, due_on__lte=end)
        .order_by("step__number", "id")
        .values_list("id", "title", "step__number", "due_on", "percent", "status")[:limit]
    )


def activities_due(network: Network, *, start: dt.date, end: dt.date, limit: int) -> list[Subject]:
    """The network's activities due between two days (both counted), in roadmap order
    (step, then id), at most ``limit``: one query, only the columns a Subject carries."""
    rows = compiled.rows(
        _due_query, fixed={"limit": limit}, network_id=network.pk, start=start, end=end
    )
    labels = dict(Activity.Status.choices)
    return [
        Subject(
            "activity",
            pk,
            title,
            number=number,
            due_on=due_on,
            percent=percent,
            status=str(labels.get(status, status)),
        )
        for pk, title, number, due_on, percent, status in rows
    ]


def roadmap_summary(network: Network, *, today: dt.date) -> dict:
    """The dashboard's view of the roadmap, each table read once per request.

    The step chart is roadmap's own (one query over steps and activities). Beside it
    the page lists only the activities due within ``ACTIVITIES_SOON_DAYS``: one query
    for those few rows. The per-step list stands in for a chart that drew nothing;
    then the activities are read whole, once, and serve both lists.
    """
    chart = step_chart(network)
    soon = today + dt.timedelta(days=ACTIVITIES_SOON_DAYS)
    if chart:
        return {
            "step_chart": chart,
            "progress": [],
            "activities_soon": activities_due(
                network, start=today, end=soon, limit=ACTIVITIES_SOON_ROWS
            ),
        }
    acts = activities(network)
    return {
        "step_chart": chart,
        "progress": roadmap_progress(network, activity_list=acts),
        "activities_soon": [a for a in acts if a.due_on and today <= a.due_on <= soon][
            :ACTIVITIES_SOON_ROWS
        ],
    }
