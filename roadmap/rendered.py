"""Fragments of roadmap pages rendered once per state of what they show, kept in this
process.

A fragment's key holds **everything it is drawn from**: the rows as the page read them
(or a digest of them), the language, the day and whatever else its template looks at.
The rows are read on every request, so any change, whether by a service, a bulk
``update()`` that sends no signal, the admin or SQL by hand, gives another key and the
next request draws the fragment afresh: nothing has to remember to invalidate. The
rendered text lives in this process only (a small LRU shared by the worker's threads);
a deploy, with new templates or translations, starts empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core.kept import Kept

from .charts import plan_read, step_progress_svg, timeline_svg
from .selectors import wins_recent_read, wins_recent_rows

# Fragments kept per process (an overview's plan is about 25 kB).
KEPT = 64


def digest(rows) -> bytes:
    """A fixed-size stand-in for rows of str, int, date, bool and None: their repr is
    unambiguous (strings are quoted), so different rows give different digests."""
    return hashlib.blake2b(repr(rows).encode(), digest_size=20).digest()


bodies = Kept(KEPT)  # the roadmap overview's body: steps, both charts, recent wins


def overview_body(*, network, today: dt.date, show_buttons: bool) -> SafeString:
    """The overview below its tabs (templates/roadmap/_overview_body.html): two queries
    on every request (the steps with their activities; the latest wins with their
    credits), drawn only when the key is new. The key: the rows read, the network's id,
    slug and names, whether the manage buttons show, the language, the URL prefix and
    the day (late bars and the today line)."""
    plan = plan_read(network, today=today)
    wins = wins_recent_read(network=network, limit=3)
    key = (
        network.pk,
        network.slug,
        network.name_th,
        network.name_en,
        show_buttons,
        get_language(),
        get_script_prefix(),
        today,
        digest((plan.rows, wins)),
    )

    def draw() -> SafeString:
        return render_to_string(
            "roadmap/_overview_body.html",
            {
                "network": network,
                "show_buttons": show_buttons,
                "late": plan.late,
                "steps": plan.steps,
                "step_chart": step_progress_svg(rows=plan.steps),
                "timeline": timeline_svg(today=today, activities=plan.dated),
                "wins": wins_recent_rows(wins),
            },
        )

    return bodies.get_or_render(key, draw)
