"""A table's collapsed borders stroked as one path per width and colour
(core.pdf.collapsed_borders): the same pixels as WeasyPrint's segment by segment,
far fewer strokes, and other border styles drawn as upstream draws them."""

from __future__ import annotations

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from core.pdf import collapsed_borders

from .pdf_helpers import pdftotext, rendered_on_and_off


def page() -> str:
    """Collapsed tables over three pages: thin and thick, grey and red, a repeated
    header, a dashed and a double cell, and a table with separate borders."""
    rows = "".join(
        f"<tr><td>{i}</td><td{' class=thick' if i % 7 == 0 else ''}>คณะกรรมการ {i}</td>"
        f"<td{' class=dashed' if i == 5 else ' class=double' if i == 9 else ''}>ภาคี</td></tr>"
        for i in range(90)
    )
    return (
        "<html><head><style>@page { size: A6; }"
        "table { border-collapse: collapse; width: 100%; }"
        "td, th { border: 0.5pt solid #555; padding: 1pt; }"
        ".thick { border: 2pt solid #a00; } .dashed { border: 1pt dashed #05a; }"
        ".double { border: 3pt double #555; } .separate { border-collapse: separate; }"
        "</style></head><body>"
        f"<table><thead><tr><th>#</th><th>ชื่อ</th><th>ภาคี</th></tr></thead>{rows}</table>"
        '<table class="separate"><tr><td>แยก</td><td>เส้น</td></tr></table>'
        "</body></html>"
    )


def _pages_png(pdf: bytes, tmp_path: Path, name: str, dpi: int) -> list[Image.Image]:
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", source, tmp_path / name], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def _strokes(pdf: bytes) -> int:
    return sum(
        page.get_contents().get_data().split().count(b"S") for page in PdfReader(BytesIO(pdf)).pages
    )


@pytest.mark.parametrize("dpi", [150, 300])
def test_the_pages_are_the_pixels_upstream_draws(tmp_path, dpi):
    merged, upstream = rendered_on_and_off(collapsed_borders, page())
    ours = _pages_png(merged, tmp_path, "merged", dpi)
    theirs = _pages_png(upstream, tmp_path, "upstream", dpi)
    assert len(ours) == len(theirs) >= 3
    for mine, other in zip(ours, theirs, strict=True):
        assert ImageChops.difference(mine, other).getbbox() is None
    assert pdftotext(merged) == pdftotext(upstream)


def test_far_fewer_strokes():
    merged, upstream = rendered_on_and_off(collapsed_borders, page())
    # Upstream strokes each cell edge (~600 here); merged, a stroke per run of one
    # width and colour, and upstream's own for the dashed and double cells.
    assert _strokes(upstream) > 500
    assert _strokes(merged) < _strokes(upstream) / 5


def test_other_styles_are_drawn_by_upstreams_draw_line(monkeypatch):
    drawn = []
    original = collapsed_borders._draw_line

    def noting(stream, *args):
        drawn.append(args[5])
        return original(stream, *args)

    monkeypatch.setattr(collapsed_borders, "_draw_line", noting)
    from core.pdf import render_pdf

    render_pdf(page())
    assert set(drawn) == {"dashed", "double"}


def test_see_through_borders_are_drawn_segment_by_segment(tmp_path):
    """Where see-through segments meet, upstream's separate strokes paint the corner
    twice: such segments are not joined, and the pixels stay upstream's."""
    cells = "".join(f"<tr><td>{i}</td><td>ภาคี {i}</td></tr>" for i in range(12))
    html = (
        "<html><head><style>@page { size: A6; } table { border-collapse: collapse; }"
        "td { border: 4pt solid rgba(255, 0, 0, 0.5); padding: 2pt; }</style></head>"
        f"<body><table>{cells}</table></body></html>"
    )
    merged, upstream = rendered_on_and_off(collapsed_borders, html)
    ours = _pages_png(merged, tmp_path, "merged", 150)
    theirs = _pages_png(upstream, tmp_path, "upstream", 150)
    for mine, other in zip(ours, theirs, strict=True):
        assert ImageChops.difference(mine, other).getbbox() is None
