"""Thai first, English complete: every string in the code has its Thai translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def test_every_catalogue_is_current_and_translated():
    result = subprocess.run(
        [sys.executable, "scripts/messages.py", "--check", "--all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compiled_catalogues_are_used():
    with translation.override("th"):
        assert translation.gettext("My networks") == "เครือข่ายของฉัน"
    with translation.override("en"):
        assert translation.gettext("My networks") == "My networks"
