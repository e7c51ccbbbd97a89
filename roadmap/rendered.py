"""Fragments of roadmap pages rendered once per state of what they show, kept in this
process.

A fragment's key holds **everything it is drawn from**: the rows it shows, the
language, the day and whatever else its template looks at. On PostgreSQL the rows are
a **fingerprint** hashed by the database in one query (``core.kept.rows_fingerprint``:
the md5 of the full text of every row the body is drawn from, read beside the latest
wins the body shows, as ``core.kept.rows_fingerprint`` hashes); on other databases
(SQLite in development and tests) the rows themselves are read and digested here.
Either way they are read on every request, so any change, whether by a service, a bulk
``update()`` that sends no signal, the admin or SQL by hand, gives another key and the
next request draws the fragment afresh: nothing has to remember to invalidate. The
rendered text lives in this process only (a small LRU shared by the worker's threads);
a deploy, with new templates or translations, starts empty.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import connection
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from core import pg_prepared
from core.kept import Kept
from network.models import Organisation, Person

from .charts import plan_read, step_progress_svg, timeline_svg
from .models import Activity, Step, Win
from .selectors import wins_recent_read, wins_recent_rows

# Fragments kept per process (an overview's plan is about 25 kB).
KEPT = 64
# Recent wins the overview shows.
WINS = 3


def digest(rows) -> bytes:
    """A fixed-size stand-in for rows of str, int, date, bool and None: their repr is
    unambiguous (strings are quoted), so different rows give different digests."""
    return hashlib.blake2b(repr(rows).encode(), digest_size=20).digest()


bodies = Kept(KEPT)  # the roadmap overview's body: steps, both charts, recent wins


def _fingerprint_sql() -> str:
    """One statement: the md5 of the text of every row the overview's body is drawn
    from (``plan_read`` and ``wins_recent_read``): the network's steps and their
    activities, its latest wins (as Win orders them), their organisation and people
    links, and the organisations and people those name. Beside it, on every row, the
    latest wins with their credits exactly as ``wins_recent_read`` reads them (same
    columns, joins and order; one row of NULLs when there are none), so a miss reads
    only the plan. Table names come from the models, so a renamed table fails loudly."""
    t = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("step", Step),
            ("activity", Activity),
            ("win", Win),
            ("win_org", Win.organisations.through),
            ("win_person", Win.people.through),
            ("organisation", Organisation),
            ("person", Person),
        )
    }
    # Each part is NULL when it has no rows: coalesce keeps the parts' places apart.
    # Only the network's id is a parameter; the number of wins is the constant WINS
    # (in the text, so a prepared statement's plan knows it).
    return f"""
        WITH wins AS (
                 SELECT * FROM {t["win"]} WHERE network_id = %(n)s
                 ORDER BY happened_on DESC, id DESC LIMIT {WINS:d}),
             win_orgs AS (SELECT * FROM {t["win_org"]} WHERE win_id IN (SELECT id FROM wins)),
             win_people AS (
                 SELECT * FROM {t["win_person"]} WHERE win_id IN (SELECT id FROM wins)),
             fingerprint AS (SELECT md5(concat_ws('|',
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["step"]} x WHERE x.network_id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {t["activity"]} x
                      JOIN {t["step"]} s ON s.id = x.step_id WHERE s.network_id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM wins x), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM win_orgs x), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM win_people x), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {t["organisation"]} x
                      WHERE x.id IN (SELECT organisation_id FROM win_orgs)), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {t["person"]} x
                      WHERE x.id IN (SELECT person_id FROM win_people)), '')
        )) AS md5)
        SELECT f.md5, w.id, w.happened_on, w.title, w.description,
               o.id, o.name_th, o.name_en, p.id, p.full_name, p.title
        FROM fingerprint f LEFT JOIN (
            wins w
            LEFT JOIN win_orgs wo ON wo.win_id = w.id
            LEFT JOIN {t["organisation"]} o ON o.id = wo.organisation_id
            LEFT JOIN win_people wp ON wp.win_id = w.id
            LEFT JOIN {t["person"]} p ON p.id = wp.person_id
        ) ON TRUE
        ORDER BY w.happened_on DESC, w.id DESC, o.name_th, o.id, p.full_name, p.id
    """  # noqa: S608 - table names from the models' _meta; the values are bound


_SQL: list[str] = []


def overview_fingerprint(network) -> tuple[str, tuple[tuple, ...]] | None:
    """The hash of every row the overview's body shows, and the latest wins' rows as
    ``wins_recent_read`` gives them (PostgreSQL); None elsewhere: SQLite has no
    row-to-text cast (``core.kept.rows_fingerprint``'s rule)."""
    if connection.vendor != "postgresql":
        return None
    if not _SQL:
        _SQL.append(_fingerprint_sql())
    with connection.cursor() as cursor:
        pg_prepared.execute_named(cursor, _SQL[0], {"n": network.pk})
        rows = cursor.fetchall()
    return rows[0][0], tuple(row[1:] for row in rows if row[1] is not None)


def overview_body(*, network, today: dt.date, show_buttons: bool) -> SafeString:
    """The overview below its tabs (templates/roadmap/_overview_body.html), drawn only
    when the key is new. On PostgreSQL one query on every request (the fingerprint of
    the steps, activities, latest wins and their credits, with the wins' rows), and the
    plan read only to draw; elsewhere two (those rows themselves, digested). The key
    also holds the network's id, slug and names, whether the manage buttons show, the
    language, the URL prefix and the day (late bars and the today line)."""
    found = overview_fingerprint(network)
    if found is None:  # no row-to-text cast: read the rows and digest them
        plan = plan_read(network, today=today)
        wins = wins_recent_read(network=network, limit=WINS)
        fingerprint = digest((plan.rows, wins))
    else:
        plan = None  # read only when the body is drawn
        fingerprint, wins = found
    key = (
        network.pk,
        network.slug,
        network.name_th,
        network.name_en,
        show_buttons,
        get_language(),
        get_script_prefix(),
        today,
        fingerprint,
    )

    def draw() -> SafeString:
        read = plan or plan_read(network, today=today)
        return render_to_string(
            "roadmap/_overview_body.html",
            {
                "network": network,
                "show_buttons": show_buttons,
                "late": read.late,
                "steps": read.steps,
                "step_chart": step_progress_svg(rows=read.steps),
                "timeline": timeline_svg(today=today, activities=read.dated),
                "wins": wins_recent_rows(wins),
            },
        )

    return bodies.get_or_render(key, draw)
