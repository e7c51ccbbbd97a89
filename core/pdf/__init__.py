"""PDFs: the one render helper, the Thai text-layer fix, sealing and seal checks.

- render_pdf / render_pdf_template: WeasyPrint with the static-only URL fetcher,
  Sarabun and the Thai ActualText fix (core.pdf.thai_text).
- seal_pdf / check_seal: pyHanko certification signature ("no changes allowed").
"""

from __future__ import annotations

from .render import render_pdf, render_pdf_template
from .seal import SealCheck, check_seal, seal_pdf

__all__ = ["SealCheck", "check_seal", "render_pdf", "render_pdf_template", "seal_pdf"]
