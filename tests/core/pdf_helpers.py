"""Helpers shared by the PDF, sealing and verify tests."""

from __future__ import annotations

import contextlib
import gc
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
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


def calls_through(monkeypatch, owner, name: str, noted=lambda first, *rest, **kw: first) -> list:
    """What each call of ``owner.name`` (a patch's reference to upstream's function)
    was given, as ``noted`` picks it out (by default the first argument); the calls
    still go through."""
    made: list = []
    original = getattr(owner, name)

    def recording(*args, **kwargs):
        made.append(noted(*args, **kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return made


def counted_outside_and_inside(made: list, patch, html: str) -> tuple[int, int]:
    """How many calls ``made`` (a counting fixture's list) holds after WeasyPrint renders
    ``html`` on its own, then with ``patch`` applied as render_pdf applies it."""
    import weasyprint

    weasyprint.HTML(string=html).write_pdf()
    outside = len(made)
    made.clear()
    with patch.applied():
        weasyprint.HTML(string=html).write_pdf()
    return outside, len(made)


def rendered_on_and_off(patch, html: str) -> tuple[bytes, bytes]:
    """``html`` rendered by render_pdf with ``patch`` as it applies it, then disabled."""
    from core.pdf import render_pdf

    on = render_pdf(html)
    with patch.disabled():
        off = render_pdf(html)
    return on, off


def styles_made(monkeypatch) -> list[tuple[object, str | None]]:
    """(element or page type, pseudo-element) of each computed style WeasyPrint makes
    while the test runs (StyleFor.set_computed_styles; shared styles are not made)."""
    import weasyprint.css as wp_css

    def noted(_style_for, element, parent, root=None, pseudo_type=None, **kwargs):
        return element, pseudo_type

    return calls_through(monkeypatch, wp_css.StyleFor, "set_computed_styles", noted)


@contextlib.contextmanager
def watching_collections(field: str) -> Iterator[list]:
    """``field`` of every garbage collection that ends inside ("generation", or
    "collected": how many objects it found), as ``gc.callbacks`` reports them."""
    seen: list = []

    def callback(phase: str, info: dict) -> None:
        if phase == "stop":
            seen.append(info[field])

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


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


# A4 less the right margin of pdf/base.css (2 cm), in millimetres: where every PDF's
# text column ends.
TEXT_RIGHT_MM = 210 - 20


def rightmost_ink_mm(pdf: bytes, tmp_path: Path, *, bottom_mm: float = 0) -> list[float]:
    """Per page, how far from the paper's left edge the rightmost ink reaches (mm),
    table borders included (any pixel darker than 240 of 255, at 40 dpi: a pixel is
    0.64 mm), leaving out the lowest ``bottom_mm`` of the page."""
    from PIL import Image

    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    edges = []
    for image_path in sorted(tmp_path.glob("page-*.pgm")):
        image = Image.open(image_path)
        width, height = image.size
        kept = image.crop((0, 0, width, round(height * (1 - bottom_mm / 297))))
        box = kept.point(lambda value: 255 if value < 240 else 0).getbbox()
        edges.append(box[2] / width * 210 if box else 0.0)
    return edges
