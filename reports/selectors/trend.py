"""One health view over time: per reporting period, the reports late and missing, the
obstacle scores, the health-check average and the roadmap's progress, side by side.

The same rows serve the trend page and the committee PDF. Each measure is read for
all periods at once (a fixed number of queries however many periods are shown) and
split by period in Python:

* reports: one aggregate query grouped by period; "late" and "missing" mean what
  ``ProgressReport.standing`` means (late: sent after the due date; missing: still
  open after it), counted today;
* obstacles: the register's history up to the last period's end (selectors.obstacles);
  rows not yet scored (likelihood and impact empty) count in no average or high count;
* health: roadmap's round summaries (which keep its minimum-answers rule), averaged
  over the rounds that close within the period;
* progress: each activity's percent in its latest progress update dated up to the
  period's end (0 before its first), averaged over the activities that existed then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import compiled
from network.models import Network
from reports.models import ProgressReport, ReportingPeriod
from roadmap.charts import period_trend_svg
from roadmap.models import Activity, ProgressUpdate
from roadmap.selectors import health_summaries

from .obstacles import obstacle_scores_at

# How many periods the view goes back.
PERIODS = 8


@dataclass(frozen=True)
class PeriodTrend:
    period: ReportingPeriod
    reports: int
    late: int
    missing: int
    obstacles_scored: int
    obstacle_average: float | None
    obstacles_high: int
    health: float | None
    health_rounds: int
    progress: float | None
    activities: int

    @property
    def name(self) -> str:
        return period_name(self.period)


def period_name(period: ReportingPeriod) -> str:
    """The period's own name in the active language (``ReportingPeriod.label``)."""
    return str(period.label)


def _end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in Bangkok: what happened on ``day`` is before it."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


# The trend's reads, compiled once per process and shape (core.compiled): building and
# compiling each query cost the ORM more than running it.
def _periods_query(network_id, upto, count):
    return ReportingPeriod.objects.filter(network_id=network_id, starts_on__lte=upto).order_by(
        "-starts_on", "-id"
    )[:count]


def trend_periods(
    *, network: Network, upto: dt.date, count: int = PERIODS
) -> list[ReportingPeriod]:
    """The ``count`` latest periods that had started by ``upto``, newest first."""
    return compiled.objects(
        _periods_query, fixed={"count": count}, network_id=network.pk, upto=upto
    )


def trend_rows(
    *,
    network: Network,
    upto: dt.date | None = None,
    today: dt.date | None = None,
    count: int = PERIODS,
    summaries: list | None = None,
    activities_created: dict[int, dt.datetime] | None = None,
) -> list[PeriodTrend]:
    """The trend, newest period first. ``upto``: the last period shown is the one
    running on that day (today by default; the committee PDF passes its period).
    ``summaries``: the network's health rounds (roadmap's ``health_summaries``), when the
    caller has read them already (the committee PDF draws their chart too).
    ``activities_created``: {id: created_at} of all the network's activities, when the
    caller has read them already (the committee PDF lists them too)."""
    today = today or timezone.localdate()
    periods = trend_periods(network=network, upto=upto or today, count=count)
    if not periods:
        return []
    reports = _report_counts(periods, today)
    ends = [_end_of(p.ends_on) for p in periods]
    scores = obstacle_scores_at(network=network, moments=ends)
    health = _health(network, periods, summaries)
    progress = _progress(network, periods, activities_created)
    rows = []
    for period, score in zip(periods, scores, strict=True):
        counted = reports.get(period.pk, {})
        average, rounds = health.get(period.pk, (None, 0))
        percent, activities = progress.get(period.pk, (None, 0))
        rows.append(
            PeriodTrend(
                period=period,
                reports=counted.get("total", 0),
                late=counted.get("late", 0),
                missing=counted.get("missing", 0),
                obstacles_scored=score.scored,
                obstacle_average=score.average,
                obstacles_high=score.high,
                health=average,
                health_rounds=rounds,
                progress=percent,
                activities=activities,
            )
        )
    return rows


_COUNTED = ("period", "total", "late", "missing")


def _report_counts_query(period_ids, today, zone):
    """``zone``: the current time zone's name, which ``__date`` writes into the SQL; in
    the statement's key, so another zone gets a statement of its own."""
    sent = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)
    return (
        ProgressReport.objects.filter(period__pk__in=period_ids)
        .order_by()
        .values("period")
        .annotate(
            total=Count("id"),
            # submitted_at's Bangkok day, as ProgressReport.is_late reads it
            late=Count("id", filter=Q(status__in=sent, submitted_at__date__gt=F("period__due_on"))),
            missing=Count("id", filter=~Q(status__in=sent) & Q(period__due_on__lt=today)),
        )
        .values_list(*_COUNTED)
    )


def _report_counts(periods: list[ReportingPeriod], today: dt.date) -> dict[int, dict]:
    """{period id: {total, late, missing}} in one grouped query."""
    rows = compiled.rows(
        _report_counts_query,
        fixed={"zone": timezone.get_current_timezone_name()},
        period_ids=[p.pk for p in periods],
        today=today,
    )
    return {row[0]: dict(zip(_COUNTED, row, strict=True)) for row in rows}


def _health(network: Network, periods: list[ReportingPeriod], summaries=None) -> dict[int, tuple]:
    """{period id: (average of its rounds' overall scores, rounds counted)}.

    A round belongs to the period in which it closes; a round with fewer answers than
    roadmap's minimum has no average (its answers stay private) and is not counted.
    """
    first = min(p.starts_on for p in periods)
    last = max(p.ends_on for p in periods)
    summaries = [
        s
        for s in (health_summaries(network=network) if summaries is None else summaries)
        if s.overall is not None and first <= s.round.closes_on <= last
    ]
    result = {}
    for period in periods:
        mine = [
            s.overall for s in summaries if period.starts_on <= s.round.closes_on <= period.ends_on
        ]
        if mine:
            result[period.pk] = (round(sum(mine) / len(mine), 2), len(mine))
    return result


def _updates_query(network_id, before):
    return (
        ProgressUpdate.objects.filter(activity__step__network_id=network_id, created_at__lt=before)
        .order_by("created_at", "id")
        .values_list("activity_id", "created_at", "percent")
    )


def _progress(
    network: Network, periods: list[ReportingPeriod], created: dict[int, dt.datetime] | None
) -> dict[int, tuple]:
    """{period id: (average percent at the period's end, activities counted)}: two
    queries, the activities and their updates up to the last period's end; one when
    the activities' ``created`` times are passed in (each period counts only those
    made before its end, so those made later change nothing)."""
    last_end = max(_end_of(p.ends_on) for p in periods)
    if created is None:
        created = dict(
            Activity.objects.filter(step__network=network, created_at__lt=last_end)
            .order_by()
            .values_list("id", "created_at")
        )
    updates = list(compiled.rows(_updates_query, network_id=network.pk, before=last_end))
    result = {}
    for period in periods:
        end = _end_of(period.ends_on)
        percent = {pk: 0 for pk, made in created.items() if made < end}
        for activity_id, when, value in updates:
            if when >= end:
                break
            if activity_id in percent:
                percent[activity_id] = value
        if percent:
            result[period.pk] = (round(sum(percent.values()) / len(percent), 1), len(percent))
    return result


def trend_chart(rows: list[PeriodTrend]) -> str:
    """The late-report and health trend as roadmap's server-drawn SVG, oldest period
    on the left. Every word is translated here (reports' catalogue); roadmap draws."""
    if not rows:
        return ""  # the table says there are no periods yet; no empty chart above it
    ordered = list(reversed(rows))
    return period_trend_svg(
        periods=[r.name for r in ordered],
        late=[r.late for r in ordered],
        missing=[r.missing for r in ordered],
        health=[r.health for r in ordered],
        title=_("Late reports and health over the periods"),
        legend=(_("Reports sent late"), _("Reports missing"), _("Health average (1–5)")),
        empty=_("No reporting periods yet."),
        desc="; ".join(
            _("%(period)s: %(late)s late, %(missing)s missing, health %(health)s")
            % {
                "period": r.name,
                "late": r.late,
                "missing": r.missing,
                "health": r.health if r.health is not None else "—",
            }
            for r in ordered
        ),
    )
