#!/usr/bin/env python
"""Write roadmap/charts/sarabun_widths.json: Sarabun's advance widths per code point.

The chart labels are measured with these widths (roadmap/charts/text.py). Reading them
from the TTF needs fontTools, about 9 MB in every web worker that draws a chart, for
two small tables that change only when static/fonts does; so they are read here, once,
and shipped. tests/roadmap/test_chart_widths.py reads the fonts again and fails, naming
this script, when the file and the fonts disagree.

    .venv/bin/python scripts/chart_widths.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "static" / "fonts"
OUT = ROOT / "roadmap" / "charts" / "sarabun_widths.json"
FACES = {"regular": "Sarabun-Regular.ttf", "bold": "Sarabun-Bold.ttf"}


def widths(path: Path) -> dict[str, float]:
    """Advance width in em per code point (keys are code points as text, for JSON)."""
    with TTFont(path, lazy=True) as font:
        per_em = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        return {
            str(cp): round(metrics[name][0] / per_em, 6)
            for cp, name in sorted(font.getBestCmap().items())
        }


def table() -> dict[str, dict[str, float]]:
    return {face: widths(FONTS / name) for face, name in FACES.items()}


def main() -> int:
    OUT.write_text(json.dumps(table(), separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
