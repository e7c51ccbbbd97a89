"""What the committee PDF states about one period: who reported, the roadmap, the
obstacles, the trend and the charts, each read once."""

from __future__ import annotations

import re
from collections import defaultdict

from django.utils import timezone, translation

from core import compiled
from network.models import Membership, Network, Role
from reports.models import CommitteeReport, ProgressReport, ReportingPeriod
from roadmap.selectors import health_summaries

from .obstacles import obstacle_rows
from .reports import standing_labels
from .roadmap_reads import (
    PlanRows,
    activity_rows,
    health_chart,
    heatmap_chart,
    plan_rows,
    roadmap_progress,
    step_chart,
    timeline_charts,
    wins,
)
from .trend import trend_chart, trend_rows

_SVG_SIZE = re.compile(r'^(<svg\b[^>]*?)\swidth="(\d+)"(\s+height="[^"]*")?')
# The A4 text column at 96 dpi: 165 mm (210 mm less pdf/base.css's 2.5 and 2 cm side
# margins), 623.6 px.
_PAGE_WIDTH_PX = 623
# A chart that fits a page: the text column is 250 mm tall (297 mm less pdf/base.css's
# 2.5 and 2.2 cm margins), 945 px at 96 dpi; the rest is room for the chart's line.
_PAGE_HEIGHT_PX = 880


def fit(svg: str) -> str:
    """Charts drawn wide for phones (which scroll sideways) would run off a page: a
    chart wider than the text column is scaled to it, keeping its viewBox."""
    match = _SVG_SIZE.match(svg or "")
    if not match or int(match.group(2)) <= _PAGE_WIDTH_PX:
        return svg
    return _SVG_SIZE.sub(r'\1 width="100%"', svg, count=1)


# The committee PDF's reads of the network's members, chair and the period's reports,
# compiled once per process (core.compiled): building and compiling each query cost the
# ORM more than running it.
def _members_query(network_id):
    return (
        Membership.objects.current()
        .filter(network_id=network_id)
        .select_related("organisation")
        .order_by("organisation__name_th")
    )


def _chair_query(network_id):
    """The chair, as ``.first()`` finds it (in the model's order)."""
    return Role.objects.filter(network_id=network_id, kind=Role.Kind.CHAIR).select_related(
        "person"
    )[:1]


def _reports_query(period_id):
    """The period's reports, as ``period.reports.all()`` reads them."""
    return ProgressReport.objects.filter(period_id=period_id)


def _status_rows(period: ReportingPeriod, members) -> list[dict]:
    """One row per current member: its report's standing (missing without one)."""
    # Each report holds this period, which its standing reads (its due date), as the
    # period's own manager gives them; else each would fetch the period again.
    # The organisation is the membership's (already read), not the report's.
    reports = compiled.objects(_reports_query, period_id=period.pk)
    for report in reports:
        report.period = period
    by_org = {r.organisation_id: r for r in reports}
    labels = standing_labels()
    rows = []
    for m in members:
        report = by_org.get(m.organisation_id)
        standing = report.standing if report else "missing"
        rows.append(
            {
                "organisation": m.organisation,
                "standing": standing,
                "label": labels[standing],
                "submitted_at": report.submitted_at if report else None,
                "report": report,
            }
        )
    return rows


def committee_context(*, network: Network, period: ReportingPeriod) -> dict:
    """The committee PDF template's context, in the active language."""
    members = compiled.objects(_members_query, network_id=network.pk)
    status_rows = _status_rows(period, members)
    counts: dict[str, int] = defaultdict(int)
    for row in status_rows:
        counts[row["standing"]] += 1
    # The PDF names the chair (display_name): the person, not their organisation.
    chair = next(iter(compiled.objects(_chair_query, network_id=network.pk)), None)
    # Each table read once: the steps, activities and owners for the roadmap's tables,
    # charts and the trend's progress; the register for its table and heat map; the
    # health rounds for the trend and the health chart (without the expected
    # respondents: neither shows a response rate).
    plan = plan_rows(network)
    obstacles = obstacle_rows(network=network, today=timezone.localdate())
    summaries = health_summaries(network=network, with_expected=False)
    # The trend up to this report's period, so an old period's PDF shows its own past.
    trend = trend_rows(
        network=network,
        upto=period.starts_on,
        summaries=summaries,
        activities_created=plan.created,
    )
    return {
        "network": network,
        "period": period,
        "obstacles": obstacles,
        "trend": trend,
        "trend_chart": fit(trend_chart(trend)),
        "status_rows": status_rows,
        "counts": dict(counts),
        **_roadmap_parts(network, plan),
        "wins": wins(network),
        "heatmap_chart": fit(
            heatmap_chart(network, scores=[(o.likelihood, o.impact) for o in obstacles])
        ),
        "health_chart": fit(health_chart(network, summaries=summaries)),
        "chair": chair.person if chair else None,
        "members": [m.organisation for m in members],
        "generated_at": timezone.now(),
    }


def _roadmap_parts(network: Network, plan: PlanRows) -> dict:
    """The roadmap's tables and charts, all from the one read of the plan."""
    return {
        "progress": roadmap_progress(network, step_list=plan.steps, activity_list=plan.activities),
        "activities": activity_rows(network, activity_list=plan.activities, owners=plan.owners),
        "step_chart": fit(step_chart(network, rows=plan.step_rows)),
        # The timeline in as many charts as it needs pages: one taller than a page ran
        # off its bottom, and its last activities were lost.
        "timeline_charts": [
            fit(svg)
            for svg in timeline_charts(network, max_height=_PAGE_HEIGHT_PX, activities=plan.dated)
        ],
    }


def committee_seal_summary(job: CommitteeReport) -> dict:
    """What the public verify page shows about this committee report."""
    with translation.override(job.language):
        counts: dict[str, int] = defaultdict(int)
        # The period's manager: each report's standing reads this period, not its own copy.
        for report in job.period.reports.all():
            counts[report.standing] += 1
        labels = standing_labels()
        return {
            "network": job.network.name,
            "period": {
                "name": job.period.label,
                "start": job.period.starts_on.isoformat(),
                "end": job.period.ends_on.isoformat(),
            },
            "details": [[str(labels[k]), str(v)] for k, v in sorted(counts.items())],
        }


def committee_jobs(*, network: Network, limit: int = 20) -> list[CommitteeReport]:
    """The network's latest committee reports, newest first."""
    return list(CommitteeReport.objects.filter(network=network).select_related("period")[:limit])
