"""core.thai_words: Thai word boundaries without PyThaiNLP's dictionary in the web process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import thai_words
from core.thai_words import thai_clusters
from core.thai_words import thai_words as words_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(thai_words._libthai() is None, reason="libthai is not installed")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("การสร้างความร่วมมือ", ["การ", "สร้าง", "ความ", "ร่วมมือ"]),
        ("โรงเรียนบ้านหนองบัว", ["โรงเรียน", "บ้าน", "หนอง", "บัว"]),
        ("ความไว้วางใจ", ["ความ", "ไว้", "วางใจ"]),
    ],
)
def test_thai_is_cut_between_words(text, expected):
    assert words_of(text) == expected


def test_spaces_are_their_own_pieces_and_latin_is_cut_only_at_spaces():
    pieces = words_of("ภาวะผู้นำ  Network plan 2/2569")
    assert "".join(pieces) == "ภาวะผู้นำ  Network plan 2/2569"
    assert pieces[:2] == ["ภาวะ", "ผู้นำ"]
    assert "  " in pieces
    assert "Network" in pieces
    assert "2/2569" in pieces


def test_every_text_comes_back_whole():
    for text in ("", " ", "ก", "เครือข่าย ๆ", "กฎหมาย\tฤดูกาล", "ผู้ใหญ่บ้าน 9 หมู่"):
        assert "".join(words_of(text)) == text
        assert "".join(thai_clusters(text)) == text


def test_clusters_keep_a_consonant_with_its_vowels_and_marks():
    assert thai_clusters("ผู้นำ") == ["ผู้", "นำ"]
    assert thai_clusters("เครือ") == ["เค", "รื", "อ"]
    assert thai_clusters("กิ่ง") == ["กิ่", "ง"]
    assert thai_clusters("ab") == ["a", "b"]


def test_without_libthai_pythainlp_gives_the_same_kind_of_split(monkeypatch):
    monkeypatch.setattr(thai_words, "_libthai", lambda: None)
    thai_words._words_cached.cache_clear()
    try:
        pieces = words_of("การสร้างความร่วมมือ ของเครือข่าย")
    finally:
        thai_words._words_cached.cache_clear()
    assert "".join(pieces) == "การสร้างความร่วมมือ ของเครือข่าย"
    assert pieces[0] == "การ"
    assert " " in pieces


def test_drawing_a_chart_label_loads_neither_pythainlp_nor_fonttools():
    probe = (
        "import json, sys, django; django.setup()\n"
        "from roadmap.charts.text import wrap\n"
        "wrap('ปลูกฝังแนวทางการทำงานแบบเครือข่ายให้เป็นวัฒนธรรม', 120, max_lines=3)\n"
        "print(json.dumps(sorted({'pythainlp', 'fontTools'} & set(sys.modules))))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
