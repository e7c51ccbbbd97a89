"""The health check's trend: each group's average across rounds."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from roadmap.catalogue import HEALTH_GROUPS
from roadmap.selectors import health_summaries

from . import svg as draw
from .text import LINE, wrap


def health_trend_svg(*, network, summaries: list | None = None) -> str:
    """The average of each group (principles, basics, factors) across rounds, as lines.
    ``summaries``: the rounds' ``health_summaries``, when the caller has them already."""
    # The trend shows averages only, not response rates: no expected-respondents query.
    if summaries is None:
        summaries = health_summaries(network=network, with_expected=False)
    summaries = [s for s in summaries if s.groups]
    width, left, top, chart_h = 640, 40, 20, 180
    chart_w = width - left - 20
    title = _("Health check trend")
    if not summaries:
        message = wrap(_("Not enough answers yet to show a trend."), width - 20)
        return draw.svg(width, 50, title, [draw.label(10, 30, message, fill=draw.MUTED)])

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
        body.append(draw.text(left - 8, y(v) + 4, str(v), text_anchor="end"))
    for i, lines in round_lines.items():
        body.append(draw.label(x(i), round_y, lines, text_anchor="middle"))
    desc = []
    groups = zip(HEALTH_GROUPS, draw.GROUP_COLOURS, legend_lines, strict=True)
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
        body.append(draw.label(lx + 16, legend_top + 10, lines))
        desc.append(
            f"{group.label}: "
            + ", ".join(f"{s.round.label} {s.groups.get(group.code, '—')}" for s in summaries)
        )
    return draw.svg(width, height, title, body, "; ".join(desc), fixed=True)
