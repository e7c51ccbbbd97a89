"""The shipped glyph widths (roadmap/charts/sarabun_widths.json) are the fonts' own."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from roadmap.charts import text

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("chart_widths", ROOT / "scripts/chart_widths.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_widths_are_the_fonts():
    shipped = json.loads(text.WIDTHS_FILE.read_text(encoding="utf-8"))
    assert shipped == _script().table(), (
        "static/fonts changed: run .venv/bin/python scripts/chart_widths.py"
    )


def test_thai_marks_and_letters_have_their_widths():
    regular, _fallback = text._advances(bold=False)
    bold, _fallback = text._advances(bold=True)
    assert regular[ord("ก")] > 0.4
    assert regular[ord("\u0e48")] == 0  # a tone mark takes no width
    assert bold[ord("M")] > regular[ord("M")] * 0.95
    assert text.text_width("กขค") == text.text_width("ก่ข้ค๊")


def test_without_the_file_labels_still_measure(monkeypatch, tmp_path):
    monkeypatch.setattr(text, "WIDTHS_FILE", tmp_path / "missing.json")
    text._widths.cache_clear()
    try:
        assert text.text_width("abc", size=10) == 3 * text.FALLBACK_EM * 10
    finally:
        text._widths.cache_clear()
