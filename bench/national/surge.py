"""The deadline-day surge (issue 17, item 3), for real over HTTP at national scale.

Within ten minutes 2,000 partner representatives each save a progress update with one
small evidence file and submit their period report, while coordinators read their
network dashboards. ``run(log=)`` drives the gunicorn of bench/load.py (4 workers × 2
threads) with SURGE_CLIENTS partner browsers (8) and SURGE_COORDINATORS dashboard
readers (2) against the national database, then counts in the database that every
update, evidence file and submission is stored exactly once, and undoes all of it
(bench/national/surge_db.py) so the next run meets the same data.

The server gets its own var folder: evidence files, the Celery broker (the filesystem
transport: no worker runs, so what the requests enqueue is counted there and thrown
away with the folder) and the mail folder. REDIS_URL is left out of its environment so
nothing reaches a shared Redis; email goes to core.mail.FileAndConsoleBackend (the
settings' default without EMAIL_URL), never SMTP.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khruakhai_bench_national \\
      DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.national surge
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from . import surge_db, surge_http

PARTNERS = int(os.environ.get("SURGE_PARTNERS", "2000"))
CLIENTS = int(os.environ.get("SURGE_CLIENTS", "8"))
COORDINATORS = int(os.environ.get("SURGE_COORDINATORS", "2"))
GOAL_P95_MS = 300.0
# The server's environment: its own folders, no shared Redis, no SMTP.
DROPPED = ("REDIS_URL", "EMAIL_URL", "KHRUAKHAI_VAR_DIR", "MEDIA_ROOT")


def _server_env(var: Path) -> dict[str, str]:
    for folder in ("media", "mail", "static", "celery/processed", "celery/control"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    return {
        "KHRUAKHAI_VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "STATIC_ROOT": str(var / "static"),  # any folder: whitenoise warns when there is none
    }


def _server():
    """bench.load's gunicorn, given longer to boot: it gives up after 30 s, which four
    workers loading Django can take on two cores that other work keeps busy. A port
    already in use is refused first, so the surge never posts to someone else's server."""
    import socket

    from bench.load import PORT, Gunicorn

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise RuntimeError(f"port {PORT} is in use: set BENCH_PORT to a free one")

    class Server(Gunicorn):
        def __init__(self, boot_seconds: float = 180):
            try:
                super().__init__()
            except RuntimeError:
                if not self._answers(boot_seconds):
                    self.stop()
                    raise

        def _answers(self, seconds: float) -> bool:
            import http.client

            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                    conn.request("GET", "/bench/bare/")
                    return conn.getresponse().status == 200
                except OSError:
                    time.sleep(0.5)
            return False

    return Server()


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the gunicorn workers have used so far (/proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def _queued(var: Path) -> dict[str, int]:
    """Tasks the requests enqueued (kombu's filesystem transport: one file a message)."""
    names: Counter = Counter()
    for path in (var / "celery").glob("*.msg"):
        try:
            message = json.loads(path.read_text(encoding="utf-8"))
            names[message.get("headers", {}).get("task", "?")] += 1
        except (OSError, ValueError):
            names["unreadable"] += 1
    return dict(names)


def _mail(var: Path) -> int:
    return sum(1 for _ in (var / "mail").glob("*")) if (var / "mail").exists() else 0


def _drive(port: int, partners: list[dict], readers: list[dict], pngs: list[bytes], log):
    """The surge itself: partner browsers from a shared queue, dashboards meanwhile."""
    tally = surge_http.Tally()
    work: queue.Queue = queue.Queue()
    for n, who in enumerate(partners):
        work.put((who, pngs[n]))
    done = Counter()
    stop = threading.Event()

    def partner_client() -> None:
        while True:
            try:
                who, png = work.get_nowait()
            except queue.Empty:
                return
            ok = surge_http.partner_flow(port, who, png, tally)
            with tally.lock:
                done["ok" if ok else "failed"] += 1
                finished = done["ok"] + done["failed"]
            if finished % 250 == 0:
                log(f"   surge: {finished:,} of {len(partners):,} representatives done")

    partner_threads = [threading.Thread(target=partner_client) for _ in range(CLIENTS)]
    share = max(1, len(readers) // max(1, COORDINATORS))
    reader_threads = [
        threading.Thread(
            target=surge_http.coordinator_loop,
            args=(port, readers[i * share : (i + 1) * share] or readers, stop, tally),
        )
        for i in range(COORDINATORS)
    ]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for t in reader_threads + partner_threads:
        t.start()
    for t in partner_threads:
        t.join()
    seconds = time.perf_counter() - started
    stop.set()
    for t in reader_threads:
        t.join()
    summary = tally.summary(seconds)
    requests = sum(k["requests"] for k in summary["kinds"].values())
    errors = sum(k["errors"] for k in summary["kinds"].values())
    return {
        "wall_s": round(seconds, 1),
        "requests": requests,
        "errors": errors,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "partners_ok": done["ok"],
        "partners_failed": done["failed"],
        "load_1m_before": round(load_before, 1),
        "load_1m_after": round(os.getloadavg()[0], 1),
        **summary,
    }


def _warm(port: int, partners: list[dict], readers: list[dict]) -> None:
    """Every worker thread renders each GET page once before the clock starts (template
    loading and first imports); the POSTs write, so they meet the workers cold."""
    from bench.load import hammer

    who = partners[-1]
    for path, cookie in (
        (f"/networks/{who['slug']}/roadmap/activities/{who['activity_id']}/", who["cookie"]),
        (f"/networks/{who['slug']}/reports/{who['report_id']}/", who["cookie"]),
        (f"/networks/{readers[0]['slug']}/dashboard/", readers[0]["cookie"]),
    ):
        hammer(path, cookie=cookie, concurrency=8, requests=32, warmup=0)


def run(*, log=print) -> dict:
    from django.utils import timezone

    from accounts.models import User
    from bench.load import PORT, session_cookie_for

    if surge_db.leftover():
        log("   surge: a previous run left its writes behind; undoing them first")
        log(f"   surge: {surge_db.undo()}")
    t0 = time.perf_counter()
    partners = surge_db.pick(PARTNERS)
    if len(partners) < PARTNERS:
        raise RuntimeError(f"only {len(partners)} representatives fit the surge")
    users = User.objects.in_bulk(
        {p["user_id"] for p in partners} | {p["coordinator_id"] for p in partners}
    )
    readers_by_id = {}
    for who in partners:
        who["cookie"] = session_cookie_for(users[who["user_id"]])
        readers_by_id.setdefault(
            who["coordinator_id"], {"slug": who["slug"], "user": who["coordinator_id"]}
        )
    readers = list(readers_by_id.values())
    for reader in readers:
        reader["cookie"] = session_cookie_for(users[reader["user"]])
    sessions = [p["cookie"].split("=", 1)[1] for p in partners + readers]
    pngs = [surge_http.evidence_png(who["activity_id"]) for who in partners]
    var = Path(tempfile.mkdtemp(prefix="kk-surge-"))
    counts_before = surge_db.snapshot(partners, media_root=str(var / "media"), sessions=sessions)
    setup_s = time.perf_counter() - t0
    log(
        f"   surge: {len(partners):,} representatives in {len({p['network_id'] for p in partners})}"
        f" networks, {len(readers)} coordinators; set up in {setup_s:.0f} s"
    )
    result: dict = {
        "partners": len(partners),
        "networks": len({p["network_id"] for p in partners}),
        "coordinators": len(readers),
        "clients": CLIENTS,
        "coordinator_clients": COORDINATORS,
        "evidence_bytes": sum(len(p) for p in pngs) // len(pngs),
    }
    saved = {k: os.environ.get(k) for k in (*DROPPED, "STATIC_ROOT")}
    server = None
    try:
        for key in DROPPED:
            os.environ.pop(key, None)
        os.environ.update(_server_env(var))
        server = _server()
        _warm(PORT, partners, readers)
        started_at = timezone.now()
        log(f"   surge: {CLIENTS} partner clients, {COORDINATORS} dashboard readers")
        workers = server.worker_pids()
        cpu = _cpu_seconds(workers)
        result["run"] = _drive(PORT, partners, readers, pngs, log)
        # Load-independent: the web workers' CPU for the whole surge, per errand (the
        # dashboards read meanwhile included) and per request.
        cpu = _cpu_seconds(workers) - cpu
        result["run"]["server_cpu_s"] = round(cpu, 1)
        result["run"]["server_cpu_ms_per_request"] = round(
            cpu * 1000 / result["run"]["requests"], 1
        )
        result["peak_rss_mb"] = round(server.peak_rss_mb(), 1)
        server.stop()
        server = None
        result["enqueued"] = _queued(var)
        result["mail_files"] = _mail(var)
        result["exactly_once"] = surge_db.exactly_once(started_at)
    finally:
        if server is not None:
            server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        log("   surge: undoing")
        result["undo"] = surge_db.undo()
        result["undo"]["rows before"] = sum(
            n for t, n in counts_before.items() if t not in surge_db.NOT_COMPARED
        )
        shutil.rmtree(var, ignore_errors=True)
    result["goal"] = _goal(result)
    if not result["goal"]["update POST p95 ≤ 300 ms"]:
        # Where the POST's time goes, in process and rolled back (surge_profile.py).
        from . import surge_profile

        log("   surge: update POST over the goal; splitting it in process")
        split = surge_profile.profile_post(repeat=20)
        result["update_post_split"] = {k: v for k, v in split.items() if k != "profile"}
        result["update_post_profile"] = split["profile"].splitlines()[:60]
    return result


def _goal(result: dict) -> dict:
    run_ = result.get("run", {})
    once = result.get("exactly_once", {})
    n = result["partners"]
    p95 = run_.get("kinds", {}).get("update POST (evidence)", {}).get("p95_ms")
    stored_once = all(
        once.get(label) == n
        for label in (
            "new progress updates",
            "activities with exactly one new update",
            "new evidence rows",
            "new updates with exactly one evidence file",
            "activities moved on one version",
            "reports submitted by their representative",
            "reports submitted exactly once (history)",
            "submission history rows",
            "evidence files on disk, size as recorded",
        )
    )
    return {
        "errors 0": run_.get("errors") == 0,
        "stored exactly once": stored_once,
        "update POST p95 ≤ 300 ms": p95 is not None and p95 <= GOAL_P95_MS,
        "within 10 minutes": run_.get("wall_s", 1e9) <= 600,
        "undone": result.get("undo", {}).get("back as before", False),
    }


# --- printing (bench/bench_national.py) --------------------------------------------------
def lines(result: dict) -> list[str]:
    run_ = result["run"]
    out = [
        f"deadline-day surge: {result['partners']:,} representatives in {result['networks']} "
        f"networks ({result['clients']} clients) + {result['coordinators']} coordinators "
        f"reading dashboards ({result['coordinator_clients']} clients); evidence "
        f"{result['evidence_bytes'] / 1024:.0f} KB PNG",
        f"{'request':<44} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        f" {'errors':>6}",
    ]
    for kind, k in run_["kinds"].items():
        out.append(
            f"{kind:<44} {k['requests']:>7} {k['rps']:>7.1f} {k['p50_ms'] or 0:>8.1f} "
            f"{k['p95_ms'] or 0:>8.1f} {k['max_ms'] or 0:>8.1f} {k['errors']:>6}"
        )
    out.append(
        f"{'all':<44} {run_['requests']:>7} {run_['rps']:>7.1f} {'':>8} {'':>8} {'':>8}"
        f" {run_['errors']:>6}   wall {run_['wall_s']:.0f} s, load {run_['load_1m_after']}"
    )
    if "server_cpu_s" in run_:
        out.append(
            f"web workers' CPU: {run_['server_cpu_s']:,} s in all, "
            f"{run_['server_cpu_ms_per_request']} ms a request (load-independent)"
        )
    for status, n in run_["errors_by_status"].items():
        out.append(f"   error {status}: {n}")
    once = result["exactly_once"]
    out.append("stored: " + ", ".join(f"{k} {v:,}" for k, v in once.items()))
    out.append(
        f"enqueued (no worker): {result['enqueued'] or 'nothing'}; "
        f"mail files {result['mail_files']}"
    )
    undo = result["undo"]
    out.append(
        f"undone: {'yes' if undo['back as before'] else 'NO'} ({undo['tables compared']} tables "
        f"counted, {undo['files removed']:,} files removed, rows deleted "
        f"{sum(undo['rows deleted'].values()):,})"
    )
    for label in ("surge tables", "other tables"):
        for table, (before, after) in undo[f"{label} whose count differs from before"].items():
            out.append(f"   {label[:-1]} {table}: {before:,} rows before, {after:,} after")
    out.append(
        "goals: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in result["goal"].items())
    )
    return out


def rows(result: dict) -> list[dict]:
    run_ = result["run"]
    out = [
        {
            "what": "deadline-day surge: wall time",
            "figure": run_["wall_s"],
            "unit": "s",
            "note": f"{result['partners']:,} representatives × (form, update with evidence, "
            f"report, submit) + dashboards; {run_['requests']:,} requests, {run_['rps']} req/s, "
            f"{run_['errors']} errors",
        }
    ]
    for kind, k in run_["kinds"].items():
        out.append(
            {
                "what": f"deadline-day surge: {kind}",
                "figure": k["p95_ms"],
                "unit": "ms p95",
                "note": f"p50 {k['p50_ms']} ms, max {k['max_ms']} ms, {k['requests']:,} requests, "
                f"{k['errors']} errors",
            }
        )
    once = result["exactly_once"]
    out.append(
        {
            "what": "deadline-day surge: stored exactly once",
            "figure": once["activities with exactly one new update"],
            "unit": "updates",
            "note": "; ".join(f"{k} {v}" for k, v in once.items())
            + f"; undone: {result['undo']['back as before']}",
        }
    )
    return out
