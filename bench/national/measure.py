"""The national benchmark's measuring process: ``python -m bench.national <mode> --out FILE``.

It runs in its own process because it runs against its own database (DATABASE_URL
set by bench/bench_national.py): ``demo`` loads the demo data and counts each key
page's queries; ``national`` generates (or reuses) the national data, counts the
same pages' queries, drives them through a real gunicorn next to the bare view,
renders the agreement and committee PDFs with WeasyPrint and with Chromium, and
runs the reports app's own reminder sweep over the 100,000 reports due on one day.
Results go to FILE as JSON; bench/bench_national.py prints the table.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import resource
import sys
import time
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from . import pdfs

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "ป่าประดู่"  # a village name: a few hundred schools nationally, one in the demo
BANGKOK = ZoneInfo("Asia/Bangkok")
LOAD_SECONDS = float(os.environ.get("NATIONAL_LOAD_SECONDS", "20"))


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- which pages, as whom ----------------------------------------------------------------
def _targets(*, slug: str, coordinator, partner, admin) -> list[dict]:
    return [
        {"page": "dashboard", "path": f"/networks/{slug}/dashboard/", "user": coordinator},
        {"page": "network page", "path": f"/networks/{slug}/", "user": coordinator},
        {"page": "roadmap overview", "path": f"/networks/{slug}/roadmap/", "user": coordinator},
        {"page": "my tasks", "path": "/my/tasks/", "user": partner},
        {
            "page": f"directory search “{SEARCH}” (site admin)",
            "path": f"/organisations/?q={quote(SEARCH)}",
            "user": admin,
        },
        {
            "page": "directory search “โรงเรียน” (coordinator)",
            "path": f"/organisations/?q={quote('โรงเรียน')}",
            "user": coordinator,
        },
    ]


def demo_targets() -> list[dict]:
    from django.contrib.auth import get_user_model

    users = {
        u.email: u for u in get_user_model().objects.filter(email__endswith="khruakhai.example")
    }
    return _targets(
        slug="sansai-reading",
        coordinator=users["coordinator@khruakhai.example"],
        partner=users["partner@khruakhai.example"],
        admin=users["admin@khruakhai.example"],
    )


def national_targets() -> tuple[list[dict], dict]:
    """Network 2,500 of 5,000: an ordinary active network in the middle of the table."""
    from django.contrib.auth import get_user_model

    from . import generate as g

    n = 2500
    lead = (n - 1) * g.ORG_STEP + 1
    fifth = ((n - 1) * g.ORG_STEP + 5 * g.MEMBER_STRIDE) % g.ORGANISATIONS + 1
    User = get_user_model()
    coordinator = User.objects.get(id=(lead - 1) * g.PEOPLE_PER_ORG + 1)
    partner = User.objects.get(id=(fifth - 1) * g.PEOPLE_PER_ORG + 1)
    admin = User.objects.get(email=g.ADMIN_EMAIL)
    slug = f"net-{n:05d}"
    return _targets(slug=slug, coordinator=coordinator, partner=partner, admin=admin), {
        "network": slug,
        "coordinator": coordinator.email,
        "partner": partner.email,
    }


# --- query counts ------------------------------------------------------------------------
def count_queries(targets: list[dict]) -> dict[str, dict]:
    """Queries per request through the test Client (second request: caches warm)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for target in targets:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="th")
        client.force_login(target["user"])
        client.get(target["path"])
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(target["path"])
            elapsed = time.perf_counter() - started
        queries = ctx.captured_queries
        slowest = max(queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
        out[target["page"]] = {
            "status": response.status_code,
            "queries": len(queries),
            "db_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
            "single_ms": round(elapsed * 1000, 1),
            "slowest_ms": round(float(slowest["time"]) * 1000, 1),
            "slowest_sql": slowest["sql"][:600],
            "bytes": len(response.content),
        }
        log(f"   {target['page']}: {response.status_code}, {len(queries)} queries")
    return out


# --- load under gunicorn -----------------------------------------------------------------
def _requests_for(seconds_each: float) -> int:
    """Enough requests for about LOAD_SECONDS on two cores, within 64..800, a multiple of 8."""
    estimate = int(LOAD_SECONDS * 2 / max(seconds_each, 0.001))
    return max(64, min(800, estimate)) // 8 * 8


def load(targets: list[dict]) -> dict:
    import http.client

    from bench.load import PORT, Gunicorn, hammer, session_cookie_for

    def probe(path: str, cookie: str) -> float:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        headers = {"Cookie": cookie, "Accept-Language": "th"}
        times = []
        for _ in range(4):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            times.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"{path}: status {response.status}")
        return min(times)

    server = Gunicorn()
    results: dict = {}
    try:

        def one(label: str, path: str, cookie: str) -> None:
            n = _requests_for(probe(path, cookie))
            # Every worker thread renders the page once before the clock starts, so
            # template loading and first-use imports do not land in the p95.
            hammer(path, cookie=cookie, concurrency=8, requests=32, warmup=0)
            r = hammer(path, cookie=cookie, concurrency=8, requests=n)
            # Other work on the machine shows here: the 1-minute load average at the end.
            load_1m = os.getloadavg()[0]
            results[label] = {
                "requests": r.requests,
                "errors": r.errors,
                "seconds": round(r.seconds, 2),
                "rps": round(r.rps, 1),
                "p50_ms": round(r.p50_ms, 1),
                "p95_ms": round(r.p95_ms, 1),
                "load_1m": round(load_1m, 1),
            }
            log(f"   {label}: {r.rps:.1f} req/s, p50 {r.p50_ms:.1f} ms, p95 {r.p95_ms:.1f} ms")

        one("bare Django view", "/bench/bare/", "")
        for target in targets:
            one(target["page"], target["path"], session_cookie_for(target["user"]))
        # Measured again at the end: the ratio uses the mean, so drift shows.
        one("bare Django view (again)", "/bench/bare/", "")
        results["_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
    finally:
        server.stop()
    return results


# --- the reminder sweep ------------------------------------------------------------------
def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak_rss() -> float:
    """Reset VmHWM (Linux: clear_refs 5) so the sweep's own peak is what gets read."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def sweep(due_on: dt.date) -> list[dict]:
    """reports.services.reminder_sweep at 09:00 on the due day, in a rolled-back transaction."""
    from django.db import transaction

    from reports import services
    from reports.models import ProgressReport, Reminder

    now = dt.datetime.combine(due_on, dt.time(9, 0), tzinfo=BANGKOK)
    rss_before = _reset_peak_rss()
    with transaction.atomic():
        due = ProgressReport.objects.open().filter(period__due_on=due_on).count()
        before = Reminder.objects.count()
        started = time.perf_counter()
        ids = services.reminder_sweep(now=now)
        first = time.perf_counter() - started
        created = Reminder.objects.count() - before
        started = time.perf_counter()
        again = services.reminder_sweep(now=now)
        second = time.perf_counter() - started
        created_again = Reminder.objects.count() - before - created
        transaction.set_rollback(True)
    rss_after = _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        {
            "what": "reminder sweep, first run",
            "figure": round(first, 2),
            "unit": "s",
            "note": f"{due:,} open reports due {due_on:%Y-%m-%d} over 5,000 networks; "
            f"{created:,} reminders created, {len(ids):,} ids to send",
        },
        {
            "what": "reminders created per second",
            "figure": round(created / first, 0) if first else 0,
            "unit": "/s",
            "note": "reports.services.reminder_sweep (plan + due ids), one process",
        },
        {
            "what": "reminder sweep, second run (nothing new)",
            "figure": round(second, 2),
            "unit": "s",
            "note": f"{created_again:,} created, {len(again):,} ids offered again",
        },
        {
            "what": "sweep process peak memory",
            "figure": round(rss_after, 0),
            "unit": "MB",
            "note": f"peak resident memory of the sweeping process; {rss_before:.0f} MB before",
        },
    ]


# --- entry point -------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national")
    parser.add_argument(
        "mode", choices=["demo", "national", "generate", "split", "profile", "surge", "drain"]
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--page", default="dashboard", help="profile: which page (prefix)")
    parser.add_argument("--sort", default="tottime", help="profile: cProfile sort key")
    args = parser.parse_args(argv)
    _setup()
    result: dict = {"mode": args.mode, "database": os.environ.get("DATABASE_URL", "")}
    if args.mode == "profile":
        from . import split as split_module

        print(split_module.profile(_split_targets(), args.page, sort=args.sort))
        return 0
    result.update(_measure(args))
    if "split" in result:
        from . import split as split_module

        print(split_module.table(result["split"]), file=sys.stderr)
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    elif "split" not in result:
        print(text)
    return 0


def _split_targets() -> list[dict]:
    """The key pages of whichever database DATABASE_URL names (national by default)."""
    if "national" in os.environ.get("DATABASE_URL", ""):
        return national_targets()[0]
    return demo_targets()


def _scene(name: str) -> dict:
    """A term-end scene in its own module (surge, drain): ``run(log=) -> dict``."""
    return importlib.import_module(f"bench.national.{name}").run(log=log)


def _measure(args) -> dict:
    """What ``args.mode`` measures, as the result's entries."""
    if args.mode in ("surge", "drain"):
        return {args.mode: _scene(args.mode)}
    if args.mode == "split":
        from . import split as split_module

        return {"split": split_module.split(_split_targets())}
    if args.mode == "demo":
        from django.core.management import call_command

        call_command("demo_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        return {"queries": count_queries(demo_targets())}
    from . import generate

    data = generate.ensure(regenerate=args.regenerate, log=log)
    result: dict = {"data": {k: str(v) if not isinstance(v, dict) else v for k, v in data.items()}}
    if args.mode == "national":
        targets, who = national_targets()
        result["who"] = who
        log("   counting queries at national scale")
        result["queries"] = count_queries(targets)
        log("   reminder sweep")
        result["sweep"] = sweep(data["due_on"])
        log("   gunicorn load")
        result["load"] = load(targets)
        log("   PDFs")
        result["pdf"] = pdfs.pdfs(who["network"])
        for scene in ("surge", "drain"):
            if os.environ.get(f"NATIONAL_{scene.upper()}", "1") not in ("0", "false"):
                log(f"   {scene}")
                result[scene] = _scene(scene)
    return result
