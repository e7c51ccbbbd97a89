"""The surge's database side: who takes part, the snapshot taken before, the
exactly-once count after, and the undo that puts the national data back.

The snapshot lives in the national database itself (tables ``bench_surge_*``), so a
run that died half-way is undone by the next run before it starts (``leftover_undo``).
Everything the surge writes is found from it: rows appended after the recorded
highest ids of the touched tables (and only for the picked activities, reports and
sessions), and the picked rows that were changed in place, restored column for column.
"""

# Table and column names below come from this module's constants and the catalogue.
# ruff: noqa: S608
from __future__ import annotations

import json
from pathlib import Path

from django.db import connection, transaction

PER_NETWORK = 10
# Appended by the surge: (table, key column, what ties a new row to a picked thing).
APPENDED = [
    (
        "roadmap_evidence",
        "id",
        "update_id IN (SELECT id FROM roadmap_progressupdate u"
        " WHERE u.activity_id IN (SELECT activity_id FROM bench_surge_pick))",
    ),
    ("roadmap_progressupdate", "id", "activity_id IN (SELECT activity_id FROM bench_surge_pick)"),
    (
        "roadmap_historicalactivity",
        "history_id",
        "id IN (SELECT activity_id FROM bench_surge_pick)",
    ),
    (
        "reports_historicalprogressreport",
        "history_id",
        "id IN (SELECT report_id FROM bench_surge_pick)",
    ),
    ("reports_reportnarrative", "id", "report_id IN (SELECT report_id FROM bench_surge_pick)"),
    ("reports_reminder", "id", "report_id IN (SELECT report_id FROM bench_surge_pick)"),
    ("reports_notification", "id", "TRUE"),
]
# Changed in place: (table, key column, the picked keys) — restored from the snapshot.
CHANGED = [
    ("roadmap_activity", "id", "SELECT activity_id FROM bench_surge_pick"),
    ("reports_progressreport", "id", "SELECT report_id FROM bench_surge_pick"),
    ("network_network", "id", "SELECT DISTINCT network_id FROM bench_surge_pick"),
    (
        "roadmap_step",
        "id",
        "SELECT s.id FROM roadmap_step s WHERE s.network_id IN"
        " (SELECT network_id FROM bench_surge_pick)",
    ),
    (
        "accounts_user",
        "id",
        "SELECT user_id FROM bench_surge_pick UNION SELECT coordinator_id FROM bench_surge_pick",
    ),
]
# Not compared: sessions and the database cache (written by any page view of anyone's
# run), and sign-ins (the other national benches' test clients log in with
# force_login; the surge's sessions are made directly and record none).
NOT_COMPARED = {"django_session", "khruakhai_cache", "bench_national_meta", "privacy_signin"}

CANDIDATES = """
WITH cur AS (SELECT id, network_id FROM reports_reportingperiod
             WHERE due_on = (SELECT max(due_on) FROM reports_reportingperiod)
               AND network_id = ANY(%(networks)s))
SELECT nw.id, nw.slug, p.user_id, p.organisation_id, pr.id,
    (SELECT array_agg(a.id ORDER BY a.id) FROM roadmap_activity a
       JOIN roadmap_step s ON s.id = a.step_id
       JOIN roadmap_activity_owners ao ON ao.activity_id = a.id
      WHERE s.network_id = nw.id AND ao.organisation_id = p.organisation_id
        AND a.status IN ('in_progress', 'not_started')),
    (SELECT cp.user_id FROM network_role cr JOIN network_person cp ON cp.id = cr.person_id
      WHERE cr.network_id = nw.id AND cr.kind = 'coordinator' AND cp.user_id IS NOT NULL
      ORDER BY cr.id LIMIT 1)
FROM network_role r JOIN network_person p ON p.id = r.person_id
JOIN network_network nw ON nw.id = r.network_id
JOIN cur ON cur.network_id = nw.id
JOIN reports_progressreport pr ON pr.period_id = cur.id AND pr.organisation_id = p.organisation_id
JOIN accounts_user u ON u.id = p.user_id AND u.is_active
WHERE r.kind = 'partner_rep' AND nw.status = 'active' AND pr.status = 'draft'
ORDER BY nw.id, r.id
"""


def _one(sql: str, params=None):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def _all(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _run(sql: str, params=None) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def pick(partners: int) -> list[dict]:
    """``partners`` representatives, each a different login, at most PER_NETWORK per
    network, each with an open (draft) report in the current period and an activity
    of its organisation still under way (each activity picked once). Networks are
    taken every 25th, spread over the whole table, then the ones between when more
    are needed."""
    chosen: list[dict] = []
    users: set[int] = set()
    taken: set[int] = set()
    total = _one("SELECT count(*) FROM network_network")
    for offset in (0, 12, 6, 18, 3, 9, 15, 21):
        networks = list(range(25 - offset, total + 1, 25))
        per_network: dict[int, int] = {}
        for row in _all(CANDIDATES, {"networks": networks}):
            network_id, slug, user_id, org_id, report_id, activities, coordinator_id = row
            # An activity owned by two organisations is updated by one of them only.
            activity_id = next((a for a in activities or () if a not in taken), None)
            if activity_id is None or coordinator_id is None or user_id in users:
                continue
            if per_network.get(network_id, 0) >= PER_NETWORK:
                continue
            per_network[network_id] = per_network.get(network_id, 0) + 1
            users.add(user_id)
            taken.add(activity_id)
            chosen.append(
                {
                    "network_id": network_id,
                    "slug": slug,
                    "user_id": user_id,
                    "organisation_id": org_id,
                    "report_id": report_id,
                    "activity_id": activity_id,
                    "coordinator_id": coordinator_id,
                }
            )
            if len(chosen) == partners:
                return chosen
    return chosen


def table_counts() -> dict[str, int]:
    """Exact row counts of every table but the surge's own snapshot tables."""
    names = [
        r[0]
        for r in _all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'bench_surge%%'"
            " ORDER BY 1"
        )
    ]
    return {name: _one(f'SELECT count(*) FROM "{name}"') for name in names}


def _sequence(table: str, column: str) -> str | None:
    return _one("SELECT pg_get_serial_sequence(%s, %s)", [table, column])


@transaction.atomic
def snapshot(picked: list[dict], *, media_root: str, sessions: list[str]) -> dict:
    """Record what the undo needs, in the database; returns the counts before."""
    _run("CREATE TABLE bench_surge_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
    _run(
        "CREATE TABLE bench_surge_pick (network_id bigint, slug text, user_id bigint,"
        " organisation_id bigint, report_id bigint, activity_id bigint, coordinator_id bigint)"
    )
    with connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO bench_surge_pick VALUES (%(network_id)s, %(slug)s, %(user_id)s,"
            " %(organisation_id)s, %(report_id)s, %(activity_id)s, %(coordinator_id)s)",
            picked,
        )
    for table, key, ids in CHANGED:
        _run(f"CREATE TABLE bench_surge_{table} AS SELECT * FROM {table} WHERE {key} IN ({ids})")
    highest, sequences = {}, {}
    for table, key, _tie in APPENDED:
        highest[table] = _one(f"SELECT coalesce(max({key}), 0) FROM {table}")
        sequence = _sequence(table, key)
        if sequence:
            sequences[sequence] = list(_all(f"SELECT last_value, is_called FROM {sequence}")[0])
    counts = table_counts()
    meta = {
        "highest": highest,
        "sequences": sequences,
        "media_root": media_root,
        "sessions": sessions,
        "counts": counts,
    }
    with connection.cursor() as cur:
        for key, value in meta.items():
            cur.execute(
                "INSERT INTO bench_surge_meta VALUES (%s, %s::jsonb)", [key, json.dumps(value)]
            )
    return counts


def _meta() -> dict:
    return {
        k: json.loads(v) if isinstance(v, str) else v
        for k, v in _all("SELECT key, value FROM bench_surge_meta")
    }


def exactly_once(started_at) -> dict:
    """Counted in the database: per picked activity the new progress updates and their
    evidence, per picked report its state and its submissions in the history."""
    meta = _meta()
    high = meta["highest"]
    p = {
        "started": started_at,
        "pu": high["roadmap_progressupdate"],
        "ev": high["roadmap_evidence"],
        "hr": high["reports_historicalprogressreport"],
        "ha": high["roadmap_historicalactivity"],
        "rm": high["reports_reminder"],
        "rn": high["reports_reportnarrative"],
    }
    q = {
        "picked": "SELECT count(*) FROM bench_surge_pick",
        "new progress updates": "SELECT count(*) FROM roadmap_progressupdate WHERE id > %(pu)s",
        "activities with exactly one new update": """
            SELECT count(*) FROM (SELECT p.activity_id FROM bench_surge_pick p
              JOIN roadmap_progressupdate u ON u.activity_id = p.activity_id AND u.id > %(pu)s
               AND u.author_id = p.user_id AND u.organisation_id = p.organisation_id
             GROUP BY p.activity_id HAVING count(*) = 1) x""",
        "new evidence rows": "SELECT count(*) FROM roadmap_evidence WHERE id > %(ev)s",
        "new updates with exactly one evidence file": """
            SELECT count(*) FROM (SELECT u.id FROM roadmap_progressupdate u
              JOIN roadmap_evidence e ON e.update_id = u.id
             WHERE u.id > %(pu)s GROUP BY u.id HAVING count(*) = 1) x""",
        "activities moved on one version": """
            SELECT count(*) FROM bench_surge_pick p
              JOIN roadmap_activity a ON a.id = p.activity_id
              JOIN bench_surge_roadmap_activity s ON s.id = a.id
             WHERE a.version = s.version + 1""",
        "reports submitted by their representative": """
            SELECT count(*) FROM bench_surge_pick p
              JOIN reports_progressreport r ON r.id = p.report_id
             WHERE r.status = 'submitted' AND r.submitted_by_id = p.user_id
               AND r.submitted_at >= %(started)s""",
        "reports submitted exactly once (history)": """
            SELECT count(*) FROM (SELECT h.id FROM reports_historicalprogressreport h
             WHERE h.history_id > %(hr)s AND h.status = 'submitted'
               AND h.id IN (SELECT report_id FROM bench_surge_pick)
             GROUP BY h.id HAVING count(*) = 1) x""",
        "submission history rows": """
            SELECT count(*) FROM reports_historicalprogressreport
             WHERE history_id > %(hr)s AND status = 'submitted'""",
        "submitted notices queued (reminder rows)": """
            SELECT count(*) FROM reports_reminder WHERE id > %(rm)s AND kind = 'submitted:1'""",
        "coordinators to tell": """
            SELECT count(*) FROM bench_surge_pick p JOIN network_role r
              ON r.network_id = p.network_id AND r.kind = 'coordinator'
              JOIN network_person pe ON pe.id = r.person_id AND pe.user_id IS NOT NULL""",
        "new report narratives": "SELECT count(*) FROM reports_reportnarrative WHERE id > %(rn)s",
        "new activity history rows": """
            SELECT count(*) FROM roadmap_historicalactivity WHERE history_id > %(ha)s""",
    }
    out = {label: _one(sql, p) for label, sql in q.items()}
    files = _all("SELECT file, size FROM roadmap_evidence WHERE id > %(ev)s", p)
    root = Path(meta["media_root"])
    out["evidence files on disk, size as recorded"] = sum(
        1
        for name, size in files
        if (root / name).is_file() and (root / name).stat().st_size == size
    )
    return out


def leftover() -> bool:
    return bool(_one("SELECT to_regclass('public.bench_surge_meta') IS NOT NULL"))


@transaction.atomic
def undo() -> dict:
    """Delete what the surge added, restore what it changed, put the sequences back;
    then compare every table's count and every restored row with the snapshot."""
    meta = _meta()
    root = Path(meta["media_root"])
    removed_files = 0
    for (name,) in _all(
        f"SELECT file FROM roadmap_evidence WHERE id > {meta['highest']['roadmap_evidence']}"
    ):
        path = root / name
        if path.is_file():
            path.unlink()
            removed_files += 1
    deleted = {}
    for table, key, tie in APPENDED:
        deleted[table] = _run(
            f"DELETE FROM {table} WHERE {key} > %s AND {tie}", [meta["highest"][table]]
        )
    deleted["django_session"] = _run(
        "DELETE FROM django_session WHERE session_key = ANY(%s)", [meta["sessions"]]
    )
    different = {}
    for table, key, _ids in CHANGED:
        columns = [
            r[0]
            for r in _all(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                " AND table_name = %s AND column_name <> %s ORDER BY ordinal_position",
                [f"bench_surge_{table}", key],
            )
        ]
        targets = ", ".join(f'"{c}"' for c in columns)
        sources = ", ".join(f's."{c}"' for c in columns)
        _run(
            f"UPDATE {table} t SET ({targets}) = ROW({sources}) FROM bench_surge_{table} s"
            f" WHERE t.{key} = s.{key} AND ROW(t.*) IS DISTINCT FROM ROW(s.*)"
        )
        different[table] = _one(
            f"SELECT count(*) FROM bench_surge_{table} s LEFT JOIN {table} t ON t.{key} = s.{key}"
            " WHERE ROW(t.*) IS DISTINCT FROM ROW(s.*)"
        )
    for sequence, (last_value, is_called) in meta["sequences"].items():
        _run("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])
    after = table_counts()
    before = meta["counts"]
    ours = {t for t, _k, _tie in APPENDED} | {t for t, _k, _ids in CHANGED}
    changed = {t: [before.get(t), n] for t, n in after.items() if before.get(t) != n}
    for table in (
        "bench_surge_pick",
        "bench_surge_meta",
        *(f"bench_surge_{t}" for t, _k, _i in CHANGED),
    ):
        _run(f"DROP TABLE IF EXISTS {table}")
    return {
        "files removed": removed_files,
        "rows deleted": deleted,
        "rows still different after restore": different,
        "surge tables whose count differs from before": {
            t: v for t, v in changed.items() if t in ours
        },
        # Other tables: nothing the surge's requests write, so a change there is another
        # run on the same database (the committee-report drain, another bench's logins).
        "other tables whose count differs from before": {
            t: v for t, v in changed.items() if t not in ours and t not in NOT_COMPARED
        },
        "tables compared": len(after) - len(NOT_COMPARED & set(after)),
        "back as before": not any(t in ours for t in changed) and not any(different.values()),
    }
