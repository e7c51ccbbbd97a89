"""Reports' trend chart: late and missing reports per period, and the health average.

It reads nothing: the caller (reports' trend) passes the figures and every word
already translated, so the words live in its catalogue.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import svg as draw
from .text import LINE, wrap

LATE, MISSING, HEALTH = "#fd7e14", "#dc3545", "#0d6efd"


@dataclass(frozen=True)
class _Frame:
    """Where things go: one slot per period, counts on the left axis, 1–5 on the right."""

    left: int
    top: int
    chart_w: float
    chart_h: float
    slot: float
    ceiling: int

    @property
    def base(self) -> float:
        return self.top + self.chart_h

    def x(self, i: int) -> float:
        return self.left + self.slot * (i + 0.5)

    def y_count(self, value: float) -> float:
        return self.base - self.chart_h * value / self.ceiling

    def y_health(self, value: float) -> float:
        return self.top + self.chart_h * (5 - value) / 4


def _axes(frame: _Frame, step: int) -> list[str]:
    body = []
    for value in range(0, frame.ceiling + 1, step):
        y = frame.y_count(value)
        body.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.left + frame.chart_w}" '
            f'y2="{y:.1f}" stroke="#dee2e6"/>'
        )
        body.append(draw.text(frame.left - 6, y + 4, str(value), text_anchor="end"))
    right = frame.left + frame.chart_w + 6
    for value in range(1, 6):
        body.append(draw.text(right, frame.y_health(value) + 4, str(value), fill=HEALTH))
    return body


def _bars(frame: _Frame, late: Sequence[int], missing: Sequence[int]) -> list[str]:
    """Late below, missing stacked on top, per period."""
    body = []
    bar_w = min(frame.slot * 0.5, 36)
    for i, (n_late, n_missing) in enumerate(zip(late, missing, strict=True)):
        for bottom, count, colour in ((0, n_late, LATE), (n_late, n_missing, MISSING)):
            if not count:
                continue
            top, foot = frame.y_count(bottom + count), frame.y_count(bottom)
            body.append(
                f'<rect x="{frame.x(i) - bar_w / 2:.1f}" y="{top:.1f}" '
                f'width="{bar_w:.1f}" height="{foot - top:.1f}" fill="{colour}"/>'
            )
    return body


def _health_line(frame: _Frame, health: Sequence[float | None]) -> list[str]:
    """The health line joins neighbouring periods that both have an average."""
    body = []
    x = frame.x
    points = [(i, frame.y_health(v)) for i, v in enumerate(health) if v is not None]
    for (i, yi), (j, yj) in itertools.pairwise(points):
        if j == i + 1:
            body.append(
                f'<line x1="{x(i):.1f}" y1="{yi:.1f}" x2="{x(j):.1f}" y2="{yj:.1f}" '
                f'stroke="{HEALTH}" stroke-width="2.5"/>'
            )
    for i, yi in points:
        body.append(f'<circle cx="{x(i):.1f}" cy="{yi:.1f}" r="4" fill="{HEALTH}"/>')
    return body


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

    ``legend`` names the late bars, the missing bars and the health line.
    """
    width, left, right, top, chart_h = 640, 40, 40, 14, 150
    chart_w = width - left - right
    if not periods:
        message = draw.label(10, 30, wrap(empty, width - 20), fill=draw.MUTED)
        return draw.svg(width, 50, title, [message])
    peak = max([a + b for a, b in zip(late, missing, strict=True)] + [1])
    step = max(1, math.ceil(peak / 4))  # at most five whole-number ticks
    frame = _Frame(
        left=left,
        top=top,
        chart_w=chart_w,
        chart_h=chart_h,
        slot=chart_w / len(periods),
        ceiling=step * math.ceil(peak / step),
    )
    body = [*_axes(frame, step), *_bars(frame, late, missing), *_health_line(frame, health)]
    # Period names centred under their slots, each in at most two lines.
    names = [wrap(name, frame.slot - 6) for name in periods]
    name_y = frame.base + 16
    for i, lines in enumerate(names):
        body.append(draw.label(frame.x(i), name_y, lines, text_anchor="middle"))
    # The legend: three columns, each name in at most two lines.
    column = chart_w / 3
    legend_top = name_y - 12 + LINE * max(len(lines) for lines in names) + 10
    legend_lines = [wrap(name, column - 16 - 10) for name in legend]
    for k, (lines, colour) in enumerate(zip(legend_lines, (LATE, MISSING, HEALTH), strict=True)):
        lx = left + k * column
        body.append(f'<rect x="{lx:.1f}" y="{legend_top}" width="12" height="12" fill="{colour}"/>')
        body.append(draw.label(lx + 16, legend_top + 10, lines))
    height = legend_top + LINE * max(len(lines) for lines in legend_lines) + 8
    return draw.svg(width, round(height), title, body, desc, fixed=True)
