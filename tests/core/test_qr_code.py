"""core.qr_code: the mask chosen in bit arithmetic is qrcode's own choice, pixel for pixel."""

from __future__ import annotations

import random
from io import BytesIO

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


def _upstream_png(text: str) -> bytes:
    """qrcode's own way: eight full matrices scored in Python, drawn module by module."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


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
def test_the_png_is_the_same_bytes_as_qrcodes(text):
    assert qr_code.qr_png(text) == _upstream_png(text)


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


def test_the_image_is_a_scannable_size_and_black_on_white():
    image = Image.open(BytesIO(qr_code.qr_png("https://khruakhai.example.org/verify/ABC/")))
    assert image.mode == "1"
    width, height = image.size
    assert width == height
    assert width % 8 == 0
    # The two-module margin is white; the top-left finder's corner is black.
    assert image.getpixel((0, 0)) == 255
    assert image.getpixel((16, 16)) == 0
