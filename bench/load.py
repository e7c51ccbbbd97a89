"""Drive a real gunicorn with concurrent keep-alive clients; report throughput and latency."""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8199"))


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Gunicorn:
    """gunicorn with 4 workers x 2 threads: 8 requests in flight, as the clients send."""

    def __init__(self, *, workers: int = 4, threads: int = 2):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        self.proc = subprocess.Popen(  # noqa: S603 — our own argv
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "bench.wsgi:application",
                f"--bind=127.0.0.1:{PORT}",
                f"--workers={workers}",
                f"--threads={threads}",
                "--worker-class=gthread",
                "--log-level=warning",
                "--timeout=120",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 120  # a loaded machine boots 4 workers slowly
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/bench/bare/")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(  # noqa: S603
            ["/usr/bin/pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True
        )
        return [int(p) for p in out.stdout.split()]

    def peak_rss_mb(self) -> float:
        """The largest VmHWM (peak resident memory) among the workers."""
        peaks = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def hammer(
    path: str, *, cookie: str = "", concurrency: int = 8, requests: int = 400, warmup: int = 16
) -> LoadResult:
    """``requests`` GETs of ``path`` from ``concurrency`` keep-alive clients."""
    headers = {"Cookie": cookie, "Accept-Language": "th"} if cookie else {"Accept-Language": "th"}
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = max(1, requests // concurrency)

    def client(n: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        for _ in range(n):
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            elapsed = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    client(warmup)
    latencies.clear()
    errors = 0
    threads = [threading.Thread(target=client, args=(per_client,)) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    ordered = sorted(latencies) or [0.0]
    return LoadResult(
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=statistics.median(ordered) * 1000,
        p95_ms=ordered[int(len(ordered) * 0.95) - 1 if len(ordered) > 1 else 0] * 1000,
    )


def session_cookie_for(user) -> str:
    """A real logged-in session for ``user``, created the way login does."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend allauth's login stores (it prefers its own: accounts.backends).
    session[BACKEND_SESSION_KEY] = "accounts.backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


if __name__ == "__main__":
    sys.exit("bench/load.py is a library; run make bench")
