"""The bench's machine-speed probe: three positive CPU times, printed beside every run."""

from __future__ import annotations

from bench import machine_speed
from bench.bench_national import _speed_line


def test_the_probe_times_its_three_workloads():
    # One round (a second of CPU); the million objects are freed one by one, so the
    # long chain never overflows the C stack.
    speed = machine_speed(repeat=1)
    assert set(speed) == {"python_loop_s", "objects_s", "zlib_s"}
    assert all(isinstance(v, float) and v > 0 for v in speed.values())


def test_the_table_shows_the_start_and_the_end():
    start = {"python_loop_s": 0.41, "objects_s": 0.55, "zlib_s": 0.22}
    end = {"python_loop_s": 0.5, "objects_s": 0.7, "zlib_s": 0.3}
    line = _speed_line((start, end))
    assert "0.41 / 0.50" in line
    assert "0.55 / 0.70" in line
    assert "0.22 / 0.30" in line
