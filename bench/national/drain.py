"""End of semester (issue 17, item 4): committee reports requested at once, drained by
the compose layout's worker (one ``celery worker --concurrency=2``).

For each size N (250, 500, 1,000; and 5,000 with NATIONAL_DRAIN_FULL=1, or the sizes
in NATIONAL_DRAIN_SIZES="20,40"), N networks spread over the 5,000 each ask for the
committee PDF of their latest period, through the product's own service
(reports.services.committee.committee_report_request, which queues
reports.tasks.committee_report_build once its row commits), as their coordinators
would from the committee page. A real Celery worker (bench/national/celery_worker.py,
Redis database 15, its own media directory) builds, seals and stores them. The drain
time runs from the first request to the last job's ``finished_at``; seconds = a + b·N
is fitted over the sizes, and 5,000 is projected from it.

Exactly once, per size: every job done (none failed), one committee PDF file and one
sealed document per job (no orphan reserved), each job's stored file hashing to its
``sha256``, and as many successes of the task in the worker's log as jobs.

Undo: the national data is shared. After each size its jobs, sealed documents and
files are deleted, the counts are checked back at their baseline, and on the way out
(even after an error) whatever this run created is deleted, Redis database 15 flushed
and the worker's directory removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .celery_worker import Worker
from .drain_table import NETWORKS, fit, lines, rows

__all__ = ["lines", "rows", "run"]

BROKER = os.environ.get("NATIONAL_DRAIN_REDIS", "redis://127.0.0.1:6379/15")
TASK = "reports.tasks.committee_report_build"
STALL_SECONDS = float(os.environ.get("NATIONAL_DRAIN_STALL_SECONDS", "600"))
WARMUP = 4
# A size whose projection (from the last size's rate) would end the scene past this is
# skipped and said so: on a busy machine 1,000 PDFs can take hours.
BUDGET_SECONDS = float(os.environ.get("NATIONAL_DRAIN_BUDGET_MIN", "60")) * 60


def sizes() -> list[int]:
    if os.environ.get("NATIONAL_DRAIN_SIZES"):
        return [int(s) for s in os.environ["NATIONAL_DRAIN_SIZES"].split(",") if s.strip()]
    full = os.environ.get("NATIONAL_DRAIN_FULL", "") not in ("", "0", "false")
    return [250, 500, 1000, *([NETWORKS] if full else [])]


# --- the producer side: this process sends to the worker's broker ----------------------
class _Broker:
    """Point this process's Celery producer at ``url`` (the service's enqueue uses it)."""

    def __init__(self, url: str) -> None:
        from config.celery import app

        self.app, self.url = app, url
        self.saved = (app.conf.broker_url, app.conf.broker_transport_options)

    def _reset_pools(self) -> None:
        if self.app._pool is not None:
            self.app._pool.force_close_all()
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def __enter__(self) -> _Broker:
        self.app.conf.broker_url = self.url
        self.app.conf.broker_transport_options = {"visibility_timeout": 3600}
        self._reset_pools()
        return self

    def __exit__(self, *exc) -> None:
        self._reset_pools()
        self.app.conf.broker_url, self.app.conf.broker_transport_options = self.saved


def _redis_flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


# --- who asks for what -------------------------------------------------------------------
def _requests_for(n: int, *, offset: int = 0) -> list[tuple]:
    """(network, latest started period, lead coordinator) for n networks spread evenly."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from network.models import Network
    from reports.models import ReportingPeriod

    from . import generate as g

    step = NETWORKS / n
    ids = sorted({(int(i * step) + offset) % NETWORKS + 1 for i in range(n)})
    networks = Network.objects.in_bulk(ids)
    periods = {
        p.network_id: p
        for p in ReportingPeriod.objects.filter(
            network_id__in=ids, starts_on__lte=timezone.localdate()
        )
        .order_by("network_id", "-starts_on")
        .distinct("network_id")
    }
    # The lead organisation's director coordinates (generate.py: ids by arithmetic).
    lead_user = {i: ((i - 1) * g.ORG_STEP) * g.PEOPLE_PER_ORG + 1 for i in ids}
    users = get_user_model().objects.in_bulk(list(lead_user.values()))
    return [(networks[i], periods[i], users[lead_user[i]]) for i in ids]


# --- one size ----------------------------------------------------------------------------
def _baseline() -> dict:
    from core.models import SealedDocument
    from reports.models import CommitteeReport

    return {
        "committee_reports": CommitteeReport.objects.count(),
        "sealed_documents": SealedDocument.objects.count(),
        "sealed_max_id": SealedDocument.objects.order_by("-id").values_list("id", flat=True).first()
        or 0,
    }


def _ours_sealed(base: dict):
    from core.models import SealedDocument

    return SealedDocument.objects.filter(
        kind=SealedDocument.Kind.COMMITTEE_REPORT, id__gt=base["sealed_max_id"]
    )


def _wait(ids: list[int], log) -> tuple[dict, bool, int]:
    """Poll the jobs until all are done or failed (or nothing moves for STALL_SECONDS).

    Every 30 s it also asks the beat's own question, committee_reports_stuck (read
    only): how many of these jobs would the next reminder sweep send again, as
    "lost by the broker" (queued for more than two minutes)?
    """
    from django.db.models import Count

    from reports.models import CommitteeReport
    from reports.services.committee import committee_reports_stuck

    wanted = set(ids)
    last, last_change, shown, stuck = -1, time.monotonic(), time.monotonic(), 0
    while True:
        counts = dict(
            CommitteeReport.objects.filter(id__in=ids)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        finished = counts.get("done", 0) + counts.get("failed", 0)
        if finished == len(ids):
            return counts, False, stuck
        now = time.monotonic()
        if finished != last:
            last, last_change = finished, now
        elif now - last_change > STALL_SECONDS:
            return counts, True, stuck
        if now - shown > 30:
            stuck = max(stuck, len(wanted.intersection(committee_reports_stuck())))
            log(f"      {finished:,} of {len(ids):,} finished; {stuck:,} look stuck to the sweep")
            shown = now
        time.sleep(1.0)


def _verify(ids: list[int], base: dict, media: Path, worker: Worker, offset: int) -> dict:
    from reports.models import CommitteeReport

    jobs = list(CommitteeReport.objects.filter(id__in=ids))
    done = [j for j in jobs if j.status == "done"]
    sealed_ids = {j.sealed_document_id for j in done}
    sealed = list(_ours_sealed(base))
    mismatched = 0
    for job in done:
        path = media / job.pdf.name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != job.sha256:
            mismatched += 1
    runs, failures, offset = worker.task_log(TASK, offset=offset)

    def files(sub: str) -> int:
        folder = media / sub
        return sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0

    return {
        "jobs": len(jobs),
        "done": len(done),
        "failed": sum(1 for j in jobs if j.status == "failed"),
        "errors": sorted({j.error[:200] for j in jobs if j.error})[:3],
        "pdf_files": files("committee_reports"),
        "distinct_pdf_names": len({j.pdf.name for j in done}),
        "sealed_documents": len(sealed),
        "sealed_files": files("sealed"),
        "sealed_unsealed": sum(1 for d in sealed if d.sealed_at is None),
        "sealed_orphans": sum(1 for d in sealed if d.pk not in sealed_ids),
        "hash_mismatches": mismatched,
        "task_successes": len(runs),
        "task_failures": failures,
        "task_p50_s": round(statistics.median(runs), 2) if runs else None,
        "task_p95_s": round(sorted(runs)[int(0.95 * (len(runs) - 1))], 2) if runs else None,
        "_log_offset": offset,
    }


def _undo(ids: list[int], base: dict, media: Path) -> dict:
    """Delete this size's jobs, sealed documents and files; counts back to the baseline."""
    from reports.models import CommitteeReport

    CommitteeReport.objects.filter(id__in=ids).delete()
    _ours_sealed(base).delete()
    for sub in ("committee_reports", "sealed"):
        shutil.rmtree(media / sub, ignore_errors=True)
    after = _baseline()
    return {
        "back_to_baseline": after["committee_reports"] == base["committee_reports"]
        and after["sealed_documents"] == base["sealed_documents"],
        "committee_reports": after["committee_reports"],
        "sealed_documents": after["sealed_documents"],
    }


def _drain(
    n: int, *, worker: Worker, base: dict, media: Path, offset: int, created: list[int], log
) -> dict:
    from reports.services.committee import committee_report_request

    asks = _requests_for(n, offset=offset)
    log(f"   drain: {len(asks):,} committee reports requested at once")
    ids: list[int] = []
    cpu_before, load_before = worker.sampler.cpu_seconds(), os.getloadavg()[0]
    started = time.time()
    try:
        for network, period, user in asks:
            job = committee_report_request(network=network, period=period, user=user, language="th")
            ids.append(job.pk)
            created.append(job.pk)
        requested = time.time() - started
        counts, stalled, stuck = _wait(ids, log)
        cpu = worker.sampler.cpu_seconds() - cpu_before
        load_after = os.getloadavg()[0]
        from reports.models import CommitteeReport

        jobs = CommitteeReport.objects.filter(id__in=ids)
        last = max(jobs.values_list("finished_at", flat=True), default=None)
        first = min(
            jobs.exclude(started_at=None).values_list("started_at", flat=True), default=None
        )
        seconds = (last.timestamp() - started) if last else None
        check = _verify(ids, base, media, worker, worker.log_offset)
        worker.log_offset = check.pop("_log_offset")
    finally:
        undo = _undo(ids, base, media)
    result = {
        "n": len(ids),
        "seconds": round(seconds, 1) if seconds else None,
        "request_seconds": round(requested, 2),
        "first_start_s": round(first.timestamp() - started, 2) if first else None,
        "pdfs_per_min": round(len(ids) / seconds * 60, 1) if seconds else None,
        "worker_cpu_s_per_pdf": round(cpu / len(ids), 3),
        "stalled": stalled,
        "stuck_to_sweep_max": stuck,
        # Peaks so far: growth from size to size would show a leak in the pool processes.
        "worker_memory_so_far": worker.peak_memory(),
        "statuses": counts,
        "load_1m": [round(load_before, 1), round(load_after, 1)],
        "check": check,
        "undo": undo,
    }
    result["exactly_once"] = _exactly_once(result)
    log(
        f"   drain: {len(ids):,} in {result['seconds']} s ({result['pdfs_per_min']} PDFs/min), "
        f"{check['done']} done, {check['failed']} failed, {check['pdf_files']} PDFs; "
        f"undone: {undo['back_to_baseline']}"
    )
    return result


def _exactly_once(r: dict) -> bool:
    c, n = r["check"], r["n"]
    return (
        not r["stalled"]
        and c["done"] == n
        and c["failed"] == 0
        and c["pdf_files"] == n == c["distinct_pdf_names"]
        and c["sealed_documents"] == n == c["sealed_files"]
        and c["sealed_orphans"] == c["sealed_unsealed"] == c["hash_mismatches"] == 0
        and c["task_successes"] == n
        and c["task_failures"] == 0
    )


# --- entry point -------------------------------------------------------------------------
def run(*, log) -> dict:
    from django.db import connection

    var_dir = Path(tempfile.mkdtemp(prefix="kk-drain-"))
    media = var_dir / "media"
    base = _baseline()
    log(f"   drain: baseline {base}; worker directory {var_dir}")
    result: dict = {"sizes": [], "baseline": base, "broker": BROKER, "queue": "celery"}
    _redis_flush(BROKER)
    worker = Worker(broker=BROKER, var_dir=var_dir)
    created: list[int] = []
    try:
        result["worker_ready_s"] = round(worker.wait_ready(), 1)
        with _Broker(BROKER):
            # Pool processes load WeasyPrint, fonts and the seal key on their first job.
            result["warmup"] = _drain(
                WARMUP,
                worker=worker,
                base=base,
                media=media,
                offset=NETWORKS - WARMUP,
                created=created,
                log=log,
            )
            began = time.monotonic()
            for n in sizes():
                done = result["sizes"]
                rate = done[-1]["seconds"] / done[-1]["n"] if done and done[-1]["seconds"] else 0
                projected = time.monotonic() - began + n * rate
                if projected > BUDGET_SECONDS:
                    note = (
                        f"{n:,}: skipped, projected to end {projected / 60:.0f} min into the scene"
                    )
                    log(f"   drain: {note}")
                    result.setdefault("skipped", []).append(note)
                    continue
                done.append(
                    _drain(
                        n, worker=worker, base=base, media=media, offset=0, created=created, log=log
                    )
                )
        result["memory"] = worker.peak_memory()
    finally:
        result["worker_exit"] = worker.stop()
        result["final_undo"] = _final_undo(base, created)
        _redis_flush(BROKER)
        shutil.rmtree(var_dir, ignore_errors=True)
        connection.close()
    points = [(r["n"], r["seconds"]) for r in result["sizes"] if r["seconds"]]
    result["fit"] = fit(points)
    cpu = [r["worker_cpu_s_per_pdf"] for r in result["sizes"]]
    if cpu:
        # What two cores of the worker's own would take: CPU, not wall, per PDF.
        result["cpu_projection_5000_s"] = round(NETWORKS * statistics.fmean(cpu) / 2, 0)
    return result


def _final_undo(base: dict, created: list[int]) -> dict:
    """Whatever this run created and an error left (between request and undo): gone."""
    from reports.models import CommitteeReport

    left, _ = CommitteeReport.objects.filter(id__in=created).delete()
    _ours_sealed(base).delete()
    after = _baseline()
    return {
        "jobs_created": len(created),
        "removed_left_over": left,
        "back_to_baseline": after["committee_reports"] == base["committee_reports"]
        and after["sealed_documents"] == base["sealed_documents"],
    }
