"""The PDF bench's CPU comparison: Chromium's processes are summed, nothing else is."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.national.pdfs import _cpu_row, chromium_cpu_seconds

# Burns ``seconds`` of its own CPU, says so, then waits to be stopped.
BURN = """
import sys, time
seconds = float(sys.argv[1])
while time.process_time() < seconds:
    pass
print("done", flush=True)
sys.stdin.read()
"""


def _burner(executable: Path, seconds: float) -> subprocess.Popen:
    child = subprocess.Popen(
        [str(executable), "-c", BURN, str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "done"
    return child


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_only_chromium_processes_below_this_one_are_counted(tmp_path):
    # The kernel names a process after the file it was started from: a link to
    # Python called "chromium" passes for the browser.
    browser = tmp_path / "chromium"
    browser.symlink_to(sys.executable)
    before = chromium_cpu_seconds()
    chromium = _burner(browser, 0.3)
    other = _burner(Path(sys.executable), 1.0)
    try:
        spent = chromium_cpu_seconds() - before
        # Its 0.3 s, not the other's 1.0: the kernel's per-process times are sampled
        # in 10 ms ticks, so allow for a few missed ones.
        assert 0.2 <= spent < 0.8
        assert chromium_cpu_seconds(root=other.pid) == 0  # nothing below the other
    finally:
        for child in (chromium, other):
            child.stdin.close()
            child.wait(timeout=10)


def test_the_cpu_row_divides_the_job_by_the_print():
    row = _cpu_row("committee", {"whole": 0.6, "warm": 0.4, "alone": 0.55})
    assert row["figure"] == 1.5
    for figure in ("600 ms", "550 ms", "400 ms"):
        assert figure in row["note"]
    # No Chromium CPU seen (a machine without /proc): no ratio, no division by zero.
    assert _cpu_row("committee", {"whole": 0.6, "warm": 0.0, "alone": 0.55})["figure"] == "n/a"
