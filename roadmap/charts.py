"""Server-drawn SVG charts: no JavaScript, so pages and WeasyPrint PDFs share them.

Every function takes the network, runs a small fixed number of queries and returns
an SVG string. Text is escaped; colours are SVG attributes (the CSP forbids inline
style). Each chart carries a <title> and <desc> for screen readers.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import format_date

from .catalogue import HEALTH_GROUPS
from .models import Activity, ObstacleEntry, Step

FONT = "Sarabun, sans-serif"
STATUS_COLOURS = {
    Activity.Status.NOT_STARTED: "#adb5bd",
    Activity.Status.IN_PROGRESS: "#0d6efd",
    Activity.Status.DONE: "#198754",
    Activity.Status.BLOCKED: "#dc3545",
}
GROUP_COLOURS = ("#0d6efd", "#198754", "#fd7e14")


def _svg(
    width: int, height: int, title: str, body: list[str], desc: str = "", *, fixed: bool = False
) -> str:
    # A fixed-width chart scrolls sideways on a phone instead of shrinking its text away.
    size = f'width="{width}" height="{height}"' if fixed else 'width="100%"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'{size} role="img" class="roadmap-chart" font-family="{FONT}" font-size="12">'
        f"<title>{escape(title)}</title><desc>{escape(desc or title)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def step_progress(network) -> list[tuple[Step, int, float]]:
    """(step, activity count, average percent) for the 8 steps: one query."""
    steps = Step.objects.filter(network=network).annotate(
        n=Count("activities"), avg=Avg("activities__percent")
    )
    return [(s, s.n, round(s.avg or 0, 1)) for s in steps.order_by("number")]


def step_progress_svg(*, network) -> str:
    """Eight horizontal bars: each step's average percent complete over its activities."""
    rows = step_progress(network)
    # Room after the bar for "no activities" in Thai (ยังไม่มีกิจกรรม), about 100 px.
    width, label_w, bar_w, row_h = 700, 250, 330, 30
    height = 20 + row_h * max(len(rows), 1)
    body = []
    for i, (step, n, avg) in enumerate(rows):
        y = 10 + i * row_h
        body.append(_text(0, y + 17, _short(f"{step.number}. {step.title}", 40)))
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" rx="3" fill="#e9ecef"/>'
        )
        colour = "#198754" if avg >= 100 else "#0d6efd"
        filled = bar_w * min(avg, 100) / 100
        body.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{filled:.1f}" height="18" rx="3" '
            f'fill="{colour}"/>'
        )
        label = f"{avg:.0f}%" if n else _("no activities")
        body.append(_text(label_w + bar_w + 6, y + 17, label, fill="#212529"))
    desc = "; ".join(f"{s.number}. {s.title}: {avg:.0f}%" for s, _n, avg in rows)
    return _svg(width, height, _("Progress by step"), body, desc, fixed=True)


def timeline_svg(*, network, today: dt.date | None = None) -> str:
    """A Gantt-style timeline of the network's dated activities, one bar each, by step."""
    today = today or timezone.localdate()
    activities = list(
        Activity.objects.for_network(network)
        .exclude(start_on=None, due_on=None)
        .select_related("step")
        .only("title", "start_on", "due_on", "status", "percent", "step__number")
        .order_by("step__number", "start_on", "due_on", "id")
    )
    width, label_w, row_h, top = 640, 220, 22, 34
    chart_w = width - label_w - 10
    if not activities:
        body = [_text(10, 30, _("No dated activities yet."), fill="#6c757d")]
        return _svg(width, 50, _("Timeline of activities"), body)
    starts = [a.start_on or a.due_on for a in activities]
    ends = [a.due_on or a.start_on for a in activities]
    first = min(min(starts), today)
    last = max(max(ends), today)
    first = first.replace(day=1)
    span = max((last - first).days + 1, 1)

    def x(day: dt.date) -> float:
        return label_w + chart_w * (day - first).days / span

    height = top + row_h * len(activities) + 10
    body = []
    # Month ticks along the top; labels thinned out so they never overlap.
    month = first
    months = []
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    step_every = max(1, len(months) // 6)
    for i, m in enumerate(months):
        body.append(
            f'<line x1="{x(m):.1f}" y1="{top - 6}" x2="{x(m):.1f}" y2="{height - 6}" '
            f'stroke="#dee2e6"/>'
        )
        if i % step_every == 0:
            body.append(_text(x(m) + 2, top - 12, format_date(m, short=True)[2:].strip()))
    for i, a in enumerate(activities):
        y = top + i * row_h
        start = a.start_on or a.due_on
        end = a.due_on or a.start_on
        late = a.is_late(today)
        body.append(_text(0, y + 15, _short(f"{a.step.number}. {a.title}", 32)))
        bar_w = max(x(end + dt.timedelta(days=1)) - x(start), 3)
        colour = "#dc3545" if late else STATUS_COLOURS.get(a.status, "#adb5bd")
        body.append(
            f'<rect x="{x(start):.1f}" y="{y + 4}" width="{bar_w:.1f}" height="14" rx="2" '
            f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>'
        )
        body.append(
            f'<rect x="{x(start):.1f}" y="{y + 4}" width="{bar_w * a.percent / 100:.1f}" '
            f'height="14" rx="2" fill="{colour}"/>'
        )
    tx = x(today)
    body.append(
        f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - 4}" '
        f'stroke="#d63384" stroke-width="2" stroke-dasharray="4 3"/>'
    )
    body.append(_text(tx + 3, height - 2, _("today"), fill="#d63384", font_size="10"))
    desc = "; ".join(
        f"{a.title}: {format_date(a.start_on)} – {format_date(a.due_on)}, {a.percent}%"
        for a in activities
    )
    return _svg(width, height, _("Timeline of activities"), body, desc, fixed=True)


def _heat_colour(score: int) -> str:
    if score >= 15:
        return "#dc3545"
    if score >= 8:
        return "#fd7e14"
    if score >= 4:
        return "#ffc107"
    return "#198754"


def obstacle_heatmap_svg(*, network) -> str:
    """Likelihood (up) × impact (across), 5 × 5; each cell counts register entries."""
    counts: dict[tuple[int, int], int] = {}
    for row in (
        ObstacleEntry.objects.filter(network=network)
        .values("likelihood", "impact")
        .annotate(n=Count("id"))
    ):
        counts[(row["likelihood"], row["impact"])] = row["n"]
    cell, left, top = 50, 70, 10
    width, height = left + cell * 5 + 10, top + cell * 5 + 50
    body = []
    for likelihood in range(1, 6):
        y = top + (5 - likelihood) * cell
        body.append(_text(left - 8, y + cell / 2 + 4, str(likelihood), text_anchor="end"))
        for impact in range(1, 6):
            x = left + (impact - 1) * cell
            n = counts.get((likelihood, impact), 0)
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" rx="4" '
                f'fill="{_heat_colour(likelihood * impact)}" '
                f'fill-opacity="{0.9 if n else 0.25}"/>'
            )
            if n:
                body.append(
                    _text(
                        x + cell / 2 - 1,
                        y + cell / 2 + 5,
                        str(n),
                        text_anchor="middle",
                        font_size="16",
                        font_weight="700",
                        fill="#ffffff",
                    )
                )
    for impact in range(1, 6):
        x = left + (impact - 1) * cell + cell / 2
        body.append(_text(x, top + cell * 5 + 14, str(impact), text_anchor="middle"))
    body.append(_text(left + cell * 2.5, height - 8, _("impact"), text_anchor="middle"))
    body.append(
        _text(
            14,
            top + cell * 2.5,
            _("likelihood"),
            text_anchor="middle",
            transform=f"rotate(-90 14 {top + cell * 2.5})",
        )
    )
    desc = "; ".join(
        _("likelihood %(l)s, impact %(i)s: %(n)s") % {"l": k[0], "i": k[1], "n": v}
        for k, v in sorted(counts.items())
    )
    return _svg(width, height, _("Obstacle heat map"), body, desc, fixed=True)


def health_trend_svg(*, network) -> str:
    """The average of each group (principles, basics, factors) across rounds, as lines."""
    from .services import health_summaries

    summaries = [s for s in health_summaries(network=network) if s.groups]
    width, height, left, top, bottom = 640, 260, 40, 20, 60
    chart_w, chart_h = width - left - 20, height - top - bottom
    title = _("Health check trend")
    if not summaries:
        body = [_text(10, 30, _("Not enough answers yet to show a trend."), fill="#6c757d")]
        return _svg(width, 50, title, body)

    def y(value: float) -> float:
        return top + chart_h * (5 - value) / 4

    def x(i: int) -> float:
        return left + (chart_w * i / (len(summaries) - 1) if len(summaries) > 1 else chart_w / 2)

    body = []
    for v in range(1, 6):
        body.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + chart_w}" y2="{y(v):.1f}" '
            f'stroke="#dee2e6"/>'
        )
        body.append(_text(left - 8, y(v) + 4, str(v), text_anchor="end"))
    for i, s in enumerate(summaries):
        body.append(
            _text(x(i), top + chart_h + 16, _short(s.round.label, 18), text_anchor="middle")
        )
    desc = []
    for g, ((group, _items), colour) in enumerate(zip(HEALTH_GROUPS, GROUP_COLOURS, strict=True)):
        points = [
            (x(i), y(s.groups[group.code]))
            for i, s in enumerate(summaries)
            if group.code in s.groups
        ]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for px, py in points:
            body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"/>')
        lx = left + g * 200
        body.append(f'<rect x="{lx}" y="{height - 22}" width="12" height="12" fill="{colour}"/>')
        body.append(_text(lx + 16, height - 12, _short(group.label, 28)))
        desc.append(
            f"{group.label}: "
            + ", ".join(f"{s.round.label} {s.groups.get(group.code, '—')}" for s in summaries)
        )
    return _svg(width, height, title, body, "; ".join(desc), fixed=True)
