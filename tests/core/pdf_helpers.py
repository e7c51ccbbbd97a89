"""Helpers shared by the PDF, sealing and verify tests."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_SIGNING_DIR = Path(tempfile.mkdtemp(prefix="kk-test-signing-"))


@pytest.fixture
def signing_dir(settings):
    """One generated seal key for the whole test run, outside var/."""
    settings.PDF_SIGNING_DIR = _SIGNING_DIR
    settings.PDF_SIGNING_KEY = ""
    settings.PDF_SIGNING_CERT = ""
    return _SIGNING_DIR


def pdftotext(pdf: bytes, *args: str) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *args, "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")


def flip_byte(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)
