"""The single PDF render helper: every PDF of the project goes through render_pdf."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.text.fonts import FontConfiguration

from . import (
    collapsed_borders,
    collector,
    deflate,
    html_parse,
    kept_layouts,
    layout_context,
    layout_setup,
    no_floats,
    normal_flow,
    page_styles,
    per_style,
    plain_backgrounds,
    preferred_widths,
    shared_lines,
    stream_contexts,
    stylesheets,
    svg_paths,
    svg_text,
    thai_breaks,
    thai_text,
    to_bytes,
    ua_stylesheet,
    weasyprint_border,
)
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
    return "\n".join(rules)


# One FontConfiguration (Fontconfig and Pango's font map, with the Sarabun files copied
# into its folder) and one parsed Sarabun stylesheet per thread, made on the thread's
# first render and reused by the next ones: building them cost each render ~15 ms and
# left Pango's font caches cold. Per thread, because Pango's font map is not
# thread-safe; per process, because a forked child (a Celery worker) must not use, nor
# delete when it lets go of them, the font files of its parent.
_font_setups: dict[tuple[int, int], tuple[FontConfiguration, weasyprint.CSS]] = {}


def _font_setup() -> tuple[FontConfiguration, weasyprint.CSS]:
    key = (os.getpid(), threading.get_ident())
    setup = _font_setups.get(key)
    if setup is None:
        font_config = FontConfiguration()
        # The @font-face URLs are file:// URLs into static/fonts: the fetcher reads them
        # now, once; the stylesheet does not depend on a render's base URL.
        fetcher = StaticOnlyFetcher(default_base_url())
        fonts = weasyprint.CSS(
            string=font_faces_css(), font_config=font_config, url_fetcher=fetcher
        )
        setup = _font_setups[key] = (font_config, fonts)
    return setup


def _forget_font_setups() -> None:
    """In a forked child: drop the parent's setups without deleting its font folders
    (FontConfiguration.__del__ removes its folder; the parent still reads it)."""
    for font_config, _fonts in _font_setups.values():
        font_config._folder = None
    _font_setups.clear()


os.register_at_fork(after_in_child=_forget_font_setups)


# The patches render_pdf applies (core.pdf), entered in this order and left in the
# reverse one. Through one ExitStack: Python allows no more than 20 blocks in one
# function, and a `with` of as many managers counts one block for each.
_PATCHES = (
    thai_breaks,
    kept_layouts,
    layout_setup,
    thai_text,
    weasyprint_border,
    svg_text,
    preferred_widths,
    shared_lines,
    stylesheets,
    ua_stylesheet,
    page_styles,
    per_style,
    stream_contexts,
    normal_flow,
    no_floats,
    plain_backgrounds,
    collapsed_borders,
    deflate,
    to_bytes,
    svg_paths,
)


@contextlib.contextmanager
def _patches_applied() -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for patch in _PATCHES:
            stack.enter_context(patch.applied())
        yield


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render HTML to PDF bytes with WeasyPrint, the fetcher lock and the Thai text fix.

    ``base_url`` resolves relative URLs; by default it is SITE_URL, so the
    ``{% static %}`` URLs of a template resolve to the project's static files, read
    from disk. Nothing else is fetched (see core.pdf.fetcher). Thai words are kept
    whole across line breaks (core.pdf.thai_breaks). The garbage collector waits
    until the render is done (core.pdf.collector), and the layout context is emptied
    then, for reference counting to free what it held (core.pdf.layout_context).
    """
    base_url = base_url or default_base_url()
    fetcher = StaticOnlyFetcher(base_url)
    font_config, fonts = _font_setup()
    thai_breaks.load()
    html_parse.install()
    with collector.paused():
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
        # Released last: the layout context is emptied once every patch has let go.
        with layout_context.released(), _patches_applied():
            rendered = document.render(stylesheets=[fonts], font_config=font_config)
            pdf = rendered.write_pdf()
            layout_context.pages_released(rendered)
        # The parsed tree and the pages go now, not in the collection paused() ends with.
        del document, rendered
    return pdf


def render_pdf_template(template_name: str, context: dict, *, language: str) -> bytes:
    """Render a Django template (usually extending pdf/base.html) in ``language``."""
    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_language": language})
    return render_pdf(html)
