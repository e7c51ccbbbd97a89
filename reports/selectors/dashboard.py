"""The dashboard's body (the counts, the late and due-soon lists, the two charts),
rendered once per state of what it shows and kept in this process.

The body is the same for everyone who may see the dashboard (``oversight_access``):
it shows the network's reports, periods, the reporting organisations' names, the
roadmap's steps and activities and the health check. What may differ between
viewers (the coordinators' delivery section) stays outside it.

The key is a **fingerprint of the rows themselves**, read from the database on every
request: PostgreSQL hashes the full text of every row the body is drawn from (the
network, its periods and reports, those reports' organisations, its steps,
activities, health rounds and answers). Any insert, update or delete of such a row,
by a service, a bulk ``update()``, the admin or SQL by hand, changes the hash, so the
next request draws the body afresh; nothing has to remember to invalidate. The
language, the day (late and due soon depend on it) and the URL prefix are in the key
too. The rendered text lives in this process only (a small LRU): a deploy, with new
templates or translations, starts empty.

One query (about 1 ms at national scale) replaces the eight that draw the body, their
model instances, two SVG charts and the template. Other databases (SQLite in
development) have no row-to-text cast: there the body is drawn every time.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.kept import Kept, rows_fingerprint
from network.models import Network, Organisation
from reports.models import ProgressReport, ReportingPeriod
from roadmap.models import Activity, HealthResponse, HealthRound, Step

from .pages import dashboard_reports
from .roadmap_reads import health_chart, roadmap_summary

# Bodies kept per process: about 20 kB each.
KEPT = 128


kept = Kept(KEPT)


def _fingerprint_sql() -> str:
    """One statement: the md5 of the text of every row the body shows, per table in
    id order. Table names come from the models, so a renamed table fails loudly."""
    t = {
        m.__name__: connection.ops.quote_name(m._meta.db_table)
        for m in (
            Network,
            ReportingPeriod,
            ProgressReport,
            Organisation,
            Step,
            Activity,
            HealthRound,
            HealthResponse,
        )
    }
    # Each part is NULL when it has no rows: coalesce keeps the parts' places apart.
    # Only the network's id is a parameter; the names are the models' own tables.
    return f"""
        WITH reports AS (
            SELECT r.* FROM {t["ProgressReport"]} r
            JOIN {t["ReportingPeriod"]} p ON p.id = r.period_id WHERE p.network_id = %(n)s
        )
        SELECT md5(concat_ws('|',
            coalesce((SELECT x::text FROM {t["Network"]} x WHERE x.id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["ReportingPeriod"]} x WHERE x.network_id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM reports x), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {t["Organisation"]} x
                      WHERE x.id IN (SELECT organisation_id FROM reports)), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["Step"]} x WHERE x.network_id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {t["Activity"]} x
                      JOIN {t["Step"]} s ON s.id = x.step_id WHERE s.network_id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["HealthRound"]} x WHERE x.network_id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id) FROM {t["HealthResponse"]} x
                      JOIN {t["HealthRound"]} h ON h.id = x.round_id
                      WHERE h.network_id = %(n)s), '')
        ))
    """  # noqa: S608 - table names from the models' _meta; the network id is bound


_SQL: list[str] = []


def dashboard_fingerprint(network: Network) -> str | None:
    """The hash of every row the body shows (PostgreSQL); None elsewhere."""
    if not _SQL:
        _SQL.append(_fingerprint_sql())
    return rows_fingerprint(_SQL[0], {"n": network.pk})


def _draw(network: Network, today: dt.date) -> str:
    return render_to_string(
        "reports/_dashboard_body.html",
        {
            "network": network,
            # late, soon, totals
            **dashboard_reports(network=network, today=today),
            "health_chart": health_chart(network),
            # step_chart, progress, activities_soon
            **roadmap_summary(network, today=today),
        },
    )


def dashboard_body(*, network: Network, today: dt.date) -> SafeString:
    """The dashboard's body as HTML: from this process's store when nothing it shows
    has changed (same rows, language, day and URL prefix), else drawn and stored."""
    fingerprint = dashboard_fingerprint(network)
    if fingerprint is None:
        return mark_safe(_draw(network, today))  # our own template's output
    key = (network.pk, fingerprint, today, get_language(), get_script_prefix())
    html = kept.get(key)
    if html is None:
        html = _draw(network, today)
        kept.put(key, html)
    return mark_safe(html)  # our own template's output
