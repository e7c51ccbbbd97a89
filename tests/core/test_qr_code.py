"""core.qr_code: the mask chosen in bit arithmetic is qrcode's own choice, pixel for pixel."""

from __future__ import annotations

import random
from io import BytesIO
from pathlib import Path

import pytest
import qrcode
from PIL import Image
from qrcode import util

from core import qr_code


def _texts() -> list[str]:
    """Verify addresses of many lengths (QR versions 2 to 14), the same every run."""
    chosen = random.Random(17)
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789-/"
    return [
        "https://khruakhai.example.org/verify/"
        + "".join(chosen.choice(alphabet) for _ in range(chosen.randint(1, 360)))
        for _ in range(40)
    ]


def _upstream_image(text: str) -> Image.Image:
    """qrcode's own way (eight full matrices scored in Python), one pixel a module."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image().convert("L")


@pytest.mark.parametrize("text", _texts()[:12])
def test_every_masks_penalty_is_qrcodes(text):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.best_fit()
    for pattern in range(8):
        qr.makeImpl(True, pattern)
        rows = [qr_code._bits(row) for row in qr.modules]
        assert qr_code._penalty(rows, qr.modules_count) == util.lost_point(qr.modules), pattern


def test_the_mask_chosen_is_qrcodes_over_many_lengths():
    versions = set()
    for text in _texts():
        ours = qr_code._QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
        ours.add_data(text)
        ours.best_fit()
        theirs = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
        theirs.add_data(text)
        theirs.best_fit()
        assert ours.best_mask_pattern() == theirs.best_mask_pattern(), text
        versions.add(theirs.version)
    # Versions 7 and up carry version information blocks: covered too.
    assert min(versions) <= 3
    assert max(versions) >= 7


@pytest.mark.parametrize("text", _texts()[::8])
def test_the_image_is_qrcodes_pixel_for_pixel(text):
    ours = Image.open(BytesIO(qr_code.qr_png(text)))
    theirs = _upstream_image(text)
    assert ours.mode == "L"
    assert ours.size == theirs.size
    assert ours.tobytes() == theirs.tobytes()


def test_each_penalty_rule_counts_what_the_standard_says():
    """Hand-made 11×11 matrices with one feature each, scored by both."""
    size = 11
    light = [[False] * size for _ in range(size)]

    def score(modules):
        rows = [qr_code._bits(row) for row in modules]
        ours = qr_code._penalty(rows, size)
        assert ours == util.lost_point(modules)
        return ours

    base = score(light)  # all light: long runs everywhere, 2×2 blocks, dark share 0 %
    finder = [row[:] for row in light]
    finder[5] = [True, False, True, True, True, False, True, False, False, False, False]
    assert score(finder) != base
    block = [row[:] for row in light]
    block[0][0] = block[0][1] = block[1][0] = block[1][1] = True
    assert score(block) != base


def test_the_image_is_black_on_white_a_pixel_a_module():
    image = Image.open(BytesIO(qr_code.qr_png("https://khruakhai.example.org/verify/ABC/")))
    # Version 3 (29 modules) and the two-module margin on each side.
    assert image.size == (33, 33)
    assert set(image.tobytes()) == {0, 255}
    assert image.getpixel((0, 0)) == 255  # margin
    assert image.getpixel((2, 2)) == 0  # the top-left finder's corner


def test_every_template_showing_a_qr_code_scales_it_without_smoothing():
    """At a pixel a module the image is tiny: a template must print it pixelated,
    or the PDF viewer blurs the modules into grey."""
    root = Path(__file__).resolve().parents[2] / "templates"
    showing = [p for p in root.rglob("*.html") if 'src="{{ qr }}"' in p.read_text("utf-8")]
    assert len(showing) >= 3
    for template in showing:
        assert "image-rendering: pixelated" in template.read_text("utf-8"), template


def test_the_pdf_draws_the_modules_sharp():
    from pypdf import PdfReader

    from core.pdf import render_pdf
    from core.sealing import qr_data_uri

    pdf = render_pdf(
        f'<img src="{qr_data_uri("https://khruakhai.example.org/verify/ABC/")}" '
        'style="width: 30mm; height: 30mm; image-rendering: pixelated">'
    )
    page = PdfReader(BytesIO(pdf)).pages[0]
    (image,) = (
        obj.get_object()
        for obj in page["/Resources"]["/XObject"].values()
        if obj.get_object()["/Subtype"] == "/Image"
    )
    assert (image["/Width"], image["/Height"]) == (33, 33)
    assert "/Interpolate" in image
    assert image["/Interpolate"].value is False
