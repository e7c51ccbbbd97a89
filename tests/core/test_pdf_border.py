"""Dotted borders on some sides are stroked, not drawn dot by dot (core.pdf.weasyprint_border)."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
import weasyprint
from PIL import Image, ImageChops
from pypdf import PdfReader

from core.pdf import render_pdf, weasyprint_border

# The signature lines of the agreement and the committee report, and a few more shapes.
HTML = """
<style>
  .line { border-bottom: 0.6pt dotted #333; padding: 2pt 0; margin: 6pt 0; }
  .thick { border-bottom: 2pt dotted #000; height: 20pt; margin: 6pt 0; width: 7cm; }
  .top { border-top: 1.5pt dotted #800; height: 12pt; margin: 6pt 0; }
  .sides { border-left: 1pt dotted #000; border-right: 1pt dotted #000; height: 3cm;
           width: 5cm; margin: 6pt 0; }
  .short { border-bottom: 3pt dotted #000; width: 5pt; height: 6pt; }
</style>
<div class="line">ลายมือชื่อ</div>
<div class="line" style="width: 9.37cm">ผู้อำนวยการ</div>
<div class="thick"></div>
<div class="top">บน</div>
<div class="sides"></div>
<div class="short"></div>
"""


def _contents(pdf: bytes) -> bytes:
    return b"".join(page.get_contents().get_data() for page in PdfReader(BytesIO(pdf)).pages)


def _png(pdf: bytes, tmp_path: Path, name: str, dpi: int) -> Image.Image:
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", source, tmp_path / name], check=True
    )
    return Image.open(tmp_path / f"{name}.png").convert("L")


def test_the_dots_are_where_upstream_draws_them(tmp_path):
    with weasyprint_border.disabled():
        upstream = render_pdf(HTML)
    stroked = render_pdf(HTML)
    # (At some resolutions poppler snaps thin strokes to the pixel grid, which moves a
    # vertical dotted side by a pixel; at these two nothing moves.)
    for dpi in (150, 600):
        old = _png(upstream, tmp_path, f"upstream-{dpi}", dpi)
        new = _png(stroked, tmp_path, f"stroked-{dpi}", dpi)
        assert old.size == new.size
        # Only antialiasing differs (a round cap against upstream's four curves):
        # no pixel turns from ink to paper or back.
        diff = ImageChops.difference(old, new)
        assert diff.getextrema()[1] < 128
        # Each dot in the same place: the ink of every 8 × 8 pixel cell is the same
        # within 24 levels (one dot moved by 3 pixels at 600 dpi changes a cell by ~96).
        cells = ImageChops.difference(old.reduce(8), new.reduce(8))
        assert cells.getextrema()[1] < 24


def test_a_dotted_line_is_one_stroke_not_hundreds_of_curves():
    with weasyprint_border.disabled():
        upstream = _contents(render_pdf(HTML))
    stroked = _contents(render_pdf(HTML))
    curves = re.compile(rb" c\n")
    assert len(curves.findall(upstream)) > 1000
    assert not curves.findall(stroked)
    # One zero-length dash array per dotted side: line, line, thick, top, two sides, short.
    assert len(re.findall(rb"\[0 [\d.]+\] 0 d", stroked)) == 7
    assert len(stroked) * 5 < len(upstream)


@pytest.mark.parametrize(
    "style",
    [
        "border: 1pt dotted #000",  # four sides: upstream's own fast path
        "border-bottom: 1pt dashed #000",
        "border-bottom: 1pt solid #000",
        "border-bottom: 1pt dotted #000; border-top: 1pt solid #000",
        "border-bottom: 1pt dotted #000; border-bottom-left-radius: 4pt",
        "border-bottom: 1pt dotted #000; border-top: 1pt dotted #f00",
    ],
)
def test_other_borders_are_upstreams(style):
    html = f'<div style="{style}; height: 1cm">x</div>'
    with weasyprint_border.disabled():
        upstream = _contents(render_pdf(html))
    ours = _contents(render_pdf(html))
    if "#f00" in style:  # two colours, each side dotted: still ours
        assert ours != upstream
        assert len(re.findall(rb"\[0 [\d.]+\] 0 d", ours)) == 2
    else:
        assert ours == upstream


def test_acts_only_inside_render_pdf():
    pdf = weasyprint.HTML(string='<div style="border-bottom: 1pt dotted #000">x</div>').write_pdf()
    assert re.search(rb" c\n", _contents(pdf))


def test_installed_where_both_callers_find_it():
    """Its pins: tests/core/test_pdf_pins.py."""
    import weasyprint.draw as wp_draw
    import weasyprint.draw.border as wp_border

    assert wp_draw.draw_border is wp_border.draw_border is weasyprint_border.draw_border
