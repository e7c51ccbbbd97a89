"""Server-drawn SVG charts: no JavaScript, so pages and WeasyPrint PDFs share them.

Every function takes the network, runs a small fixed number of queries and returns
an SVG string. Text is escaped; colours are SVG attributes (the CSP forbids inline
style). Each chart carries a <title> and <desc> for screen readers.

Labels are laid out here, not by the renderer: SVG text does not wrap, and a Thai
title has no spaces to wrap at. Each label is one <text>, measured with Sarabun's
own glyph advances (Thai vowel and tone marks take no width) and wrapped at Thai
word boundaries (PyThaiNLP) or spaces into a few <tspan> lines, each with its own
x and y; what still does not fit ends in an ellipsis. So no label runs into the
next one, in Thai or English, on a page or in a PDF.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from django.contrib.staticfiles import finders
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_date

from .catalogue import HEALTH_GROUPS
from .models import Activity, ObstacleEntry, Step

FONT = "Sarabun, sans-serif"
FONT_SIZE = 12
# Baseline to baseline of a wrapped label: Thai tone marks stacked on upper vowels
# and tails below the line need more than Latin text's 1.2 em.
LINE = 15
ELLIPSIS = "…"
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
        f'{size} role="img" class="roadmap-chart" font-family="{FONT}" font-size="{FONT_SIZE}">'
        f"<title>{escape(title)}</title><desc>{escape(desc or title)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def _attrs(attrs: dict) -> str:
    return "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())


def _text(x: float, y: float, text: str, **attrs) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}"{_attrs(attrs)}>{escape(text)}</text>'


def _label(x: float, y: float, lines: Sequence[str], **attrs) -> str:
    """One label: a <text>, and one <tspan> per line when it was wrapped."""
    if len(lines) == 1:
        return _text(x, y, lines[0], **attrs)
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{y + i * LINE:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{_attrs(attrs)}>{spans}</text>'


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Sarabun's advance width per code point, in em, and a fallback for the rest."""
    path = finders.find("fonts/Sarabun-Bold.ttf" if bold else "fonts/Sarabun-Regular.ttf")
    try:
        from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

        font = TTFont(path, lazy=True)
    except Exception:  # no font or no fontTools: a generous flat estimate
        return {}, 0.6
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {cp: metrics[name][0] / per_em for cp, name in font.getBestCmap().items()}
    font.close()
    return widths, 0.6


def text_width(text: str, *, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The width of ``text`` in user units (px): the sum of the glyph advances.

    Combining marks (Thai upper and lower vowels, tone marks) have no advance.
    Kerning is left out; it moves Sarabun's glyphs by a few per cent at most.
    """
    widths, fallback = _advances(bold)
    total = 0.0
    for char in text:
        if char in "\u200b\u200c\u200d" or unicodedata.combining(char):
            continue
        total += widths.get(ord(char), fallback)
    return total * size


@lru_cache(maxsize=1)
def _tokenizers():
    try:
        from pythainlp.tokenize import subword_tokenize, word_tokenize
    except ImportError:  # pragma: no cover - PyThaiNLP is a project dependency
        return None
    return word_tokenize, subword_tokenize


_THAI = re.compile(r"[\u0e01-\u0e5b]")


def _units(text: str) -> list[str]:
    """Pieces a line may break between: words, with each run of spaces its own piece.

    Between two non-space pieces a break is allowed only where Thai meets Thai
    (a word boundary), never inside "1." or "2/2569" or an English word.
    """
    tokenizers = _tokenizers()
    tokens = (
        tokenizers[0](text, engine="newmm", keep_whitespace=True)
        if tokenizers and _THAI.search(text)
        else re.split(r"(\s+)", text)
    )
    units: list[str] = []
    for token in tokens:
        if not token:
            continue
        joinable = units and not units[-1].isspace() and not token.isspace()
        if joinable and not (_THAI.match(units[-1][-1]) and _THAI.match(token[0])):
            units[-1] += token
        else:
            units.append(token)
    return units


def _clusters(text: str) -> list[str]:
    """Characters as they are drawn: a Thai consonant with its vowels and marks."""
    tokenizers = _tokenizers()
    if tokenizers and _THAI.search(text):
        return tokenizers[1](text, engine="tcc")
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _ellipsize(text: str, width: float, size: float, bold: bool) -> str:
    """``text`` cut so that it and an ellipsis fit ``width``; whole if it fits.

    The cut falls between words when that keeps at least half the line, otherwise
    between character clusters (never between a Thai letter and its marks).
    """
    if text_width(text, size=size, bold=bold) <= width:
        return text
    room = width - text_width(ELLIPSIS, size=size, bold=bold)
    kept = ""
    for unit in _units(text):
        if text_width(kept + unit, size=size, bold=bold) > room:
            break
        kept += unit
    if text_width(kept, size=size, bold=bold) < room / 2:
        kept = ""
        for cluster in _clusters(text):
            if text_width(kept + cluster, size=size, bold=bold) > room:
                break
            kept += cluster
    return kept.rstrip() + ELLIPSIS


@lru_cache(maxsize=2048)
def wrap(
    text: str, width: float, *, max_lines: int = 2, size: float = FONT_SIZE, bold: bool = False
) -> tuple[str, ...]:
    """``text`` in at most ``max_lines`` lines no wider than ``width`` user units.

    Lines break between words (Thai words by PyThaiNLP's dictionary, others at
    spaces); a word wider than a line is split between character clusters. The last
    line ends in an ellipsis when the text does not fit.
    """
    text = " ".join(text.split())

    def fits(piece: str) -> bool:
        return text_width(piece, size=size, bold=bold) <= width

    if fits(text):
        return (text,)
    starts: list[int] = []  # where each line starts in ``text``
    current, position = "", 0
    for unit in _units(text):
        if fits(current + unit):
            if not current and not unit.isspace():
                starts.append(position)
            current = current + unit if current or not unit.isspace() else ""
            position += len(unit)
            continue
        current = ""
        if not unit.isspace():
            starts.append(position)
            current = unit
            offset = position
            while not fits(current):  # a word wider than the line
                head = ""
                for cluster in _clusters(current):
                    if head and not fits(head + cluster):
                        break
                    head += cluster
                current = current[len(head) :]
                offset += len(head)
                starts.append(offset)
        position += len(unit)
    starts.append(len(text))
    lines = [text[a:b].strip() for a, b in itertools.pairwise(starts)]
    if len(lines) > max_lines:
        rest = text[starts[max_lines - 1] :].strip()
        lines = [*lines[: max_lines - 1], _ellipsize(rest, width, size, bold)]
    return tuple(line for line in lines if line)


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
    after_bar = label_w + bar_w + 6
    body = []
    y = 10
    for step, n, avg in rows:
        lines = wrap(f"{step.number}. {step.title}", label_w - 8)
        # A wrapped title makes its row taller; the bar stays in the middle.
        h = max(row_h, LINE * len(lines) + 8)
        middle = y + h / 2
        body.append(_label(0, middle + 4 - LINE * (len(lines) - 1) / 2, lines))
        body.append(
            f'<rect x="{label_w}" y="{middle - 9:.1f}" width="{bar_w}" height="18" rx="3" '
            f'fill="#e9ecef"/>'
        )
        colour = "#198754" if avg >= 100 else "#0d6efd"
        filled = bar_w * min(avg, 100) / 100
        body.append(
            f'<rect x="{label_w}" y="{middle - 9:.1f}" width="{filled:.1f}" height="18" rx="3" '
            f'fill="{colour}"/>'
        )
        label = f"{avg:.0f}%" if n else _("no activities")
        body.append(
            _label(
                after_bar,
                middle + 4,
                wrap(label, width - after_bar, max_lines=1),
                fill="#212529",
            )
        )
        y += h
    height = max(y, 10 + row_h) + 10
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
        body = [_label(10, 30, wrap(_("No dated activities yet."), width - 20), fill="#6c757d")]
        return _svg(width, 50, _("Timeline of activities"), body)
    starts = [a.start_on or a.due_on for a in activities]
    ends = [a.due_on or a.start_on for a in activities]
    first = min(min(starts), today)
    last = max(max(ends), today)
    first = first.replace(day=1)
    span = max((last - first).days + 1, 1)

    def x(day: dt.date) -> float:
        return label_w + chart_w * (day - first).days / span

    # Each title in at most two lines; a wrapped one makes its row taller.
    rows = []
    y = top
    for a in activities:
        lines = wrap(f"{a.step.number}. {a.title}", label_w - 8)
        h = max(row_h, LINE * len(lines) + 6)
        rows.append((a, y, h, lines))
        y += h
    height = y + 10
    body = []
    # Month ticks along the top; a label only where it clears the one before it.
    month = first
    months = []
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    free_from = 0.0
    for m in months:
        body.append(
            f'<line x1="{x(m):.1f}" y1="{top - 6}" x2="{x(m):.1f}" y2="{height - 6}" '
            f'stroke="#dee2e6"/>'
        )
        label = format_date(m, short=True)[2:].strip()
        left = x(m) + 2
        right = left + text_width(label)
        if left >= free_from and right <= width:
            body.append(_text(left, top - 12, label))
            free_from = right + 6
    for a, y, h, lines in rows:
        start = a.start_on or a.due_on
        end = a.due_on or a.start_on
        late = a.is_late(today)
        middle = y + h / 2
        body.append(_label(0, middle + 4 - LINE * (len(lines) - 1) / 2, lines))
        bar_w = max(x(end + dt.timedelta(days=1)) - x(start), 3)
        colour = "#dc3545" if late else STATUS_COLOURS.get(a.status, "#adb5bd")
        body.append(
            f'<rect x="{x(start):.1f}" y="{middle - 7:.1f}" width="{bar_w:.1f}" height="14" '
            f'rx="2" fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>'
        )
        body.append(
            f'<rect x="{x(start):.1f}" y="{middle - 7:.1f}" '
            f'width="{bar_w * a.percent / 100:.1f}" height="14" rx="2" fill="{colour}"/>'
        )
    tx = x(today)
    body.append(
        f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - 4}" '
        f'stroke="#d63384" stroke-width="2" stroke-dasharray="4 3"/>'
    )
    # "today" beside its line, on the left of it when the right edge is near.
    today_label = _("today")
    if tx + 3 + text_width(today_label, size=10) <= width:
        body.append(_text(tx + 3, height - 2, today_label, fill="#d63384", font_size="10"))
    else:
        body.append(
            _text(
                tx - 3, height - 2, today_label, fill="#d63384", font_size="10", text_anchor="end"
            )
        )
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
    """Likelihood (up) × impact (across), 5 × 5; each cell counts scored register entries.

    Rows not yet scored are in no cell (a made-up 3 × 3 would look assessed); a note
    under the map says how many there are."""
    counts: dict[tuple[int, int], int] = {}
    unscored = 0
    for row in (
        ObstacleEntry.objects.filter(network=network)
        .values("likelihood", "impact")
        .annotate(n=Count("id"))
    ):
        if row["likelihood"] is None or row["impact"] is None:
            unscored += row["n"]
        else:
            counts[(row["likelihood"], row["impact"])] = row["n"]
    cell, left, top = 50, 70, 10
    width, height = left + cell * 5 + 10, top + cell * 5 + 50
    note = (
        wrap(
            ngettext(
                "%(n)s entry not yet scored: not counted above",
                "%(n)s entries not yet scored: not counted above",
                unscored,
            )
            % {"n": unscored},
            width - 20,
            max_lines=2,
        )
        if unscored
        else []
    )
    height += 18 * len(note)
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
    # The axis names, each in one line as long as its axis.
    [impact] = wrap(_("impact"), cell * 5, max_lines=1)
    [likelihood] = wrap(_("likelihood"), cell * 5, max_lines=1)
    axis_y = top + cell * 5 + 42
    body.append(_text(left + cell * 2.5, axis_y, impact, text_anchor="middle"))
    body.append(
        _text(
            14,
            top + cell * 2.5,
            likelihood,
            text_anchor="middle",
            transform=f"rotate(-90 14 {top + cell * 2.5})",
        )
    )
    for i, line in enumerate(note, start=1):
        body.append(_text(10, axis_y + 18 * i, line, fill="#495057"))
    desc = "; ".join(
        [
            *(
                _("likelihood %(l)s, impact %(i)s: %(n)s") % {"l": k[0], "i": k[1], "n": v}
                for k, v in sorted(counts.items())
            ),
            *([" ".join(note)] if note else []),
        ]
    )
    return _svg(width, height, _("Obstacle heat map"), body, desc, fixed=True)


def health_trend_svg(*, network) -> str:
    """The average of each group (principles, basics, factors) across rounds, as lines."""
    from .services import health_summaries

    summaries = [s for s in health_summaries(network=network) if s.groups]
    width, left, top, chart_h = 640, 40, 20, 180
    chart_w = width - left - 20
    title = _("Health check trend")
    if not summaries:
        message = wrap(_("Not enough answers yet to show a trend."), width - 20)
        return _svg(width, 50, title, [_label(10, 30, message, fill="#6c757d")])

    def y(value: float) -> float:
        return top + chart_h * (5 - value) / 4

    # The first and last points sit in from the axis ends, so that the round names
    # centred under them have room on both sides.
    pad = 40
    inner_w = chart_w - 2 * pad

    def x(i: int) -> float:
        return (
            left + pad + (inner_w * i / (len(summaries) - 1) if len(summaries) > 1 else inner_w / 2)
        )

    # Round names centred under their points: as wide as the gap to the next named
    # point and, at either end, no wider than twice the room to the edge. With many
    # rounds only every few are named, so that each name keeps some 60 px.
    gap = inner_w / (len(summaries) - 1) if len(summaries) > 1 else chart_w
    every = max(1, math.ceil(60 / gap))
    round_lines = {
        i: wrap(s.round.label, min(gap * every - 8, 2 * min(x(i), width - x(i)) - 4))
        for i, s in enumerate(summaries)
        if i % every == 0
    }
    # The legend: three columns of 200 px, each name in at most two lines.
    legend_w = 200
    legend_lines = [wrap(group.label, legend_w - 16 - 10) for group, _items in HEALTH_GROUPS]
    round_y = top + chart_h + 20
    legend_top = round_y - 12 + LINE * max(len(lines) for lines in round_lines.values()) + 10
    height = legend_top + LINE * max(len(lines) for lines in legend_lines) + 8

    body = []
    for v in range(1, 6):
        body.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + chart_w}" y2="{y(v):.1f}" '
            f'stroke="#dee2e6"/>'
        )
        body.append(_text(left - 8, y(v) + 4, str(v), text_anchor="end"))
    for i, lines in round_lines.items():
        body.append(_label(x(i), round_y, lines, text_anchor="middle"))
    desc = []
    groups = zip(HEALTH_GROUPS, GROUP_COLOURS, legend_lines, strict=True)
    for g, ((group, _items), colour, lines) in enumerate(groups):
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
        lx = left + g * legend_w
        body.append(f'<rect x="{lx}" y="{legend_top}" width="12" height="12" fill="{colour}"/>')
        body.append(_label(lx + 16, legend_top + 10, lines))
        desc.append(
            f"{group.label}: "
            + ", ".join(f"{s.round.label} {s.groups.get(group.code, '—')}" for s in summaries)
        )
    return _svg(width, height, title, body, "; ".join(desc), fixed=True)


def period_trend_svg(
    *,
    periods: Sequence[str],
    late: Sequence[int],
    missing: Sequence[int],
    health: Sequence[float | None],
    title: str,
    legend: Sequence[str],
    empty: str,
    desc: str = "",
) -> str:
    """Reports late and missing per period (stacked bars, counted on the left axis)
    and the health-check average (a line, 1–5 on the right axis), oldest period first.

    Unlike the charts above it reads nothing: the caller (reports' trend) passes the
    figures and every word already translated, so the words live in its catalogue.
    ``legend`` names the late bars, the missing bars and the health line.
    """
    width, left, right, top, chart_h = 640, 40, 40, 14, 150
    chart_w = width - left - right
    if not periods:
        return _svg(width, 50, title, [_label(10, 30, wrap(empty, width - 20), fill="#6c757d")])
    late_colour, missing_colour, health_colour = "#fd7e14", "#dc3545", "#0d6efd"
    slot = chart_w / len(periods)
    peak = max([a + b for a, b in zip(late, missing, strict=True)] + [1])
    step = max(1, math.ceil(peak / 4))  # at most five whole-number ticks
    ceiling = step * math.ceil(peak / step)
    base = top + chart_h

    def x(i: int) -> float:
        return left + slot * (i + 0.5)

    def y_count(value: float) -> float:
        return base - chart_h * value / ceiling

    def y_health(value: float) -> float:
        return top + chart_h * (5 - value) / 4

    body = []
    for value in range(0, ceiling + 1, step):
        body.append(
            f'<line x1="{left}" y1="{y_count(value):.1f}" x2="{left + chart_w}" '
            f'y2="{y_count(value):.1f}" stroke="#dee2e6"/>'
        )
        body.append(_text(left - 6, y_count(value) + 4, str(value), text_anchor="end"))
    for value in range(1, 6):
        body.append(_text(left + chart_w + 6, y_health(value) + 4, str(value), fill=health_colour))
    bar_w = min(slot * 0.5, 36)
    for i, (n_late, n_missing) in enumerate(zip(late, missing, strict=True)):
        for bottom, count, colour in (
            (0, n_late, late_colour),
            (n_late, n_missing, missing_colour),
        ):
            if count:
                body.append(
                    f'<rect x="{x(i) - bar_w / 2:.1f}" y="{y_count(bottom + count):.1f}" '
                    f'width="{bar_w:.1f}" height="{y_count(bottom) - y_count(bottom + count):.1f}" '
                    f'fill="{colour}"/>'
                )
    # The health line joins neighbouring periods that both have an average.
    points = [(i, y_health(v)) for i, v in enumerate(health) if v is not None]
    for (i, yi), (j, yj) in itertools.pairwise(points):
        if j == i + 1:
            body.append(
                f'<line x1="{x(i):.1f}" y1="{yi:.1f}" x2="{x(j):.1f}" y2="{yj:.1f}" '
                f'stroke="{health_colour}" stroke-width="2.5"/>'
            )
    for i, yi in points:
        body.append(f'<circle cx="{x(i):.1f}" cy="{yi:.1f}" r="4" fill="{health_colour}"/>')
    # Period names centred under their slots, each in at most two lines.
    names = [wrap(name, slot - 6) for name in periods]
    name_y = base + 16
    for i, lines in enumerate(names):
        body.append(_label(x(i), name_y, lines, text_anchor="middle"))
    # The legend: three columns, each name in at most two lines.
    column = chart_w / 3
    legend_top = name_y - 12 + LINE * max(len(lines) for lines in names) + 10
    legend_lines = [wrap(name, column - 16 - 10) for name in legend]
    colours = (late_colour, missing_colour, health_colour)
    for k, (lines, colour) in enumerate(zip(legend_lines, colours, strict=True)):
        lx = left + k * column
        body.append(f'<rect x="{lx:.1f}" y="{legend_top}" width="12" height="12" fill="{colour}"/>')
        body.append(_label(lx + 16, legend_top + 10, lines))
    height = legend_top + LINE * max(len(lines) for lines in legend_lines) + 8
    return _svg(width, round(height), title, body, desc, fixed=True)
