"""The obstacle register's heat map: likelihood against impact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roadmap.models import ObstacleEntry

from . import svg as draw
from .text import wrap


def _heat_colour(score: int) -> str:
    if score >= 15:
        return "#dc3545"
    if score >= 8:
        return "#fd7e14"
    if score >= 4:
        return "#ffc107"
    return "#198754"


# A register entry's (likelihood, impact): both None while it is not yet scored.
Scores = tuple[int | None, int | None]
Cells = dict[tuple[int, int], int]  # (likelihood, impact) → scored entries


def _cell_counts(network, scores: Iterable[Scores] | None) -> tuple[Cells, int]:
    """{(likelihood, impact): entries} of the scored entries, and how many are unscored:
    counted by the database, or from ``scores`` when the caller has read the register."""
    if scores is None:
        rows = (
            ObstacleEntry.objects.filter(network=network)
            .values_list("likelihood", "impact")
            .annotate(n=Count("id"))
        )
    else:
        rows = [(*pair, n) for pair, n in Counter(scores).items()]
    counts: Cells = {}
    unscored = 0
    for likelihood, impact, n in rows:
        if likelihood is None or impact is None:
            unscored += n
        else:
            counts[(likelihood, impact)] = n
    return counts, unscored


def obstacle_heatmap_svg(*, network=None, scores: Iterable[Scores] | None = None) -> str:
    """Likelihood (up) × impact (across), 5 × 5; each cell counts scored register entries.
    ``scores``: each entry's (likelihood, impact), when the caller has read the register.

    Rows not yet scored are in no cell (a made-up 3 × 3 would look assessed); a note
    under the map says how many there are."""
    counts, unscored = _cell_counts(network, scores)
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
    # The cells, one path per colour (draw.Shapes), under the counts written in them.
    cells, counted = draw.Shapes(), []
    for likelihood in range(1, 6):
        y = top + (5 - likelihood) * cell
        body.append(draw.text(left - 8, y + cell / 2 + 4, str(likelihood), text_anchor="end"))
        for impact in range(1, 6):
            x = left + (impact - 1) * cell
            n = counts.get((likelihood, impact), 0)
            cells.rect(
                x,
                y,
                cell - 2,
                cell - 2,
                rx=4,
                fill=_heat_colour(likelihood * impact),
                fill_opacity=0.9 if n else 0.25,
            )
            if n:
                counted.append(
                    draw.text(
                        x + cell / 2 - 1,
                        y + cell / 2 + 5,
                        str(n),
                        text_anchor="middle",
                        font_size="16",
                        font_weight="700",
                        fill="#ffffff",
                    )
                )
    body += cells.paths() + counted
    for impact in range(1, 6):
        x = left + (impact - 1) * cell + cell / 2
        body.append(draw.text(x, top + cell * 5 + 14, str(impact), text_anchor="middle"))
    # The axis names, each in one line as long as its axis.
    [impact] = wrap(_("impact"), cell * 5, max_lines=1)
    [likelihood] = wrap(_("likelihood"), cell * 5, max_lines=1)
    axis_y = top + cell * 5 + 42
    body.append(draw.text(left + cell * 2.5, axis_y, impact, text_anchor="middle"))
    body.append(
        draw.text(
            14,
            top + cell * 2.5,
            likelihood,
            text_anchor="middle",
            transform=f"rotate(-90 14 {top + cell * 2.5})",
        )
    )
    for i, line in enumerate(note, start=1):
        body.append(draw.text(10, axis_y + 18 * i, line, fill="#495057"))
    desc = "; ".join(
        [
            *(
                _("likelihood %(l)s, impact %(i)s: %(n)s") % {"l": k[0], "i": k[1], "n": v}
                for k, v in sorted(counts.items())
            ),
            *([" ".join(note)] if note else []),
        ]
    )
    return draw.svg(width, height, _("Obstacle heat map"), body, desc, fixed=True)
