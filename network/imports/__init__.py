"""Import of organisations and people into a network: read, check, then write all or nothing.

A file is a CSV or an Excel workbook (.xlsx), told apart by its content, never by
its name. A CSV may be UTF-8 (with or without the BOM Excel adds), UTF-16 with its
BOM (Excel's "Unicode Text") or Thai Windows text (TIS-620/cp874: what Excel on
Thai Windows writes for plain "CSV"). Its first row names the columns, in Thai or
in English; coded columns (kind, province, category, role) take the code or any
label the pages show, in either language. Every row is checked before anything is
written; the preview lists each problem by row and column, and ``directory_import``
writes nothing unless every row is valid.

Organisations belong to themselves: a row naming one that is already in the
directory (same Thai name) attaches it only where ``services.organisation_attach``
allows; otherwise the import files a request to join that its representatives
answer, and the preview says so row by row. People who already have a login are
invited (``services.role_offer``), not given a role behind their back. Importing
the same file again changes nothing: people are matched by email, or, without one,
by name within their organisation.

Modules, in the order a file goes through them:

- ``limits``: rows, bytes, columns and the workbook's limits.
- ``codes``: coded columns and how labels and headers are compared.
- ``columns``: each kind's columns, headers and the template's example rows.
- ``results``: the table read, the problems, the preview and its notes.
- ``reading`` (CSV and encodings) and ``xlsx`` (workbooks): a file's cells.
- ``checking``: ``preview``, every row and column checked; nothing written.
- ``planning``: what confirming would do with each row.
- ``applying``: ``directory_import``, every row written, or nothing (ImportRejected).
- ``template``: the CSV template to fill in.

The names below are what views, exports, tests and benchmarks use.
"""

from __future__ import annotations

from .applying import ImportRejected, directory_import
from .checking import preview
from .codes import CATEGORY_CODES, KIND_CODES, PROVINCE_CODES, ROLE_CODES, Codes
from .columns import (
    EXAMPLE_KEY,
    EXPORT_ONLY_COLUMNS,
    KINDS,
    ORGANISATION_COLUMNS,
    PEOPLE_COLUMNS,
    Column,
)
from .limits import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    XLSX_MAX_PARTS,
    XLSX_MAX_ROW_CELLS,
    XLSX_MAX_SHEET_ELEMENTS,
    XLSX_MAX_UNPACKED_BYTES,
)
from .planning import person_name_key
from .reading import decode, read
from .results import (
    NOTE_PERSON_ROLE,
    NOTE_PERSON_SAME,
    NOTE_ROW_SAME,
    Preview,
    Problem,
    Table,
)
from .template import template_csv

__all__ = [
    "CATEGORY_CODES",
    "EXAMPLE_KEY",
    "EXPORT_ONLY_COLUMNS",
    "KINDS",
    "KIND_CODES",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "NOTE_PERSON_ROLE",
    "NOTE_PERSON_SAME",
    "NOTE_ROW_SAME",
    "ORGANISATION_COLUMNS",
    "PEOPLE_COLUMNS",
    "PROVINCE_CODES",
    "ROLE_CODES",
    "XLSX_MAX_PARTS",
    "XLSX_MAX_ROW_CELLS",
    "XLSX_MAX_SHEET_ELEMENTS",
    "XLSX_MAX_UNPACKED_BYTES",
    "Codes",
    "Column",
    "ImportRejected",
    "Preview",
    "Problem",
    "Table",
    "decode",
    "directory_import",
    "person_name_key",
    "preview",
    "read",
    "template_csv",
]
