"""What reports reads from roadmap and agreements, in one place.

Reports is built beside those apps; each reader returns an empty answer when
the other side is not there (an app without the model, or a network without a
roadmap), so reports keep working and simply show less.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.apps import apps
from django.db.models.functions import TruncDate

from network.models import Network

log = logging.getLogger(__name__)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


@dataclass(frozen=True)
class Subject:
    kind: str  # "step" or "activity"
    id: int
    title: str
    number: int | None = None
    due_on: dt.date | None = None
    percent: int | None = None
    status: str = ""


def steps(network: Network) -> list[Subject]:
    Step = _model("roadmap.Step")
    if Step is None:
        return []
    rows = Step.objects.filter(network=network).order_by("number")
    return [
        Subject("step", s.id, str(s.title), number=s.number, status=str(getattr(s, "status", "")))
        for s in rows
    ]


def _network_activities(network: Network):
    """The network's activities as a queryset, or None without the roadmap."""
    Activity = _model("roadmap.Activity")
    if Activity is None:
        return None
    manager = Activity.objects
    if hasattr(manager, "for_network"):
        return manager.for_network(network)
    return manager.filter(step__network=network)


def activities(network: Network, organisation_ids=None) -> list[Subject]:
    rows = _network_activities(network)
    if rows is None:
        return []
    if organisation_ids is not None:
        if hasattr(rows, "owed_by"):
            rows = rows.owed_by(list(organisation_ids))
        else:
            rows = rows.filter(owners__in=list(organisation_ids)).distinct()
    # A Subject carries no owners: fetching them would be one more query for nothing.
    rows = rows.select_related("step").order_by("step__number", "id")
    return [
        Subject(
            "activity",
            a.id,
            str(a.title),
            number=getattr(a.step, "number", None),
            due_on=getattr(a, "due_on", None),
            percent=getattr(a, "percent", None),
            status=str(a.get_status_display()) if hasattr(a, "get_status_display") else "",
        )
        for a in rows
    ]


def activity_rows(network: Network) -> list[dict]:
    """The activity table for exports and the committee PDF."""
    rows = _network_activities(network)
    if rows is None:
        return []
    rows = rows.select_related("step").prefetch_related("owners").order_by("step__number", "id")
    out = []
    for a in rows:
        out.append(
            {
                "step": getattr(a.step, "number", ""),
                "title": str(a.title),
                "owners": ", ".join(o.name for o in a.owners.all()),
                "due_on": getattr(a, "due_on", None),
                "status": a.get_status_display() if hasattr(a, "get_status_display") else "",
                "percent": getattr(a, "percent", None),
            }
        )
    return out


def progress_updates(network: Network, start: dt.date, end: dt.date, organisation=None) -> list:
    """The period's progress updates, attached to a report automatically."""
    ProgressUpdate = _model("roadmap.ProgressUpdate")
    if ProgressUpdate is None:
        return []
    manager = ProgressUpdate.objects
    if hasattr(manager, "between"):
        rows = manager.between(network, start, end)
    else:
        rows = manager.filter(
            activity__step__network=network,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    return list(rows.select_related("activity", "organisation", "author").order_by("created_at"))


def activity_update_days(activity) -> set[tuple[int, dt.date]]:
    """(organisation id, Bangkok day) of each progress update of the activity."""
    ProgressUpdate = _model("roadmap.ProgressUpdate")
    if ProgressUpdate is None:
        return set()
    return set(
        ProgressUpdate.objects.filter(activity=activity)
        .annotate(day=TruncDate("created_at"))
        .values_list("organisation_id", "day")
    )


def wins(network: Network) -> list:
    Win = _model("roadmap.Win")
    if Win is None:
        return []
    fields = {f.name for f in Win._meta.get_fields()}
    rows = Win.objects.all()
    if "network" in fields:
        rows = rows.filter(network=network)
    elif "step" in fields:
        rows = rows.filter(step__network=network)
    elif "activity" in fields:
        rows = rows.filter(activity__step__network=network)
    else:
        return []
    return list(rows[:50])


def chart(name: str, network: Network) -> str:
    """An SVG chart from roadmap.charts, or "" when the roadmap has none to offer."""
    try:
        from roadmap import charts
    except ImportError:
        return ""
    function = getattr(charts, name, None)
    if function is None:
        return ""
    try:
        return str(function(network=network))
    except Exception:  # a chart must never stop the committee report
        log.exception("chart %s failed for network %s", name, network.pk)
        return ""


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


def roadmap_summary(network: Network, *, today: dt.date) -> dict:
    """The dashboard's view of the roadmap, each table read once per request.

    The activities are read once and serve both the per-step progress and "activities
    due soon". The step chart is roadmap's own (one query over steps and activities);
    the per-step list only stands in for it when the roadmap offers no chart, so the
    steps are not read a second time for a list the page would not show.
    """
    acts = activities(network)
    step_chart = chart("step_progress_svg", network)
    return {
        "step_chart": step_chart,
        "progress": [] if step_chart else roadmap_progress(network, activity_list=acts),
        "activities_soon": [
            a for a in acts if a.due_on and today <= a.due_on <= today + dt.timedelta(days=30)
        ][:20],
    }


def health_latest(network: Network) -> dict | None:
    """The latest health round's mean score, if roadmap keeps health rounds."""
    HealthRound = _model("roadmap.HealthRound")
    if HealthRound is None:
        return None
    try:
        latest = HealthRound.objects.filter(network=network).order_by("-id").first()
    except Exception:
        return None
    if latest is None:
        return None
    return {"round": latest, "label": str(latest)}
