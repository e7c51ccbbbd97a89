"""The bench's Chromium has Sarabun among its system fonts: an SVG image (the charts)
cannot use its page's @font-face fonts, and without it Chromium drew the charts' Thai
labels as empty boxes in another font."""

from __future__ import annotations

import base64
import shutil
import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader

from bench.national.pdfs import _chromium, chromium_env, chromium_pdf

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60" '
    'font-family="Sarabun, sans-serif" font-size="20"><text x="4" y="40">ลำดับเวลา</text></svg>'
)
PAGE = (
    "<!doctype html><html><head></head><body>"
    f'<img src="data:image/svg+xml;base64,{base64.b64encode(SVG.encode()).decode()}" alt="">'
    "</body></html>"
)


def test_fontconfig_finds_sarabun(tmp_path):
    if not shutil.which("fc-match"):
        pytest.skip("no fc-match")
    found = subprocess.run(
        ["fc-match", "-f", "%{family}|%{file}", "Sarabun"],
        env=chromium_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    family, file = found.split("|")
    assert "Sarabun" in family
    assert file.endswith("static/fonts/Sarabun-Regular.ttf")


def test_an_svg_images_thai_label_is_printed_in_sarabun(tmp_path):
    if _chromium() is None:
        pytest.skip("no chromium")
    chromium_pdf(PAGE, tmp_path, "label")
    reader = PdfReader(BytesIO((tmp_path / "label.pdf").read_bytes()))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert fonts
    assert all("Sarabun" in name for name in fonts), fonts
