"""Reminder sends on the zero-setup stack: SQLite + kombu's filesystem broker + a real
Celery worker started as the Procfile of `make run` starts it (prefork, concurrency 2),
while a "web" process writes as people using the site do.

    bench/run.py sqlite_sends                 # both modes, 40 sends each
    .venv/bin/python bench/bench_sqlite_sends.py [--sends N] [--modes plain,tuned]

Modes: ``plain`` is SQLite as Django opens it (rollback journal, DEFERRED transactions:
core.db's receiver disconnected), ``tuned`` is what ships (core.db: WAL, busy timeout,
BEGIN IMMEDIATE). Every run gets its own folder (database, broker, mail) under a
temporary directory; nothing of var/ is touched. Printed per mode: sends ok, task
failures with "database is locked", retries, and how long until every row was sent.

The same file is the entry point of the subprocesses (setup, worker, web, sweep, count),
so the worker really is a separate Celery worker process reading the broker folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SENDS = 40
# How long a mode may take before what is still unsent is counted as waiting. A send
# that failed on the old code waits for the stale offer (30 minutes): not waited for.
WAIT_SECONDS = 150


# --- the subprocesses ------------------------------------------------------------------
def _django(mode: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    if mode == "plain":
        # SQLite as Django opens it by default: no IMMEDIATE, no PRAGMAs.
        options.pop("transaction_mode", None)
        options.pop("init_command", None)
    django.setup()
    if mode == "plain":
        from django.db.backends.signals import connection_created

        connection_created.disconnect(dispatch_uid="core.db.sqlite_tune")


def _setup(sends: int) -> None:
    """A network whose partners each get two reminders now (before:7 and before:1)."""
    from django.core.management import call_command
    from django.utils import timezone

    from network.models import Membership, Network, Organisation, Person, Role
    from reports.models import ProgressReport, ReportingPeriod, ReportingSchedule

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from django.contrib.auth import get_user_model

    today = timezone.localdate()
    lead = Organisation.objects.create(name_th="โรงเรียนนำ", kind="school", province="chiang_mai")
    network = Network.objects.create(
        name_th="เครือข่ายทดสอบการส่ง",
        slug="bench-sends",
        form="networked_org",
        status=Network.Status.ACTIVE,
        lead_organisation=lead,
        founded_on=today - dt.timedelta(days=120),
    )
    ReportingSchedule.objects.create(
        network=network,
        starts_on=today - dt.timedelta(days=120),
        status=ReportingSchedule.Status.CONFIRMED,
        send_time=dt.time(0, 0),
        quiet_start=dt.time(0, 0),
        quiet_end=dt.time(0, 0),
        weekly_cap=50,
        remind_days_before=[7, 1],
        escalate_after_days=0,
    )
    period = ReportingPeriod.objects.create(
        network=network,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=6),
        due_on=today + dt.timedelta(days=1),
        name_th="รอบทดสอบ",
        name_en="Bench round",
    )
    users = get_user_model().objects
    for i in range((sends + 1) // 2 + 1):  # one more: the organisation the web writes for
        org = Organisation.objects.create(
            name_th=f"โรงเรียนที่ {i}", kind="school", province="chiang_mai"
        )
        Membership.objects.create(network=network, organisation=org, joined_on=today)
        user = users.create_user(email=f"rep{i}@example.org", password=None, language="th")
        person = Person.objects.create(
            organisation=org, user=user, full_name=f"ผู้แทนทดสอบ {i}", email=user.email
        )
        Role.objects.create(network=network, person=person, kind=Role.Kind.PARTNER_REP)
        ProgressReport.objects.create(period=period, organisation=org)


def _worker() -> None:
    """The Procfile's worker line, in this process (so a mode can change the database)."""
    from config.celery import app

    app.worker_main(
        [
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ]
    )


def _web(seconds: float) -> None:
    """What a few people on the site write meanwhile: draft saves (an atomic block that
    reads, then writes), notices marked read and list reads, about 20 a second."""
    from django.db import close_old_connections
    from django.db.utils import OperationalError

    from reports import services
    from reports.models import Notification, ProgressReport

    report = ProgressReport.objects.order_by("-id").first()
    user = report.organisation.people.first().user
    deadline = time.monotonic() + seconds
    stop = Path(os.environ["KHRUAKHAI_VAR_DIR"]) / "stop"
    locked = done = 0
    while time.monotonic() < deadline and not stop.exists():
        try:
            services.report_save(
                report=report,
                user=user,
                problems=f"ร่าง {done}",
                help_needed="",
                narratives={},
                submit=False,
            )
            Notification.objects.filter(read_at__isnull=True).update(read_at=None)
            list(ProgressReport.objects.select_related("organisation")[:50])
            done += 1
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            locked += 1
        close_old_connections()
        time.sleep(0.05)
    print(json.dumps({"web_ok": done, "web_locked": locked}))


def _sweep() -> None:
    """The beat's 15-minute sweep, once: plan the rows and queue one send task each."""
    from reports import tasks

    print(json.dumps({"queued": tasks.reminder_sweep.apply().get()}))


def _count() -> None:
    from django.db.models import Sum

    from reports.models import Reminder

    rows = Reminder.objects.all()
    print(
        json.dumps(
            {
                "rows": rows.count(),
                "sent": rows.filter(sent_at__isnull=False).count(),
                "attempts": rows.aggregate(n=Sum("attempts"))["n"] or 0,
            }
        )
    )


# --- the driver ------------------------------------------------------------------------------
def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        KHRUAKHAI_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="true",  # as `make run` starts it
        PYTHONPATH=str(ROOT),
    )
    return env


def _call(role: str, mode: str, var: Path, *extra: str) -> dict:
    out = subprocess.run(  # noqa: S603 — our own interpreter and this file
        [PYTHON, __file__, role, mode, *extra],
        env=_env(var),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def _stop(worker: subprocess.Popen) -> None:
    """A warm shutdown first; a worker still holding retries (ETA tasks) is then killed."""
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=15)


def measure(mode: str, sends: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"kk-sends-{mode}-") as tmp:
        var = Path(tmp)
        for sub in ("mail", "celery/processed", "media"):
            (var / sub).mkdir(parents=True)
        _call("setup", mode, var, str(sends))
        log_path = var / "worker.log"
        with open(log_path, "w") as log:
            worker = subprocess.Popen(  # noqa: S603
                [PYTHON, __file__, "worker", mode],
                env=_env(var),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            time.sleep(3)  # the worker's pool starts before the burst, as under honcho
            web = subprocess.Popen(  # noqa: S603
                [PYTHON, __file__, "web", mode, str(WAIT_SECONDS)],
                env=_env(var),
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            started = time.monotonic()
            queued = _call("sweep", mode, var)["queued"]
            all_sent_after = None
            while time.monotonic() - started < WAIT_SECONDS:
                counts = _call("count", mode, var)
                if counts["rows"] and counts["sent"] == counts["rows"]:
                    all_sent_after = time.monotonic() - started
                    break
                time.sleep(1)
            counts = _call("count", mode, var)
            (var / "stop").touch()
            web_out, _err = web.communicate(timeout=30)
            web_counts = json.loads((web_out.strip().splitlines() or ["{}"])[-1])
        finally:
            _stop(worker)
        log_text = log_path.read_text()
        if os.environ.get("BENCH_KEEP_LOG"):
            Path(os.environ["BENCH_KEEP_LOG"]).write_text(log_text)
        failed = len(
            re.findall(r"raised unexpected: OperationalError\('database is locked'", log_text)
        )
        retried = len(re.findall(r"Retry in \d+s: .*database is locked", log_text))
        return {
            "mode": mode,
            "rows": counts["rows"],
            "queued": queued,
            "sent": counts["sent"],
            "failed_locked": failed,
            "retried_locked": retried,
            "attempts": counts["attempts"],
            "all_sent_after_s": None if all_sent_after is None else round(all_sent_after, 1),
            "web_ok": web_counts.get("web_ok"),
            "web_locked": web_counts.get("web_locked"),
        }


def run(sends: int = SENDS, modes: tuple[str, ...] = ("plain", "tuned")) -> list[dict]:
    """For bench/run.py: one row per figure and mode."""
    rows = []
    for mode in modes:
        result = measure(mode, sends)
        note = f"SQLite {mode}, worker --concurrency=2, web writing meanwhile"
        waited = result["all_sent_after_s"]
        web_locked = result["web_locked"] or 0
        rows += [
            {
                "what": f"sqlite sends ok ({mode})",
                "figure": f"{result['sent']}/{result['rows']}",
                "unit": "sends",
                "note": note,
            },
            {
                "what": f"sqlite sends failed 'database is locked' ({mode})",
                "figure": result["failed_locked"] + result["retried_locked"],
                "unit": "tasks",
                "note": f"{result['retried_locked']} of them retried by the task",
            },
            {
                "what": f"sqlite all sent after ({mode})",
                "figure": f"not within {WAIT_SECONDS}s" if waited is None else float(waited),
                "unit": "s",
                "note": "the rest wait for the stale offer (30 min)" if waited is None else "",
            },
            {
                "what": f"sqlite web writes locked ({mode})",
                "figure": f"{web_locked}/{web_locked + (result['web_ok'] or 0)}",
                "unit": "writes",
                "note": "draft save + notice update + list read",
            },
        ]
    return rows


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("setup", "worker", "web", "sweep", "count"):
        role, mode, *extra = argv
        _django(mode)
        if role == "setup":
            _setup(int(extra[0]))
        elif role == "worker":
            _worker()
        elif role == "web":
            _web(float(extra[0]))
        elif role == "sweep":
            _sweep()
        else:
            _count()
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=SENDS)
    parser.add_argument("--modes", default="plain,tuned")
    args = parser.parse_args(argv)
    for mode in args.modes.split(","):
        print(json.dumps(measure(mode, args.sends), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
