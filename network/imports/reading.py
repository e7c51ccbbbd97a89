"""Reading a file: CSV in UTF-8, UTF-16 or Thai Windows text, or an .xlsx workbook
(told by its content)."""

from __future__ import annotations

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .limits import MAX_BYTES, OLE_MAGIC, ZIP_MAGIC
from .results import Problem, Table
from .xlsx import read_xlsx

# The csv module refuses a cell over 128 KB by raising an error that names no row
# or column. Every cell is measured against its column's own limit below instead,
# so the reader may read any cell a file we accept can hold (a process-wide
# setting: it only ever raises the limit).
csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_BYTES))


def _encodings_message() -> str:
    return _(
        "The file cannot be read as text. Save it from your spreadsheet as “CSV UTF-8”, "
        "“Unicode Text” (UTF-16), plain “CSV” from Thai Windows (TIS-620), or as an Excel "
        "workbook (.xlsx)."
    )


# Thai letters (consonants), the marks that sit above or below one, and the vowels
# written before one (cp874 decodes any high byte to something in the Thai block).
_THAI_CONSONANTS = re.compile("[\u0e01-\u0e2e]")
_THAI_MARK = "\u0e31\u0e33\u0e34-\u0e3a\u0e47-\u0e4e"  # a character class's inside
_MISPLACED = re.compile(
    # a mark not after a consonant or another mark; a leading vowel not before a
    # consonant; anything Thai between two Latin letters ("Sch๖n": ö read as cp874);
    f"(?:(?<![\u0e01-\u0e2e{_THAI_MARK}])[{_THAI_MARK}])"
    "|(?:[\u0e40-\u0e44](?![\u0e01-\u0e2e]))"
    "|(?:(?<=[A-Za-z])[\u0e00-\u0e7f](?=[A-Za-z]))"
    # two tone marks on one letter; a vowel mark after the tone mark (Thai keyboards
    # refuse both); the old signs ๏ ๚ ๛ that modern text does not use.
    "|(?:[\u0e48-\u0e4b][\u0e31\u0e34-\u0e3a\u0e47-\u0e4b])"
    "|[\u0e4f\u0e5a\u0e5b]"
)


def _plausibly_thai(text: str) -> bool:
    """Text decoded as cp874 reads as Thai, not as another encoding's letters.

    Latin-1, cp1252, cp1251 or GBK bytes decode to Thai characters in an order Thai
    never has: marks with no letter under them, leading vowels before nothing,
    digits inside Latin words, and few consonants. A typo or two in real Thai is
    allowed for (one in fifty characters).
    """
    if any(ch < " " and ch not in "\t\r\n" for ch in text):
        return False
    thai = sum(1 for ch in text if "\u0e00" <= ch <= "\u0e7f")
    consonants = len(_THAI_CONSONANTS.findall(text))
    if not consonants or consonants * 3 < thai:
        return False
    return len(_MISPLACED.findall(text)) * 50 <= thai


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a BOM first, then strict UTF-8, then
    Thai Windows (cp874) when the result reads as Thai; otherwise a clear refusal."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        encoding = "utf-16"  # reads the BOM: little- or big-endian
    else:
        encoding = ""
    try:
        if encoding:
            text = data.decode(encoding)
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, encoding = data.decode("cp874"), "cp874"
    except UnicodeDecodeError:
        raise ValidationError(_encodings_message()) from None
    if encoding == "cp874" and not _plausibly_thai(text):
        raise ValidationError(_encodings_message())
    # UTF-16 or UTF-32 without a BOM, or not text at all: a NUL in every few characters.
    if text.count("\x00") * 10 > len(text):
        raise ValidationError(_encodings_message())
    return text, encoding


def decode(data: bytes) -> str:
    """A CSV file's text (see ``_decode``); a ValidationError says why it cannot be read."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    return _decode(data)[0]


ENCODING_NOTES = {
    "utf-16": gettext_lazy("Read as Unicode text (UTF-16)."),
    "cp874": gettext_lazy("Read as Thai Windows text (TIS-620)."),
}


def read(data: bytes) -> Table:
    """A CSV or .xlsx file's cells, the kind told by the content (an .xlsx is a zip)."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    if data.startswith(ZIP_MAGIC):
        return read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise ValidationError(
            _(
                "This is an Excel 97–2003 workbook (.xls), which cannot be read. Save it "
                "as an Excel workbook (.xlsx) or as “CSV UTF-8”."
            )
        )
    text, encoding = _decode(data)
    problems: list[Problem] = []
    rows = _read(text, problems)
    notes = [str(ENCODING_NOTES[encoding])] if encoding in ENCODING_NOTES else []
    return Table(rows=rows, notes=notes, problems=problems)


def _reader(text: str):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), dialect)


def _read(text: str, problems: list[Problem]) -> list[list[str]]:
    """Every record of the file, or none and a problem naming the line it broke on."""
    reader = _reader(text)
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append(record)
    except csv.Error:
        problems.append(
            Problem(
                reader.line_num or 1,
                "",
                _(
                    "The file cannot be read as CSV from this line on (a cell that is far "
                    "too long, or quotes that do not close). Nothing was imported."
                ),
            )
        )
        return []
    return rows
