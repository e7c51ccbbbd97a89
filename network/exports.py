"""The organisation directory as CSV (UTF-8 with BOM, so Excel shows Thai) or XLSX.

The headers are the import's headers in the current language and coded columns
are written as the pages show them, so an exported file can be edited and imported
again; the import ignores the one column it does not take (the networks), by name.
"""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .imports.columns import EXPORT_ONLY_COLUMNS, ORGANISATION_COLUMNS


def _rows(organisations: QuerySet) -> tuple[list[str], list[list[str]]]:
    header = [c.label for c in ORGANISATION_COLUMNS] + [
        str(name) for name in EXPORT_ONLY_COLUMNS["organisations"]
    ]
    rows = []
    for org in organisations:
        networks = ", ".join(m.network.name for m in org.current_memberships)
        rows.append(
            [
                org.name_th,
                org.name_en,
                org.kind_entry.label if org.kind_entry else org.kind,
                org.province_entry.label if org.province_entry else org.province,
                org.address,
                org.phone,
                org.email,
                org.website,
                networks,
            ]
        )
    return header, rows


def _safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets: quote it.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def directory_csv(organisations: QuerySet) -> bytes:
    header, rows = _rows(organisations)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def directory_xlsx(organisations: QuerySet) -> bytes:
    header, rows = _rows(organisations)
    from openpyxl import Workbook  # noqa: PLC0415 - openpyxl (~10 MB) loads on the first export
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    sheet.title = _("Organisations")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    for column, width in zip("ABCDEFGHI", (40, 36, 22, 18, 40, 16, 28, 28, 50), strict=False):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
