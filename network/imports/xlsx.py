"""Excel workbooks (.xlsx): checked before openpyxl opens them, then read in
read-only mode with saved values only."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .codes import _quote
from .limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    XLSX_MAX_PART_ELEMENTS,
    XLSX_MAX_PARTS,
    XLSX_MAX_ROW_CELLS,
    XLSX_MAX_SHEET_ELEMENTS,
    XLSX_MAX_UNPACKED_BYTES,
)
from .results import Table


def _workbook_refused(reason: str) -> ValidationError:
    return ValidationError(
        _("This Excel file cannot be read: %(reason)s Save it again from Excel, or as “CSV UTF-8”.")
        % {"reason": reason}
    )


def _xlsx_directory(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """The zip's directory, when it is a workbook's and not too many parts."""
    # Every directory record zipfile would build starts with this signature, so the
    # count bounds the records before zipfile parses (and allocates) any of them.
    if data.count(b"PK\x01\x02") > XLSX_MAX_PARTS:
        raise _workbook_refused(_("it is made of more than %(n)s parts.") % {"n": XLSX_MAX_PARTS})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, IndexError):
        raise _workbook_refused(_("it is damaged.")) from None
    names = {info.filename for info in infos}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise ValidationError(
            _(
                "This is an OpenDocument spreadsheet (.ods), which cannot be read. Save it "
                "as an Excel workbook (.xlsx) or as “CSV UTF-8”."
            )
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise _workbook_refused(_("it is not an Excel workbook."))
    return archive, infos


def _xlsx_sizes(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse too much declared data, and parts packed in a way we do not inflate or
    whose sizes do not add up."""
    unpacked = sum(info.file_size for info in infos)
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise _workbook_refused(
            _(
                "it would unpack to %(size)s MB; a workbook to import may unpack to at "
                "most %(limit)s MB."
            )
            % {"size": unpacked // 2**20, "limit": XLSX_MAX_UNPACKED_BYTES // 2**20}
        )
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise _workbook_refused(_("it is encrypted or packed in an unusual way."))
        # Deflate never grows data by more than a few bytes a block: a part packed
        # larger than it declares to unpack lies about its size.
        if info.compress_size > info.file_size + info.file_size // 1000 + 64:
            raise _workbook_refused(_("it is damaged."))
    # Parts that share their packed bytes (overlapping entries) add up to more than
    # the file: the other way a small zip declares a great deal.
    if sum(info.compress_size for info in infos) > len(data):
        raise _workbook_refused(_("it is damaged."))


def _xlsx_check(data: bytes) -> None:
    """Refuse, before openpyxl opens it, a workbook that would cost more to read
    than any real one: too many parts, too much declared data, parts packed in a
    way we do not inflate, XML with a DOCTYPE (entities), or a sheet with more
    elements or a row with more cells than the limits."""
    archive, infos = _xlsx_directory(data)
    _xlsx_sizes(data, infos)
    try:
        with archive:
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    big = info.filename.startswith(("xl/worksheets/", "xl/sharedStrings"))
                    with archive.open(info) as part:
                        _xml_check(
                            part,
                            limit=XLSX_MAX_SHEET_ELEMENTS if big else XLSX_MAX_PART_ELEMENTS,
                            rows=info.filename.startswith("xl/worksheets/"),
                        )
    except ValidationError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, ParseError):
        # A part whose bytes are not what its directory entry declares (zipfile
        # stops at the declared size and checks the CRC), or XML that does not parse.
        raise _workbook_refused(_("it is damaged.")) from None


class _Elements:
    """Counts one part's elements as they stream in, and a sheet's cells per row."""

    def __init__(self, *, limit: int, rows: bool) -> None:
        self.limit = limit
        self.rows = rows
        self.elements = 0
        self.cells = 0

    def start(self, element) -> None:
        self.elements += 1
        if self.elements > self.limit:
            raise _workbook_refused(_("it is far too large to import."))
        if not self.rows:
            return
        name = element.tag.rpartition("}")[2]
        if name == "row":
            self.cells = 0
        elif name == "c":
            self.cells += 1
            if self.cells > XLSX_MAX_ROW_CELLS:
                raise _workbook_refused(
                    _("a row has more than %(n)s cells.") % {"n": XLSX_MAX_ROW_CELLS}
                )


def _chunk_check(chunk: bytes, *, first: bool) -> None:
    if first:
        head = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
        if head and not head.startswith(b"<"):
            raise _workbook_refused(_("it is not an Excel workbook."))
    if b"<!DOCTYPE" in chunk.upper() or b"<!ENTITY" in chunk.upper():
        raise _workbook_refused(_("it declares XML entities."))


def _xml_check(part, *, limit: int, rows: bool) -> None:
    """Stream one part a step at a time, holding no more of its tree than the
    element being read: no DOCTYPE (Office never writes one; entity expansion is how
    a small XML file becomes a large one), at most ``limit`` elements (openpyxl
    builds an object, or keeps a cleared element, for each), and for a sheet
    (``rows``) at most XLSX_MAX_ROW_CELLS cells in a row (openpyxl holds a row whole)."""
    parser = XMLPullParser(events=("start", "end"))
    counter = _Elements(limit=limit, rows=rows)
    stack: list = []
    first = True
    while chunk := part.read(64 * 1024):
        _chunk_check(chunk, first=first)
        first = False
        parser.feed(chunk)
        for event, element in parser.read_events():
            if event == "end":
                stack.pop()
                if stack:
                    del stack[-1][-1]  # read: dropped, so memory stays one element deep
                continue
            stack.append(element)
            counter.start(element)
    parser.close()


def _cell_text(value) -> str:
    """A cell as the import reads it: text as is, whole numbers without ".0", dates
    as dates (ISO 8601), a formula's saved result (formulas are never run)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes) -> Table:
    """The first sheet's cells: at most MAX_ROWS + 2 rows and MAX_COLUMNS columns are
    read (more is reported), in openpyxl's read-only mode with saved values only."""
    _xlsx_check(data)
    from openpyxl import load_workbook  # noqa: PLC0415 - openpyxl (~10 MB) loads on the first import

    rows: list[list[str]] = []
    chars = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions, data validation
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                if not book.worksheets:
                    raise _workbook_refused(_("it has no sheet."))
                sheet = book.worksheets[0]
                for values in sheet.iter_rows(
                    min_row=1,
                    max_row=MAX_ROWS + 2,
                    min_col=1,
                    max_col=MAX_COLUMNS + 1,
                    values_only=True,
                ):
                    cells = [_cell_text(value) for value in values]
                    if len(cells) > MAX_COLUMNS and cells[MAX_COLUMNS].strip():
                        raise _workbook_refused(
                            _("it has more than %(n)s columns.") % {"n": MAX_COLUMNS}
                        )
                    cells = cells[:MAX_COLUMNS]
                    chars += sum(len(cell) for cell in cells)
                    if chars > MAX_TEXT_CHARS:
                        raise _workbook_refused(_("its cells hold far too much text."))
                    rows.append(cells)
            finally:
                book.close()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any failure of the parser on a hostile file is the same answer
        raise _workbook_refused(_("it is damaged.")) from None
    for row in rows:  # openpyxl pads every row to the widest one read
        while row and not row[-1].strip():
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    note = _("Read from the Excel sheet “%(name)s”.") % {"name": _quote(sheet.title)}
    return Table(rows=rows, notes=[note])
