"""The plan's charts: progress by step and the timeline of activities.

Each function takes the network, runs a small fixed number of queries and returns an
SVG string; a page that has already read the plan (``plan_read``: the steps with their
activities, one query) passes its rows in instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core import compiled
from core.dates import format_date
from roadmap.models import Activity, Step

from . import svg as draw
from .text import LINE, text_width, wrap

StepRow = tuple[Step, int, float]  # (step, activity count, average percent)


class Dated(NamedTuple):
    """An activity on the timeline: it has a start or a due date."""

    step_number: int
    title: str
    start_on: dt.date | None
    due_on: dt.date | None
    status: str
    percent: int

    def is_late(self, today: dt.date) -> bool:
        # Activity.is_late's rule, on a row.
        return bool(self.due_on and self.due_on < today and self.status != Activity.Status.DONE)


@dataclass(frozen=True)
class Plan:
    """The roadmap overview's data: the steps with their activity counts and average
    percent, the dated activities in timeline order, and how many are late. ``rows``
    is everything read, as read: what the overview shows of the plan depends on
    nothing else (besides the language, the day and the network's slug)."""

    steps: list[StepRow]
    dated: list[Dated]
    late: int
    rows: tuple[tuple, ...]


# Timeline order: by step, then start, due date and id (the database orders the dates,
# so an undated end sorts as it always did there).
_TIMELINE_ORDER = ("step__number", "start_on", "due_on", "id")
_DATED_FIELDS = ("step__number", "title", "start_on", "due_on", "status", "percent")


def _step_progress_query(network_id):
    return (
        Step.objects.filter(network_id=network_id)
        .annotate(n=Count("activities"), avg=Avg("activities__percent"))
        .order_by("number")
    )


def step_progress(network) -> list[StepRow]:
    """(step, activity count, average percent) for the 8 steps: one query, compiled
    once per process (core.compiled): the dashboard draws this chart again each time
    its network's reports or activities change."""
    steps = compiled.objects(_step_progress_query, network_id=network.pk)
    return [(s, s.n, round(s.avg or 0, 1)) for s in steps]


def plan_read(network, *, today: dt.date) -> Plan:
    """The steps with all their activities in one query (a step without activities is
    one row of empty activity columns), in timeline order; the counts, averages (as
    SQL's AVG gives them) and the late count (``Activity.objects.late``'s rule) are
    worked out from those rows."""
    rows = tuple(
        Step.objects.filter(network=network)
        .order_by("number", "activities__start_on", "activities__due_on", "activities__id")
        .values_list(
            "id",
            "number",
            "status",
            "target_end",
            "activities__id",
            "activities__title",
            "activities__start_on",
            "activities__due_on",
            "activities__status",
            "activities__percent",
        )
    )
    steps: dict[int, tuple[Step, list[int]]] = {}
    dated = []
    for step_id, number, status, target_end, activity_id, *fields in rows:
        if step_id not in steps:
            step = Step(id=step_id, network_id=network.pk, number=number, status=status)
            step.target_end = target_end
            steps[step_id] = (step, [])
        if activity_id is None:  # a step without activities
            continue
        activity = Dated(number, *fields)
        steps[step_id][1].append(activity.percent)
        if activity.start_on or activity.due_on:
            dated.append(activity)
    return Plan(
        steps=[(step, len(p), round(sum(p) / len(p), 1) if p else 0) for step, p in steps.values()],
        dated=dated,
        late=sum(1 for a in dated if a.is_late(today)),
        rows=rows,
    )


def step_progress_svg(*, network=None, rows: list[StepRow] | None = None) -> str:
    """Eight horizontal bars: each step's average percent complete over its activities."""
    rows = step_progress(network) if rows is None else rows
    # Room after the bar for "no activities" in Thai (ยังไม่มีกิจกรรม), about 100 px.
    width, label_w, bar_w, row_h = 700, 250, 330, 30
    after_bar = label_w + bar_w + 6
    body = []
    # The grey tracks under the filled bars, each kind of bar one path (draw.Shapes).
    tracks, bars = draw.Shapes(), draw.Shapes()
    y = 10
    for step, n, avg in rows:
        lines = wrap(f"{step.number}. {step.title}", label_w - 8)
        # A wrapped title makes its row taller; the bar stays in the middle.
        h = max(row_h, LINE * len(lines) + 8)
        middle = y + h / 2
        body.append(draw.label(0, middle + 4 - LINE * (len(lines) - 1) / 2, lines))
        tracks.rect(label_w, middle - 9, bar_w, 18, rx=3, fill="#e9ecef")
        colour = "#198754" if avg >= 100 else "#0d6efd"
        bars.rect(label_w, middle - 9, bar_w * min(avg, 100) / 100, 18, rx=3, fill=colour)
        label = f"{avg:.0f}%" if n else _("no activities")
        body.append(
            draw.label(
                after_bar,
                middle + 4,
                wrap(label, width - after_bar, max_lines=1),
                fill="#212529",
            )
        )
        y += h
    body += tracks.paths() + bars.paths()
    height = max(y, 10 + row_h) + 10
    desc = "; ".join(f"{s.number}. {s.title}: {avg:.0f}%" for s, _n, avg in rows)
    return draw.svg(width, height, _("Progress by step"), body, desc, fixed=True)


# The timeline's geometry: its width, the titles' column, a row, the month axis above
# the first row and the room below the last.
_T_WIDTH, _T_LABEL_W, _T_ROW_H, _T_TOP, _T_BOTTOM = 640, 220, 22, 34, 10


def _dated(network) -> list[Dated]:
    return [
        Dated(*row)
        for row in Activity.objects.for_network(network)
        .exclude(start_on=None, due_on=None)
        .order_by(*_TIMELINE_ORDER)
        .values_list(*_DATED_FIELDS)
    ]


def _title_lines(a: Dated) -> list[str]:
    """Each title in at most two lines; a wrapped one makes its row taller."""
    return wrap(f"{a.step_number}. {a.title}", _T_LABEL_W - 8)


def _row_height(lines: list[str]) -> int:
    return max(_T_ROW_H, LINE * len(lines) + 6)


def _months_spanned(activities: list[Dated], today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first day of the earliest month to the last day shown (today included)."""
    starts = [a.start_on or a.due_on for a in activities]
    ends = [a.due_on or a.start_on for a in activities]
    return min(min(starts), today).replace(day=1), max(max(ends), today)


def timeline_svg(
    *, network=None, today: dt.date | None = None, activities: list[Dated] | None = None
) -> str:
    """A Gantt-style timeline of the network's dated activities, one bar each, by step."""
    today = today or timezone.localdate()
    if activities is None:
        activities = _dated(network)
    if not activities:
        body = [
            draw.label(10, 30, wrap(_("No dated activities yet."), _T_WIDTH - 20), fill=draw.MUTED)
        ]
        return draw.svg(_T_WIDTH, 50, _("Timeline of activities"), body)
    return _timeline(_laid_out(activities), today, *_months_spanned(activities, today))


def timeline_svgs(
    *,
    network=None,
    max_height: int,
    today: dt.date | None = None,
    activities: list[Dated] | None = None,
) -> list[str]:
    """The timeline for print: cut between rows into charts no taller than
    ``max_height`` (a page), each on the whole timeline's months, so that bars compare
    from one chart to the next. A chart taller than a page would run off its bottom.
    ``activities``: the dated activities in timeline order (as ``_dated`` reads them),
    when the caller has read them already."""
    today = today or timezone.localdate()
    if activities is None:
        activities = _dated(network)
    if not activities:
        return [timeline_svg(activities=activities, today=today)]
    first, last = _months_spanned(activities, today)
    parts: list[list[_Row]] = [[]]
    y = _T_TOP
    for row in _laid_out(activities):
        h = row[2]
        if parts[-1] and y + h + _T_BOTTOM > max_height:
            parts.append([])
            y = _T_TOP
        parts[-1].append(row)
        y += h
    return [_timeline(part, today, first, last) for part in parts]


# An activity, its title wrapped to the label column, and its row's height.
_Row = tuple[Dated, list[str], int]


def _laid_out(activities: list[Dated]) -> list[_Row]:
    return [(a, lines, _row_height(lines)) for a in activities for lines in [_title_lines(a)]]


def _timeline(laid_out: list[_Row], today: dt.date, first: dt.date, last: dt.date) -> str:
    """The chart of these rows (``_laid_out``) on the months from ``first`` to ``last``."""
    width, label_w, top = _T_WIDTH, _T_LABEL_W, _T_TOP
    chart_w = width - label_w - 10
    span = max((last - first).days + 1, 1)

    def x(day: dt.date) -> float:
        return label_w + chart_w * (day - first).days / span

    rows = []
    y = top
    for a, lines, h in laid_out:
        rows.append((a, y, h, lines))
        y += h
    height = y + _T_BOTTOM
    body = []
    # Month ticks along the top; a label only where it clears the one before it. The
    # ticks, the bars' outlines and the bars' filled parts: each one path per colour.
    ticks, outlines, filled = draw.Shapes(), draw.Shapes(), draw.Shapes()
    month = first
    months = []
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    free_from = 0.0
    for m in months:
        ticks.line(x(m), top - 6, x(m), height - 6, stroke="#dee2e6")
        label = format_date(m, short=True)[2:].strip()
        left = x(m) + 2
        right = left + text_width(label)
        if left >= free_from and right <= width:
            body.append(draw.text(left, top - 12, label))
            free_from = right + 6
    for a, y, h, lines in rows:
        start = a.start_on or a.due_on
        end = a.due_on or a.start_on
        late = a.is_late(today)
        middle = y + h / 2
        body.append(draw.label(0, middle + 4 - LINE * (len(lines) - 1) / 2, lines))
        bar_w = max(x(end + dt.timedelta(days=1)) - x(start), 3)
        colour = "#dc3545" if late else draw.STATUS_COLOURS.get(a.status, "#adb5bd")
        outlines.rect(
            x(start), middle - 7, bar_w, 14, rx=2, fill=colour, fill_opacity="0.35", stroke=colour
        )
        filled.rect(x(start), middle - 7, bar_w * a.percent / 100, 14, rx=2, fill=colour)
    # Under the labels and bars, as the ticks were drawn first.
    body[:0] = ticks.paths()
    body += outlines.paths() + filled.paths()
    tx = x(today)
    body.append(
        f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - 4}" '
        f'stroke="#d63384" stroke-width="2" stroke-dasharray="4 3"/>'
    )
    # "today" beside its line, on the left of it when the right edge is near.
    today_label = _("today")
    if tx + 3 + text_width(today_label, size=10) <= width:
        body.append(draw.text(tx + 3, height - 2, today_label, fill="#d63384", font_size="10"))
    else:
        body.append(
            draw.text(
                tx - 3, height - 2, today_label, fill="#d63384", font_size="10", text_anchor="end"
            )
        )
    desc = "; ".join(
        f"{a.title}: {format_date(a.start_on)} – {format_date(a.due_on)}, {a.percent}%"
        for a, _lines, _h in laid_out
    )
    return draw.svg(width, height, _("Timeline of activities"), body, desc, fixed=True)
