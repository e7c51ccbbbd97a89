"""A real Celery worker for the drain bench: the compose layout's ``worker`` service.

``celery -A config worker --concurrency=2 --pool=prefork`` as a subprocess in its own
session, on its own Redis database and its own var directory (media, the seal key),
against the database the bench process uses. While it runs, a thread samples the
resident memory and CPU time of its process tree from /proc (no psutil), and its log
(INFO) is kept in a file: "Task … succeeded in 1.23s" lines are counted and timed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
READY = re.compile(r"\bready\.")
SUCCEEDED = re.compile(r"Task (?P<name>[\w.]+)\[[^\]]+\] succeeded in (?P<seconds>[\d.]+)s")
FAILED = re.compile(r"Task (?P<name>[\w.]+)\[[^\]]+\] (?:raised|INTERNAL ERROR|retry)")


def _stat(pid: int) -> tuple[int, float, int] | None:
    """(ppid, CPU seconds, RSS MB·1024) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state ppid … utime(14) stime(15) … rss(24), 1-based in proc(5).
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS, int(fields[21]) * PAGE_KB


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _pss_mb(pid: int) -> float:
    """Proportional set size: pages shared by the forked pool counted once overall."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and stat[0] == pid:
                found.append(int(entry.name))
    return found


@dataclass
class Sampler:
    """Every ``interval`` seconds: the tree's summed RSS, each process's CPU seconds."""

    pid: int
    interval: float = 0.5
    peak_tree_mb: float = 0.0
    peak_tree_pss_mb: float = 0.0
    peak_hwm_mb: dict[int, float] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _children: list[int] = field(default_factory=list)
    _scanned: float = 0.0

    def sample(self) -> None:
        now = time.monotonic()
        if now - self._scanned > 5 or not self._children:
            self._children = _children(self.pid)
            self._scanned = now
        total = pss = 0.0
        with self._lock:
            for pid in (self.pid, *self._children):
                stat = _stat(pid)
                if stat is None:
                    self._scanned = 0.0  # a pool process was replaced: look again
                    continue
                self.cpu[pid] = stat[1]
                total += stat[2] / 1024
                pss += _pss_mb(pid)
                self.peak_hwm_mb[pid] = max(self.peak_hwm_mb.get(pid, 0.0), _hwm_mb(pid))
            self.peak_tree_mb = max(self.peak_tree_mb, total)
            self.peak_tree_pss_mb = max(self.peak_tree_pss_mb, pss)

    def cpu_seconds(self) -> float:
        """CPU seconds of every process of the tree seen so far (gone ones at their last)."""
        self.sample()
        with self._lock:
            return sum(self.cpu.values())

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        threading.Thread(target=self._loop, daemon=True, name="drain-sampler").start()

    def stop(self) -> None:
        self._stop.set()


class Worker:
    """The worker subprocess; ``stop()`` ends it (warm shutdown, then its own group)."""

    def __init__(self, *, broker: str, var_dir: Path, queues: str = "celery") -> None:
        self.log_path = var_dir / "worker.log"
        self.log_offset = 0  # where the next size's lines start
        env = {
            **os.environ,
            "REDIS_URL": broker,
            "KHRUAKHAI_VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(var_dir / "media"),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "bench.settings"),
            "PYTHONWARNINGS": "ignore",
        }
        command = [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            "--concurrency=2",
            "--pool=prefork",
            "-Q",
            queues,
            "-n",
            f"drain-bench-{os.getpid()}@%h",
        ]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 — our own argv
            command,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.sampler = Sampler(self.process.pid)

    def wait_ready(self, timeout: float = 120) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited ({self.process.returncode}): {self.tail()}")
            if READY.search(self.log_text()):
                self.sampler.start()
                return time.perf_counter() - started
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout:.0f} s: {self.tail()}")

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def task_log(self, task: str, *, offset: int = 0) -> tuple[list[float], int, int]:
        """Run times of ``task``'s successes and its failure lines, from byte ``offset``;
        and the log's length now (the next offset)."""
        data = self.log_path.read_bytes()
        text = data[offset:].decode("utf-8", errors="replace")
        runs = [float(m["seconds"]) for m in SUCCEEDED.finditer(text) if m["name"] == task]
        failures = sum(1 for m in FAILED.finditer(text) if m["name"] == task)
        return runs, failures, len(data)

    def peak_memory(self) -> dict:
        self.sampler.sample()
        hwm = self.sampler.peak_hwm_mb
        pool = [mb for pid, mb in hwm.items() if pid != self.process.pid]
        return {
            "tree_mb": round(self.sampler.peak_tree_mb, 1),
            "tree_pss_mb": round(self.sampler.peak_tree_pss_mb, 1),
            "main_mb": round(hwm.get(self.process.pid, 0.0), 1),
            "largest_child_mb": round(max(pool, default=0.0), 1),
            "processes": len(hwm),
        }

    def stop(self, timeout: float = 60) -> int | None:
        self.sampler.stop()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: finish, then exit
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                # Our own session (start_new_session): the worker and its pool only.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._log.close()
        return self.process.returncode
