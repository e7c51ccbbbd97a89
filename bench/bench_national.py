"""The national-scale benchmark (`make bench BENCH=national`, or part of `make bench`).

5,000 networks, 30,000 organisations, 150,000 people, 1,000,000 progress updates and
100,000 reports due on one day, generated inside PostgreSQL (bench/national/generate.py),
then one table: each key page's throughput and p50/p95 under gunicorn (4 workers × 2
threads, 8 keep-alive clients) next to the bare Django view of the same run, each page's
query count at demo and at national scale, the agreement and committee PDFs rendered by
WeasyPrint next to Chromium's print-to-PDF of the same HTML, the reports app's own
reminder sweep over the 100,000 due reports, and the web worker's peak memory.

The national data lives in its own database (khruakhai_bench_national) and the demo in
another (khruakhai_bench_demo): the other bench modules use khruakhai_bench inside
rolled-back transactions, and 100,000 extra due reports there would change what their
own sweeps measure. The generation is kept between runs; NATIONAL_REGENERATE=1 rebuilds
it. Each database is measured by a child process (bench/national/measure.py) whose
DATABASE_URL points at it. Results also go to bench/results/national.json.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import engine, machine_speed

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("NATIONAL_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
NATIONAL_DB = "khruakhai_bench_national"
DEMO_DB = "khruakhai_bench_demo"
COUNT_ORDER = (
    "networks",
    "organisations",
    "memberships",
    "people",
    "users",
    "roles",
    "activities",
    "progress updates",
    "progress reports",
    "reports due on one day",
)


def _ensure_database(name: str) -> None:
    """Create a UTF-8 (C.UTF-8) database: pg_trgm finds no Thai under the C ctype."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )


def _child(mode: str, database: str, *extra: str) -> dict:
    """Run bench/national/measure.py against ``database``; its progress goes to stderr."""
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONWARNINGS": "ignore",
    }
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(  # noqa: S603 — our own interpreter and module
            [sys.executable, "-m", "bench.national", mode, "--out", out.name, *extra],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def _fmt(value, digits: int = 1) -> str:
    return f"{value:,.{digits}f}" if isinstance(value, int | float) else str(value)


def _speed_line(speeds: tuple[dict, dict]) -> str:
    """The machine-speed probe (bench.machine_speed) at the start and at the end."""
    start, end = speeds
    return (
        "machine speed, CPU s at the start / the end: a Python loop of 10,000,000 additions "
        f"{start['python_loop_s']:.2f} / {end['python_loop_s']:.2f}; 1,000,000 objects made "
        f"and freed {start['objects_s']:.2f} / {end['objects_s']:.2f}; zlib of 8 MiB "
        f"{start['zlib_s']:.2f} / {end['zlib_s']:.2f} (bench.machine_speed: compare runs "
        "from different machines with these beside them)"
    )


def _table(
    demo: dict, national: dict, loads: tuple[float, float, float], speeds: tuple[dict, dict]
) -> tuple[str, list]:
    load = national["load"]
    bare_rps = (load["bare Django view"]["rps"] + load["bare Django view (again)"]["rps"]) / 2
    data = national["data"]
    counts = data["counts"]
    lines = [
        f"Khruakhai national-scale benchmark — {dt.datetime.now():%Y-%m-%d %H:%M} — "
        f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()} "
        f"({engine()}), load average {loads[0]:.1f} at the start (the load column: "
        "1-minute load average after each row; above 2 means other work shared the 2 cores)",
        _speed_line(speeds),
        "data: "
        + ", ".join(f"{counts[k]:,} {k}" for k in COUNT_ORDER if k in counts)
        + (
            f" (kept from {data['generated_at'][:16]})"
            if data.get("skipped") in (True, "True")
            else f" (generated in {float(data['seconds']):.0f} s)"
        ),
        f"network measured: {national['who']['network']} (20 member organisations, "
        f"40 activities, 200 progress updates)",
        "",
        f"{'page (gunicorn 4×2, 8 clients)':<44} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'× bare':>7} {'queries demo':>13} {'national':>9} {'load':>5}",
    ]
    rows: list[dict] = []
    for label in ("bare Django view", "bare Django view (again)"):
        r = load[label]
        lines.append(
            f"{label:<44} {r['rps']:>7.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{'':>7} {'':>13} {'':>9} {r.get('load_1m', ''):>5}"
        )
    rows.append(
        {
            "what": "bare Django view (national run)",
            "figure": round(bare_rps, 1),
            "unit": "req/s",
            "note": "mean of the run's first and last measurement",
        }
    )
    for page, q in national["queries"].items():
        r = load[page]
        demo_q = demo["queries"].get(page, {}).get("queries", "-")
        ratio = bare_rps / r["rps"] if r["rps"] else float("inf")
        lines.append(
            f"{page:<44} {r['rps']:>7.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{ratio:>6.1f}× {demo_q:>13} {q['queries']:>9} {r.get('load_1m', ''):>5}"
            + (f"  ({r['errors']} errors)" if r["errors"] else "")
        )
        rows.append(
            {
                "what": f"{page} (national)",
                "figure": r["rps"],
                "unit": "req/s",
                "note": f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {ratio:.1f}× the bare view; "
                f"queries {demo_q} at demo scale, {q['queries']} at national scale; "
                f"{r['requests']} requests, {r['errors']} errors",
            }
        )
    lines.append("")
    lines.append(f"{'PDF (Thai)':<44} {'ms':>9}")
    for row in national["pdf"]:
        lines.append(f"{row['what']:<44} {_fmt(row['figure']):>9}  {row['note']}")
        rows.append(row)
    lines.append("")
    for row in national["sweep"]:
        lines.append(f"{row['what']:<44} {_fmt(row['figure']):>9} {row['unit']:<3} {row['note']}")
        rows.append(row)
    lines.append(f"{'web worker peak memory (VmHWM, largest)':<44} {load['_peak_rss_mb']:>9.1f} MB")
    # The term-end scenes print their own lines and rows (bench/national/surge.py, drain.py).
    for scene in ("surge", "drain"):
        if scene in national:
            module = importlib.import_module(f"bench.national.{scene}")
            lines.append("")
            lines.extend(module.lines(national[scene]))
            rows.extend(module.rows(national[scene]))
    rows.append(
        {
            "what": "web worker peak memory",
            "figure": load["_peak_rss_mb"],
            "unit": "MB",
            "note": "largest VmHWM of the 4 gunicorn workers after every page's load",
        }
    )
    rows.append(
        {
            "what": "national data generation",
            "figure": round(float(data["seconds"]), 1),
            "unit": "s",
            "note": "set-based generate_series inserts, FK checks at COMMIT, VACUUM ANALYZE"
            + ("; kept from an earlier run" if data.get("skipped") in (True, "True") else ""),
        }
    )
    return "\n".join(lines), rows


def run() -> list[dict]:
    loads = os.getloadavg()
    speed_start = machine_speed()
    _ensure_database(DEMO_DB)
    _ensure_database(NATIONAL_DB)
    print("   demo scale: migrate, demo data, query counts", flush=True)
    demo = _child("demo", DEMO_DB)
    regenerate = os.environ.get("NATIONAL_REGENERATE", "") not in ("", "0", "false")
    print("   national scale" + (" (regenerating)" if regenerate else ""), flush=True)
    national = _child("national", NATIONAL_DB, *(["--regenerate"] if regenerate else []))
    speeds = (speed_start, machine_speed())
    table, rows = _table(demo, national, loads, speeds)
    print()
    print(table, flush=True)
    print()
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "national.json").write_text(
        json.dumps(
            {
                "at": dt.datetime.now().isoformat(timespec="seconds"),
                "machine": {
                    "node": platform.node(),
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "engine": engine(),
                    "load_average_start": loads,
                    "load_average_end": os.getloadavg(),
                    "speed_start": speeds[0],
                    "speed_end": speeds[1],
                },
                "table": table,
                "demo": demo,
                "national": national,
                "rows": rows,
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    return rows
