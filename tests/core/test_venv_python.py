"""The interpreter `make install` makes .venv with (scripts/venv_python, the Makefile).

A distribution's CPython is built with profile-guided optimisation and LTO, pyenv's
default build is not: the same PDFs render 9-18 % faster on the first
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


def _chosen(*candidate: str) -> str:
    return subprocess.run(
        [ROOT / "scripts" / "venv_python", *candidate], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_cpython_of_3_11_or_newer_is_chosen_by_its_real_path(tmp_path):
    link = tmp_path / "python3"
    link.symlink_to(sys.executable)
    assert _chosen(str(link)) == os.path.realpath(sys.executable)


@pytest.mark.parametrize(
    ("implementation", "version"),
    [("CPython", (3, 10, 14)), ("PyPy", (3, 11, 9))],
    ids=["an older CPython", "another Python"],
)
def test_anything_else_is_not_chosen_and_uv_chooses(tmp_path, implementation, version):
    """A stand-in interpreter that runs the script's own check (its ``-c`` code) with
    this version and implementation."""
    fake = tmp_path / "python3"
    prelude = (
        f"import sys, platform; sys.version_info = {version!r}; "
        f"platform.python_implementation = lambda: {implementation!r}; exec(sys.argv[1])"
    )
    fake.write_text(f'#!/bin/sh\nexec {sys.executable} -c "{prelude}" "$2"\n')
    fake.chmod(0o755)
    assert _chosen(str(fake)) == ""
    assert _chosen(str(tmp_path / "missing")) == ""


def test_the_default_is_the_system_python3():
    system = Path("/usr/bin/python3")
    expected = _chosen(str(system)) if system.exists() else ""
    assert _chosen() == expected


def test_uv_is_given_the_chosen_interpreter():
    other = shutil.which("env")  # any executable that is not this venv's interpreter
    assert f"sync --frozen --quiet --python {other}" in _dry_install(VENV_PYTHON=other)


def test_a_venv_made_with_another_interpreter_is_made_again_and_the_same_one_is_kept():
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("not run from the Makefile's .venv")
    this = os.path.realpath(sys.executable)
    assert os.path.realpath(ROOT / ".venv" / "bin" / "python") == this
    # The lock and project files taken as old: only the interpreter may call for a sync
    # (an edit of pyproject.toml since the last install rightly calls for one too).
    unchanged = ("-o", "pyproject.toml", "-o", "uv.lock")
    assert "sync" not in _dry_install(*unchanged, VENV_PYTHON=this)
    # A bare command name is asked for its real path, as uv resolves it.
    bare = subprocess.run(
        ["make", "-n", *unchanged, "install", f"VENV_PYTHON={Path(this).name}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PATH": f"{Path(this).parent}:{os.environ['PATH']}"},
    ).stdout
    assert "sync" not in bare
    assert "sync" in _dry_install(*unchanged, VENV_PYTHON=shutil.which("env"))


def test_without_a_choice_uv_chooses():
    out = _dry_install("-B", VENV_PYTHON="")
    assert "sync --frozen --quiet" in out
    assert "--python" not in out
