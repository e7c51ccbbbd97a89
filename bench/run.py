#!/usr/bin/env python
"""`make bench`: run every bench/bench_*.py module and print one table.

Each module defines ``run() -> list[dict]``; a row is
``{"what": str, "figure": float|str, "unit": str, "note": str}``. Results are also
written as JSON to bench/results/latest.json. Benchmarks are never part of
`make test`: speed is measured here and printed, not asserted in a timed test.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/khruakhai_bench"


def _ensure_database() -> None:
    """Benchmarks run on PostgreSQL: create the bench database (UTF-8 ctype) if missing."""
    import psycopg

    url = os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )


def main(argv: list[str]) -> int:
    import django
    from django.core.management import call_command

    _ensure_database()
    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    only = set(argv)
    modules = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    rows: list[dict] = []
    for name in modules:
        if only and name.removeprefix("bench_") not in only and name not in only:
            continue
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(f"bench.{name}")
            module_rows = module.run()
        except Exception as error:  # noqa: BLE001 - one broken module must not lose every other figure
            import traceback

            traceback.print_exc()
            module_rows = [
                {"what": f"{name} failed", "figure": "error", "unit": "", "note": repr(error)[:200]}
            ]
        for row in module_rows:
            row.setdefault("bench", name)
            rows.append(row)
            print(f"   {row['what']}: {row['figure']} {row.get('unit', '')}", flush=True)
    width = max((len(r["what"]) for r in rows), default=10)
    from bench import engine  # once ROOT is on sys.path (run as a script)

    print()
    print(
        f"Khruakhai benchmark — {dt.datetime.now():%Y-%m-%d %H:%M} — {platform.node()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()} ({engine()})"
    )
    print(f"{'what':<{width}}  {'figure':>12}  unit      note")
    for r in rows:
        figure = f"{r['figure']:.3f}" if isinstance(r["figure"], float) else str(r["figure"])
        print(f"{r['what']:<{width}}  {figure:>12}  {r.get('unit', ''):<8}  {r.get('note', '')}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(
        json.dumps(
            {"at": dt.datetime.now().isoformat(), "rows": rows}, ensure_ascii=False, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
