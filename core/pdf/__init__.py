"""PDFs: the one render helper, the Thai text-layer fix, sealing and seal checks.

- render_pdf / render_pdf_template: WeasyPrint with the static-only URL fetcher,
  Sarabun and the Thai ActualText fix (core.pdf.thai_text).
- seal_pdf / check_seal: pyHanko certification signature ("no changes allowed").

These names load WeasyPrint and pyHanko on first use, not on import: every web worker
imports the services that call them, but PDFs are rendered and sealed in the Celery
worker (and checked on the verify page), so a web worker that serves ordinary pages
never holds the ~50 MB those libraries and their fonts take (docs/performance.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import compiled_patches

# Before any patch is imported: their compiled modules, when made from this source.
compiled_patches.install()

if TYPE_CHECKING:
    from .seal import SealCheck

__all__ = ["SealCheck", "check_seal", "render_pdf", "render_pdf_template", "seal_pdf"]


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    from .render import render_pdf as render  # noqa: PLC0415 - WeasyPrint loads on first render

    return render(html, base_url=base_url)


def render_pdf_template(template_name: str, context: dict, *, language: str) -> bytes:
    from .render import render_pdf_template as render  # noqa: PLC0415 - as render_pdf

    return render(template_name, context, language=language)


def seal_pdf(pdf: bytes, *, reason: str, location: str = "Thailand") -> bytes:
    from .seal import seal_pdf as seal  # noqa: PLC0415 - pyHanko loads on first seal

    return seal(pdf, reason=reason, location=location)


def check_seal(pdf: bytes) -> SealCheck:
    from .seal import check_seal as check  # noqa: PLC0415 - pyHanko loads on first check

    return check(pdf)


def __getattr__(name: str):
    if name == "SealCheck":
        from .seal import SealCheck  # noqa: PLC0415 - pyHanko loads on first use

        return SealCheck
    raise AttributeError(name)
