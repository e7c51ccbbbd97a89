"""What reports reads from the roadmap: steps, activities, progress updates, wins, charts.

Reports may read roadmap (design.md), so the models, querysets and charts are imported
directly: a renamed field or chart fails here, loudly, and in the tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models.functions import TruncDate

from network.models import Network
from roadmap.charts import (
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


def steps(network: Network) -> list[Subject]:
    rows = Step.objects.filter(network=network).order_by("number")
    return [
        Subject("step", s.id, str(s.title), number=s.number, status=str(s.status)) for s in rows
    ]


def activities(network: Network, organisation_ids=None) -> list[Subject]:
    """The network's activities (those these organisations own, when given)."""
    rows = Activity.objects.for_network(network)
    if organisation_ids is not None:
        rows = rows.owed_by(list(organisation_ids))
    # A Subject carries no owners: fetching them would be one more query for nothing.
    rows = rows.select_related("step").order_by("step__number", "id")
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


def activity_rows(network: Network) -> list[dict]:
    """The activity table for exports and the committee PDF."""
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


def wins(network: Network) -> list[Win]:
    return list(Win.objects.filter(network=network)[:WINS_SHOWN])


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


# --- charts (roadmap draws them; server-side SVG for pages and PDFs) ---------------------
def step_chart(network: Network) -> str:
    return str(step_progress_svg(network=network))


def timeline_charts(network: Network, *, max_height: int) -> list[str]:
    """The timeline in charts that each fit a printed page (roadmap.charts.timeline_svgs)."""
    return [str(svg) for svg in timeline_svgs(network=network, max_height=max_height)]


def heatmap_chart(network: Network) -> str:
    return str(obstacle_heatmap_svg(network=network))


def health_chart(network: Network, *, summaries: list | None = None) -> str:
    return str(health_trend_svg(network=network, summaries=summaries))


def activities_due(network: Network, *, start: dt.date, end: dt.date, limit: int) -> list[Subject]:
    """The network's activities due between two days (both counted), in roadmap order
    (step, then id), at most ``limit``: one query, only the columns a Subject carries."""
    rows = (
        Activity.objects.for_network(network)
        .filter(due_on__gte=start, due_on__lte=end)
        .order_by("step__number", "id")
        .values_list("id", "title", "step__number", "due_on", "percent", "status")[:limit]
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
