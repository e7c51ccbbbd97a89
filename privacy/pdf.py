"""The "My data" PDF: everything held about the person, readable, in their language.

Rendered by core.pdf (Sarabun, the static-only fetcher, the Thai line-break fix) from
templates/privacy/my_data_pdf.html, which extends pdf/base.html like every PDF.
"""

from __future__ import annotations

from django.utils import timezone, translation

from core.pdf import render_pdf_template

from . import selectors
from .services.retention import retention_days


def my_data_pdf(*, user, language: str) -> bytes:
    with translation.override(language):
        sections = selectors.sections_for(selectors.subject_for(user))
        # Each record as (column title, value) pairs: a list reads on A4 where a table
        # of eleven columns (a signature) would not.
        records = [
            (section, [list(zip(section.titles, row, strict=True)) for row in section.shown_rows()])
            for section in sections
        ]
        context = {
            "person": user,
            "generated_at": timezone.now(),
            "sections": [(s, rows) for s, rows in records if rows],
            "empty": [s for s, rows in records if not rows],
            "retention_days": retention_days(),
        }
    return render_pdf_template("privacy/my_data_pdf.html", context, language=language)
