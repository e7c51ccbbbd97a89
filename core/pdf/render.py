"""The single PDF render helper: every PDF of the project goes through render_pdf."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.text.fonts import FontConfiguration

from . import thai_breaks, thai_text
from .fetcher import StaticOnlyFetcher, default_base_url

# Sarabun, the typeface of Thai government documents, shipped under static/fonts.
_FACES = (
    ("Sarabun-Light.ttf", 300, "normal"),
    ("Sarabun-Regular.ttf", 400, "normal"),
    ("Sarabun-Italic.ttf", 400, "italic"),
    ("Sarabun-SemiBold.ttf", 600, "normal"),
    ("Sarabun-Bold.ttf", 700, "normal"),
    ("Sarabun-BoldItalic.ttf", 700, "italic"),
)


def _fonts_dir() -> Path:
    for root in settings.STATICFILES_DIRS:
        candidate = Path(root) / "fonts"
        if (candidate / "Sarabun-Regular.ttf").is_file():
            return candidate.resolve()
    raise FileNotFoundError("static/fonts/Sarabun-Regular.ttf is missing")


@lru_cache(maxsize=1)
def font_faces_css() -> str:
    """@font-face rules for Sarabun, read through the fetcher like any other file."""
    fonts = _fonts_dir()
    rules = [
        f'@font-face {{ font-family: "Sarabun"; src: url("{(fonts / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in _FACES
        if (fonts / name).is_file()
    ]
    # Sarabun is the default even for HTML that names no font. Thai needs taller lines
    # than Latin text: a tone mark stacked on an upper vowel (ปู่ ผู้ กิ่ง ตั๋ว) rises well
    # above the letters and a lower vowel or a tail (ฤดู กฎหมาย ปฏิบัติ) hangs well below
    # the baseline. At 1.7 they clear the line above in every element of our PDFs; at
    # 1.5-1.6 they touch (tests/core/test_pdf_thai.py measures it). PDF templates set
    # no line-height of their own (a test checks), so every element inherits this.
    rules.append('html { font-family: "Sarabun", sans-serif; line-height: 1.7; }')
    rules.append(thai_breaks.CSS)
    return "\n".join(rules)


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render HTML to PDF bytes with WeasyPrint, the fetcher lock and the Thai text fix.

    ``base_url`` resolves relative URLs; by default it is SITE_URL, so the
    ``{% static %}`` URLs of a template resolve to the project's static files, read
    from disk. Nothing else is fetched (see core.pdf.fetcher). Thai words are kept
    whole across line breaks (core.pdf.thai_breaks).
    """
    base_url = base_url or default_base_url()
    fetcher = StaticOnlyFetcher(base_url)
    font_config = FontConfiguration()
    document = weasyprint.HTML(
        string=thai_breaks.keep_thai_words(html), base_url=base_url, url_fetcher=fetcher
    )
    fonts = weasyprint.CSS(string=font_faces_css(), font_config=font_config, url_fetcher=fetcher)
    with thai_text.applied():
        return document.write_pdf(stylesheets=[fonts], font_config=font_config)


def render_pdf_template(template_name: str, context: dict, *, language: str) -> bytes:
    """Render a Django template (usually extending pdf/base.html) in ``language``."""
    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_language": language})
    return render_pdf(html)
