"""Chart labels laid out in Python: SVG text does not wrap, and a Thai title has no
spaces to wrap at.

Each label is measured with Sarabun's own glyph advances (Thai vowel and tone marks
take no width) and wrapped at Thai word boundaries (libthai, core.thai_words) or
spaces into a few lines; what still does not fit ends in an ellipsis. So no label runs into the next
one, in Thai or English, on a page or in a PDF.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from core.thai_words import thai_clusters, thai_words

FONT = "Sarabun, sans-serif"
FONT_SIZE = 12
# Baseline to baseline of a wrapped label: Thai tone marks stacked on upper vowels
# and tails below the line need more than Latin text's 1.2 em.
LINE = 15
ELLIPSIS = "…"
# An advance for a character the font lacks, or for every one when the font is missing.
FALLBACK_EM = 0.6


# Sarabun's advance widths, read from static/fonts by scripts/chart_widths.py and
# shipped: fontTools would cost every web worker that draws a chart about 9 MB for
# these two small tables (tests/roadmap/test_chart_widths.py keeps them in step).
WIDTHS_FILE = Path(__file__).with_name("sarabun_widths.json")


@lru_cache(maxsize=1)
def _widths() -> dict[str, dict[int, float]]:
    try:
        faces = json.loads(WIDTHS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # unreadable: a generous flat estimate (FALLBACK_EM)
        return {}
    return {face: {int(cp): em for cp, em in table.items()} for face, table in faces.items()}


def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Sarabun's advance width per code point, in em, and a fallback for the rest."""
    return _widths().get("bold" if bold else "regular", {}), FALLBACK_EM


def text_width(text: str, *, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The width of ``text`` in user units (px): the sum of the glyph advances.

    Combining marks (Thai upper and lower vowels, tone marks) have no advance.
    Kerning is left out; it moves Sarabun's glyphs by a few per cent at most.
    """
    widths, fallback = _advances(bold)
    total = 0.0
    for char in text:
        if char in "\u200b\u200c\u200d" or unicodedata.combining(char):
            continue
        total += widths.get(ord(char), fallback)
    return total * size


_THAI = re.compile(r"[\u0e01-\u0e5b]")


def _units(text: str) -> list[str]:
    """Pieces a line may break between: words, with each run of spaces its own piece.

    Between two non-space pieces a break is allowed only where Thai meets Thai
    (a word boundary), never inside "1." or "2/2569" or an English word.
    """
    tokens = thai_words(text)
    units: list[str] = []
    for token in tokens:
        if not token:
            continue
        joinable = units and not units[-1].isspace() and not token.isspace()
        if joinable and not (_THAI.match(units[-1][-1]) and _THAI.match(token[0])):
            units[-1] += token
        else:
            units.append(token)
    return units


def _clusters(text: str) -> list[str]:
    """Characters as they are drawn: a Thai consonant with its vowels and marks."""
    return thai_clusters(text)


def _ellipsize(text: str, width: float, size: float, bold: bool) -> str:
    """``text`` cut so that it and an ellipsis fit ``width``; whole if it fits.

    The cut falls between words when that keeps at least half the line, otherwise
    between character clusters (never between a Thai letter and its marks).
    """
    if text_width(text, size=size, bold=bold) <= width:
        return text
    room = width - text_width(ELLIPSIS, size=size, bold=bold)
    kept = ""
    for unit in _units(text):
        if text_width(kept + unit, size=size, bold=bold) > room:
            break
        kept += unit
    if text_width(kept, size=size, bold=bold) < room / 2:
        kept = ""
        for cluster in _clusters(text):
            if text_width(kept + cluster, size=size, bold=bold) > room:
                break
            kept += cluster
    return kept.rstrip() + ELLIPSIS


@lru_cache(maxsize=2048)
def wrap(
    text: str, width: float, *, max_lines: int = 2, size: float = FONT_SIZE, bold: bool = False
) -> tuple[str, ...]:
    """``text`` in at most ``max_lines`` lines no wider than ``width`` user units.

    Lines break between words (Thai words by PyThaiNLP's dictionary, others at
    spaces); a word wider than a line is split between character clusters. The last
    line ends in an ellipsis when the text does not fit.
    """
    text = " ".join(text.split())

    def fits(piece: str) -> bool:
        return text_width(piece, size=size, bold=bold) <= width

    if fits(text):
        return (text,)
    starts: list[int] = []  # where each line starts in ``text``
    current, position = "", 0
    for unit in _units(text):
        if fits(current + unit):
            if not current and not unit.isspace():
                starts.append(position)
            current = current + unit if current or not unit.isspace() else ""
            position += len(unit)
            continue
        current = ""
        if not unit.isspace():
            starts.append(position)
            current = unit
            offset = position
            while not fits(current):  # a word wider than the line
                head = ""
                for cluster in _clusters(current):
                    if head and not fits(head + cluster):
                        break
                    head += cluster
                current = current[len(head) :]
                offset += len(head)
                starts.append(offset)
        position += len(unit)
    starts.append(len(text))
    lines = [text[a:b].strip() for a, b in itertools.pairwise(starts)]
    if len(lines) > max_lines:
        rest = text[starts[max_lines - 1] :].strip()
        lines = [*lines[: max_lines - 1], _ellipsize(rest, width, size, bold)]
    return tuple(line for line in lines if line)
