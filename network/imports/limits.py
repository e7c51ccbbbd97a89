"""How much an import reads: rows, bytes, columns, and the workbook's limits."""

from __future__ import annotations

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# Columns read from a workbook: the widest file we write has 9.
MAX_COLUMNS = 50
# The longest piece of a cell or header quoted back in a message.
QUOTE_MAX = 60

# --- workbook limits ------------------------------------------------------------------
# An .xlsx is a zip of XML parts. Nothing is inflated, and openpyxl opens nothing,
# before the zip's directory shows it within these; zipfile then never inflates a
# part past its declared size (and refuses one whose bytes do not match it).
# Excel writes 10–30 parts; pictures and many sheets add a few each.
XLSX_MAX_PARTS = 500
# All parts together, as declared. A 2,000-row sheet of Thai text is about 2 MB of
# XML; the cap is what bounds the parsers' memory (bench figures in tests/network/
# test_import_xlsx.py's module docstring).
XLSX_MAX_UNPACKED_BYTES = 16 * 1024 * 1024
# Every XML element of a sheet is counted before openpyxl reads it, and the cells of
# one row: openpyxl holds a whole row, and all that is not a row, in memory.
XLSX_MAX_SHEET_ELEMENTS = 400_000
XLSX_MAX_ROW_CELLS = 1_000
# Any other part (styles, the workbook, relationships): openpyxl builds its whole tree.
XLSX_MAX_PART_ELEMENTS = 100_000
# Characters of all cells read together (a shared string may be named by every cell):
# no more than the largest CSV file holds.
MAX_TEXT_CHARS = MAX_BYTES
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other OLE files
