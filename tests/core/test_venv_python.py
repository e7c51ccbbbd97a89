"""The interpreter `make install` makes .venv with (scripts/venv_python, the Makefile).

A distribution's CPython is built with profile-guided optimisation and LTO, pyenv's
default build is not: the same PDFs render 10-15 % faster on the first
(docs/performance.md, eighth pass). These tests run make itself, dry (``-n``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


def _dry_install(*flags: str, **variables: str) -> str:
    args = ["make", "-n", *flags, "install", *(f"{k}={v}" for k, v in variables.items())]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_it_prints_a_cpython_of_3_11_or_newer_or_nothing():
    chosen = subprocess.run(
        [ROOT / "scripts" / "venv_python"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if not chosen:
        return  # no system python3 of 3.11 or newer: uv chooses
    assert Path(chosen).is_absolute()
    assert os.access(chosen, os.X_OK)
    version = subprocess.run(
        [
            chosen,
            "-c",
            "import platform; print(platform.python_implementation(), platform.python_version())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert version[0] == "CPython"
    assert tuple(int(p) for p in version[1].split(".")[:2]) >= (3, 11)


def test_uv_is_given_the_chosen_interpreter():
    other = shutil.which("env")  # any executable that is not this venv's interpreter
    assert f"sync --frozen --quiet --python {other}" in _dry_install(VENV_PYTHON=other)


def test_a_venv_made_with_another_interpreter_is_made_again_and_the_same_one_is_kept():
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("not run from the Makefile's .venv")
    this = os.path.realpath(sys.executable)
    assert os.path.realpath(ROOT / ".venv" / "bin" / "python") == this
    assert "sync" not in _dry_install(VENV_PYTHON=this)
    # A bare command name is asked for its real path, as uv resolves it.
    bare = subprocess.run(
        ["make", "-n", "install", f"VENV_PYTHON={Path(this).name}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PATH": f"{Path(this).parent}:{os.environ['PATH']}"},
    ).stdout
    assert "sync" not in bare
    assert "sync" in _dry_install(VENV_PYTHON=shutil.which("env"))


def test_without_a_choice_uv_chooses():
    out = _dry_install("-B", VENV_PYTHON="")
    assert "sync --frozen --quiet" in out
    assert "--python" not in out
