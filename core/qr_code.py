"""QR codes for sealed PDFs: qrcode's encoder, with the mask chosen in bit arithmetic.

ISO/IEC 18004 has an encoder try all eight mask patterns and keep the one with the
lowest penalty (long runs, 2×2 blocks, finder-like patterns, an uneven dark share).
qrcode does that by building the whole matrix eight times and scoring each in Python
loops over every module: 13-16 ms where it was measured, more than the agreement
PDF's four queries (docs/performance-pdf.md, "Twelfth pass"). Here the matrix is built
once; each mask only flips the data modules, and the four penalties are scored on rows
and columns held as strings and integers (regular expressions and bit operations, in
C). The scores are qrcode's own, rule by rule (tests/core/test_qr_code.py compares
them over many inputs), so the mask chosen, and so every module, is qrcode's.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from io import BytesIO

import qrcode
from PIL import Image, ImageOps
from qrcode import util

_BORDER = 2  # modules of white margin

# Rule 1: a run of five or more modules of one colour costs 3, plus 1 per extra module.
_RUN = re.compile(r"0{5,}|1{5,}")
# Rule 3: dark-light-dark-dark-dark-light-dark with four light modules on one side;
# every window counts, overlapping ones too (hence the lookahead).
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")


def _line_penalty(lines: list[str]) -> int:
    # One string, the lines apart: no run nor pattern crosses a "|".
    text = "|".join(lines)
    return sum(len(run) - 2 for run in _RUN.findall(text)) + 40 * len(_FINDER_LIKE.findall(text))


def _penalty(rows: list[int], size: int) -> int:
    """qrcode.util.lost_point of a matrix whose row r is the integer rows[r] (bit c set
    when module c is dark)."""
    row_text = [format(row, f"0{size}b")[::-1] for row in rows]
    col_text = ["".join(column) for column in zip(*row_text, strict=True)]
    score = _line_penalty(row_text) + _line_penalty(col_text)
    # Rule 2: every 2×2 block of one colour costs 3.
    inner = (1 << (size - 1)) - 1
    for upper, lower in itertools.pairwise(rows):
        vertical = upper ^ lower
        uneven = vertical | (vertical >> 1) | (upper ^ (upper >> 1))
        score += 3 * (~uneven & inner).bit_count()
    # Rule 4: 10 for every 5 % the dark share is away from half (qrcode's arithmetic).
    dark = sum(row.bit_count() for row in rows)
    score += int(abs(float(dark) / (size**2) * 100 - 50) / 5) * 10
    return score


def _bits(row) -> int:
    """A row of modules as an integer: bit c set when module c is dark (or True)."""
    return int("".join("1" if dark else "0" for dark in reversed(row)), 2)


@cache
def _mask_rows(pattern: int, size: int) -> tuple[int, ...]:
    """Mask ``pattern`` over a size×size matrix, a row an integer (bit set: flip)."""
    flips = util.mask_func(pattern)
    return tuple(_bits([flips(r, c) for c in range(size)]) for r in range(size))


class _QRCode(qrcode.QRCode):
    def map_data(self, data, mask_pattern):
        # The modules still None here are the data modules: the only ones a mask flips.
        self._data_rows = [_bits([module is None for module in row]) for row in self.modules]
        super().map_data(data, mask_pattern)

    def best_mask_pattern(self) -> int:
        # Scored as test matrices, like qrcode's: format and version modules all light.
        self.makeImpl(True, 0)
        size = self.modules_count
        data_rows = self._data_rows
        # The data bits unmasked, the function patterns as drawn.
        base = [
            _bits(row) ^ (flip & data)
            for row, flip, data in zip(self.modules, _mask_rows(0, size), data_rows, strict=True)
        ]
        best, best_score = 0, None
        for pattern in range(8):
            masked = [
                row ^ (flip & data)
                for row, flip, data in zip(base, _mask_rows(pattern, size), data_rows, strict=True)
            ]
            score = _penalty(masked, size)
            if best_score is None or score < best_score:
                best, best_score = pattern, score
        return best


def qr_png(text: str) -> bytes:
    """A PNG QR code of ``text``: level M, a two-module white margin, one pixel a module.

    Templates give the image its printed size and ``image-rendering: pixelated``, so
    the PDF scales it without smoothing (/Interpolate false) and every module stays a
    sharp square. Drawn at 8 pixels a module, as it was before, the image cost
    WeasyPrint 4 % of the agreement's render, converting 264×264 pixels to RGB and
    compressing them twice; at one pixel a module it is 37×37 grey pixels (version 4).
    """
    qr = _QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=_BORDER)
    qr.add_data(text)
    qr.make(fit=True)
    count = qr.modules_count
    modules = Image.frombytes(
        "L", (count, count), bytes(0 if dark else 255 for row in qr.modules for dark in row)
    )
    buffer = BytesIO()
    ImageOps.expand(modules, border=_BORDER, fill=255).save(buffer, format="PNG")
    return buffer.getvalue()
