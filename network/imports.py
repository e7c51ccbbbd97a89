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
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, XMLPullParser

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from .catalogue import MEMBER_CATEGORIES, ORGANISATION_KINDS, Entry, by_code
from .models import Invitation, JoinRequest, Membership, Network, Organisation, Person, Role
from .provinces import PROVINCES

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# Columns read from a workbook: the widest file we write has 9.
MAX_COLUMNS = 50
# The csv module refuses a cell over 128 KB by raising an error that names no row
# or column. Every cell is measured against its column's own limit below instead,
# so the reader may read any cell a file we accept can hold (a process-wide
# setting: it only ever raises the limit).
csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_BYTES))
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


def _norm(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").strip().lower().split())


# Zero-width characters Thai text often carries (word-break hints pasted from the web).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _key(text: str) -> str:
    """How a label or header is compared: Unicode-normalised (NFKC: ``ำ`` and
    ``ํา`` alike, full-width Latin as Latin), case-folded, without any spaces."""
    text = unicodedata.normalize("NFKC", str(text).translate(_INVISIBLE))
    return "".join(text.casefold().split())


def _quote(text: str) -> str:
    """A cell as a message may quote it: a huge cell is cut, not echoed whole."""
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTE_MAX else f"{text[:QUOTE_MAX]}…"


# --- coded columns ----------------------------------------------------------------------
class Codes:
    """A coded column: the stored codes, and every text that names one of them.

    A cell may hold the code or any label the pages show for it, in Thai or in
    English (case and spaces aside). The lookup is built once, from the catalogue or
    the model's choices, under each language in turn.
    """

    def __init__(
        self,
        *,
        what,
        codes: Callable[[], Iterable[str]],
        label: Callable[[str], str],
        choices: Callable[[], Iterable[tuple[str, str]]] = tuple,
        aliases: tuple[tuple[str, str], ...] = (),
        example: str | None = None,
        strip: Callable[[str], str] | None = None,
    ):
        self.what = what
        self._codes = codes
        self._label = label
        self._choices = choices
        self._aliases = aliases
        self._strip = strip
        # Named as an example instead of listing every value (the 77 provinces).
        self.example = example
        self._lookup: dict[str, str] | None = None

    def lookup(self) -> dict[str, str]:
        if self._lookup is None:
            lookup: dict[str, str] = {}
            codes = list(self._codes())
            for code in codes:
                lookup.setdefault(_key(code), code)
            for language in ("th", "en"):
                with translation.override(language):
                    for code in codes:
                        lookup.setdefault(_key(self._label(code)), code)
                    for code, text in self._choices():
                        lookup.setdefault(_key(text), code)
            for text, code in self._aliases:
                lookup.setdefault(_key(text), code)
            self._lookup = lookup
        return self._lookup

    def label(self, code: str) -> str:
        """The code as the pages show it, in the active language."""
        try:
            return str(self._label(code)) if code else ""
        except (KeyError, ValueError):
            return code

    def clean(self, value: str) -> str:
        if not value:
            return ""
        lookup = self.lookup()
        code = lookup.get(_key(value))
        if code is None and self._strip is not None:
            code = lookup.get(_key(self._strip(value)))
        if code is None:
            raise ValidationError(self.unknown(value))
        return code

    def unknown(self, value: str) -> str:
        """What is wrong, and what the column takes, in the user's language."""
        if self.example is not None:
            return _(
                "“%(value)s” is not a known %(what)s. Write a province name such as %(example)s."
            ) % {"value": _quote(value), "what": self.what, "example": self.label(self.example)}
        return _("“%(value)s” is not a known %(what)s. Use one of: %(choices)s.") % {
            "value": _quote(value),
            "what": self.what,
            "choices": ", ".join(self.label(code) for code in self._codes()),
        }


def _entries(entries: tuple[Entry, ...]) -> dict:
    table = by_code(entries)
    return {"codes": lambda: table.keys(), "label": lambda code: table[code].label}


def _field_choices(model, name: str) -> Callable[[], list[tuple[str, str]]]:
    """The choices the admin shows (e.g. "สถานศึกษา / School")."""
    return lambda: [(code, str(text)) for code, text in model._meta.get_field(name).choices]


_PROVINCE_PREFIX = re.compile(r"^\s*(?:จังหวัด|จ\s*\.)\s*", re.IGNORECASE)
_PROVINCE_SUFFIX = re.compile(r"\s*province\s*$", re.IGNORECASE)


def _province_bare(value: str) -> str:
    """ "จังหวัดเชียงใหม่", "จ.เชียงใหม่", "Chiang Mai Province": the name alone."""
    return _PROVINCE_SUFFIX.sub("", _PROVINCE_PREFIX.sub("", value))


KIND_CODES = Codes(
    what=gettext_lazy("kind of organisation"),
    choices=_field_choices(Organisation, "kind"),
    **_entries(ORGANISATION_KINDS),
)
PROVINCE_CODES = Codes(
    what=gettext_lazy("province"),
    choices=_field_choices(Organisation, "province"),
    aliases=(
        ("กรุงเทพฯ", "bangkok"),
        ("กรุงเทพ", "bangkok"),
        ("กทม", "bangkok"),
        ("กทม.", "bangkok"),
        ("Krung Thep Maha Nakhon", "bangkok"),
        ("อยุธยา", "phra_nakhon_si_ayutthaya"),
        ("Ayutthaya", "phra_nakhon_si_ayutthaya"),
        ("โคราช", "nakhon_ratchasima"),
        ("Korat", "nakhon_ratchasima"),
    ),
    example="chiang_mai",
    strip=_province_bare,
    **_entries(PROVINCES),
)
CATEGORY_CODES = Codes(
    what=gettext_lazy("category of person"),
    choices=_field_choices(Person, "category"),
    **_entries(MEMBER_CATEGORIES),
)
# The roles as the pages show them (Role.Kind's labels, in each language), and the
# shorter names the first version of the import took.
ROLE_CODES = Codes(
    what=gettext_lazy("role"),
    codes=lambda: Role.Kind.values,
    label=lambda code: Role.Kind(code).label,
    aliases=(
        ("ผู้ประสานงาน", "coordinator"),
        ("ประธาน", "chair"),
        ("คณะกรรมการ", "committee"),
        ("แกนนำ", "core_leader"),
        ("ผู้แทนภาคี", "partner_rep"),
        ("ผู้แทนองค์กร", "partner_rep"),
        ("Committee", "committee"),
        ("Partner", "partner_rep"),
    ),
)


# --- columns ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    th: str
    en: str
    required: bool = False
    # Turns the cell into the stored value or raises ValidationError.
    clean: Callable[[str], str] | None = None
    aliases: tuple[str, ...] = ()
    # The longest cell accepted (the model field's limit), before and after cleaning.
    max_length: int = 255
    # A coded column: its cells are codes, shown by their labels.
    codes: Codes | None = None

    def headers(self) -> set[str]:
        return {_key(h) for h in (self.key, self.th, self.en, *self.aliases)}

    @property
    def label(self) -> str:
        from .catalogue import _thai

        return self.th if _thai() else self.en

    def cleaned(self, value: str) -> str:
        if self.codes is not None:
            return self.codes.clean(value)
        return self.clean(value) if self.clean else value

    def show(self, value: str) -> str:
        """A stored value as the preview shows it: a label, not a code."""
        return self.codes.label(value) if self.codes is not None else value


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not an email address.") % {"value": _quote(value)}
            ) from None
    return value.lower()


def _url(value: str) -> str:
    if value:
        if "://" not in value:
            value = f"https://{value}"
        try:
            URLValidator()(value)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not a web address.") % {"value": _quote(value)}
            ) from None
    return value


def _too_long(length: int, value: str) -> str:
    return _("Too long: at most %(n)s characters, this has %(m)s.") % {
        "n": length,
        "m": len(value),
    }


ORGANISATION_COLUMNS = (
    Column(
        "name_th",
        "ชื่อองค์กร (ภาษาไทย)",
        "Name (Thai)",
        True,
        None,
        ("ชื่อภาษาไทย", "ชื่อ (ภาษาไทย)", "ชื่อองค์กร", "thai name"),
    ),
    Column(
        "name_en",
        "ชื่อองค์กร (ภาษาอังกฤษ)",
        "Name (English)",
        False,
        None,
        ("ชื่อภาษาอังกฤษ", "ชื่อ (ภาษาอังกฤษ)", "english name"),
    ),
    Column("kind", "ประเภท", "Kind", True, None, ("ประเภทองค์กร",), codes=KIND_CODES),
    Column("province", "จังหวัด", "Province", True, codes=PROVINCE_CODES),
    Column("address", "ที่อยู่", "Address", max_length=2000),
    Column("phone", "โทรศัพท์", "Phone", False, None, ("เบอร์โทรศัพท์", "telephone"), 50),
    Column("email", "อีเมล", "Email", False, _email, ("e-mail",), 254),
    Column("website", "เว็บไซต์", "Website", False, _url, max_length=200),
)

PEOPLE_COLUMNS = (
    Column(
        "organisation", "องค์กร", "Organisation", True, None, ("ชื่อองค์กร", "organization", "หน่วยงาน")
    ),
    Column("title", "คำนำหน้า", "Title", False, None, ("คำนำหน้าชื่อ",), 50),
    Column(
        "full_name",
        "ชื่อ-นามสกุล",
        "Full name",
        True,
        None,
        ("ชื่อ-สกุล", "ชื่อ นามสกุล", "ชื่อ", "name"),
        200,
    ),
    Column("position", "ตำแหน่ง", "Position", False, None, (), 200),
    Column(
        "category",
        "กลุ่มบุคคล",
        "Category",
        False,
        None,
        ("ประเภทบุคคล", "หมวด"),
        codes=CATEGORY_CODES,
    ),
    Column("email", "อีเมล", "Email", False, _email, ("e-mail",), 254),
    Column("phone", "โทรศัพท์", "Phone", False, None, ("เบอร์โทรศัพท์", "telephone"), 50),
    Column("role", "บทบาท", "Role", False, None, ("บทบาทในเครือข่าย",), codes=ROLE_CODES),
)

KINDS = {"organisations": ORGANISATION_COLUMNS, "people": PEOPLE_COLUMNS}

# Columns our own exports write for reading only: a file exported here imports
# again with them ignored (and the preview says so), not refused.
EXPORT_ONLY_COLUMNS = {
    "organisations": (gettext_lazy("Networks"),),
    "people": (gettext_lazy("Networks"),),
}


def _export_only_headers(kind: str) -> set[str]:
    headers = set()
    for language in ("th", "en"):
        with translation.override(language):
            headers |= {_key(str(name)) for name in EXPORT_ONLY_COLUMNS[kind]}
    return headers


# The template's example row (Thai), and how the preview knows it when it comes back.
EXAMPLE_ORGANISATION = {
    "name_th": "โรงเรียนบ้านหนองบัว (ตัวอย่าง)",
    "name_en": "Ban Nong Bua School (example)",
    "kind": "school",
    "province": "chiang_mai",
    "address": "99 หมู่ 3 ตำบลหนองหาร อำเภอสันทราย จังหวัดเชียงใหม่ 50290",
    "phone": "053-123456",
    "email": "contact@nongbua.example.ac.th",
    "website": "www.nongbua.example.ac.th",
}
EXAMPLE_PERSON = {
    "organisation": "",  # the network's lead organisation
    "title": "นางสาว",
    "full_name": "สมศรี ใจดี (ตัวอย่าง)",
    "position": "ครูชำนาญการพิเศษ",
    "category": "outstanding_teacher",
    "email": "somsri@nongbua.example.ac.th",
    "phone": "081-234-5678",
    "role": "core_leader",
}
EXAMPLE_KEY = {"organisations": "name_th", "people": "full_name"}


def _example_value(kind: str) -> str:
    return (EXAMPLE_ORGANISATION if kind == "organisations" else EXAMPLE_PERSON)[EXAMPLE_KEY[kind]]


@dataclass
class Problem:
    row: int  # the spreadsheet row: the header is row 1
    column: str
    message: str

    def __post_init__(self) -> None:
        self.column = _quote(self.column)


# What confirming does with each row, as the preview says it.
NOTE_NEW = gettext_lazy("New: added to the directory and to the network.")
NOTE_MEMBER = gettext_lazy("Already a member of this network: unchanged.")
NOTE_JOINS = gettext_lazy("Exists in the directory: joins the network unchanged.")
NOTE_REQUEST = gettext_lazy(
    "Exists in the directory: a request to join will be sent to its representatives."
)
NOTE_INVITE = gettext_lazy("Has an account: invited, and given the role on accepting.")
NOTE_INVITED = gettext_lazy("Already invited to this role, waiting for an answer: unchanged.")
NOTE_PERSON_NEW = gettext_lazy("New: added to the organisation with this role.")
NOTE_PERSON_SAME = gettext_lazy("Already there, unchanged.")
NOTE_PERSON_ROLE = gettext_lazy("Already there: given this role.")
NOTE_ROW_SAME = gettext_lazy("The same person as row %(row)s: given this role too.")
UNCHANGED = (NOTE_MEMBER, NOTE_INVITED, NOTE_PERSON_SAME)


@dataclass
class Preview:
    kind: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What the preview tells besides the rows: how the file was read, columns it
    # ignores, the template's example row left out.
    notes: list[str] = field(default_factory=list)
    # What confirming would do beyond writing rows: requests to join filed for
    # organisations already in the directory, and logins invited to a role.
    requests: int = 0
    invitations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def unchanged(self) -> int:
        """Rows that importing leaves as they are (already there)."""
        return sum(1 for row in self.rows if row.get("_note") in UNCHANGED)

    @property
    def table(self) -> list[tuple[int, list[str], str]]:
        """(row number, cells, what happens) for the preview, in the columns' order;
        coded cells by their labels in the user's language."""
        return [
            (
                row["_row"],
                [c.show(row.get(c.key, "")) for c in self.columns],
                str(row["_note"]) % {"row": row.get("_same", "")} if row.get("_note") else "",
            )
            for row in self.rows
        ]


# --- reading a file -----------------------------------------------------------------------
@dataclass
class Table:
    """A file's cells, row by row, all text; and how it was read."""

    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    # A CSV file the reader gave up on, by the line it broke on (then no rows).
    problems: list[Problem] = field(default_factory=list)


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
        return _read_xlsx(data)
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


# --- .xlsx ---------------------------------------------------------------------------------
def _workbook_refused(reason: str) -> ValidationError:
    return ValidationError(
        _("This Excel file cannot be read: %(reason)s Save it again from Excel, or as “CSV UTF-8”.")
        % {"reason": reason}
    )


def _xlsx_check(data: bytes) -> None:
    """Refuse, before openpyxl opens it, a workbook that would cost more to read
    than any real one: too many parts, too much declared data, parts packed in a
    way we do not inflate, XML with a DOCTYPE (entities), or a sheet with more
    elements or a row with more cells than the limits."""
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


def _xml_check(part, *, limit: int, rows: bool) -> None:
    """Stream one part a step at a time, holding no more of its tree than the
    element being read: no DOCTYPE (Office never writes one; entity expansion is how
    a small XML file becomes a large one), at most ``limit`` elements (openpyxl
    builds an object, or keeps a cleared element, for each), and for a sheet
    (``rows``) at most XLSX_MAX_ROW_CELLS cells in a row (openpyxl holds a row whole)."""
    parser = XMLPullParser(events=("start", "end"))
    elements = cells = 0
    stack: list = []
    first = True
    while chunk := part.read(64 * 1024):
        if first:
            head = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
            if head and not head.startswith(b"<"):
                raise _workbook_refused(_("it is not an Excel workbook."))
            first = False
        if b"<!DOCTYPE" in chunk.upper() or b"<!ENTITY" in chunk.upper():
            raise _workbook_refused(_("it declares XML entities."))
        parser.feed(chunk)
        for event, element in parser.read_events():
            if event == "end":
                stack.pop()
                if stack:
                    del stack[-1][-1]  # read: dropped, so memory stays one element deep
                continue
            stack.append(element)
            elements += 1
            if elements > limit:
                raise _workbook_refused(_("it is far too large to import."))
            if rows:
                name = element.tag.rpartition("}")[2]
                if name == "row":
                    cells = 0
                elif name == "c":
                    cells += 1
                    if cells > XLSX_MAX_ROW_CELLS:
                        raise _workbook_refused(
                            _("a row has more than %(n)s cells.") % {"n": XLSX_MAX_ROW_CELLS}
                        )
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


def _read_xlsx(data: bytes) -> Table:
    """The first sheet's cells: at most MAX_ROWS + 2 rows and MAX_COLUMNS columns are
    read (more is reported), in openpyxl's read-only mode with saved values only."""
    from openpyxl import load_workbook

    _xlsx_check(data)
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
    except Exception:  # any failure of the parser on a hostile file is the same answer
        raise _workbook_refused(_("it is damaged.")) from None
    for row in rows:  # openpyxl pads every row to the widest one read
        while row and not row[-1].strip():
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    note = _("Read from the Excel sheet “%(name)s”.") % {"name": _quote(sheet.title)}
    return Table(rows=rows, notes=[note])


# --- checking -------------------------------------------------------------------------------
def _unquote(value: str) -> str:
    """Our exports put an apostrophe before a cell starting with = + - @ (so that no
    spreadsheet runs it as a formula); the import takes it off again."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def preview(
    *,
    network: Network,
    kind: str,
    text: str | None = None,
    rows: list[list[str]] | None = None,
    user=None,
    table: Table | None = None,
) -> Preview:
    """Check every row and column; write nothing. The cells come as a ``table`` (from
    ``read``: its notes and problems too), as ``rows`` (a table's rows, kept between
    preview and confirm) or as CSV ``text``. ``user`` is who would import it: the
    rule of ``services.organisation_attach`` depends on them."""
    columns = KINDS[kind]
    result = Preview(kind=kind, columns=columns)
    if table is not None:
        rows = table.rows
        result.notes.extend(table.notes)
        result.problems.extend(table.problems)
        if result.problems:
            return result
    if rows is None:
        rows = _read(text or "", result.problems)
        if result.problems:
            return result
    rows = [[str(cell) for cell in row] for row in rows]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        result.problems.append(Problem(1, "", _("The file is empty.")))
        return result
    header = [_key(h) for h in rows[0]]
    ignored = _export_only_headers(kind)
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        for column in columns:
            if name in column.headers() and column.key not in positions:
                positions[column.key] = index
                break
        else:
            if name in ignored:
                result.notes.append(
                    _("The column “%(name)s” is not imported (our export writes it to be read).")
                    % {"name": _quote(rows[0][index].strip())}
                )
            elif name:
                result.problems.append(
                    Problem(1, rows[0][index].strip(), _("This column is not recognised."))
                )
    for column in columns:
        if column.required and column.key not in positions:
            result.problems.append(Problem(1, column.label, _("This column is missing.")))
    if result.problems:
        return result
    body = rows[1:]
    if len(body) > MAX_ROWS:
        result.problems.append(
            Problem(1, "", _("At most %(n)s rows can be imported at once.") % {"n": MAX_ROWS})
        )
        return result

    # Problems name a column as the file names it, in whichever language it uses.
    named = {key: rows[0][index].replace("\ufeff", "").strip() for key, index in positions.items()}
    example = _example_value(kind)
    seen: dict[str, int] = {}
    for number, raw in enumerate(body, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        index = positions[EXAMPLE_KEY[kind]]
        if index < len(raw) and raw[index].strip() == example:
            result.notes.append(
                _("Row %(row)s is the template's example: it is left out.") % {"row": number}
            )
            continue
        row: dict = {"_row": number}
        for column in columns:
            index = positions.get(column.key)
            value = _unquote(raw[index].strip()) if index is not None and index < len(raw) else ""
            if not value and column.required:
                result.problems.append(
                    Problem(number, named[column.key], _("This value is required."))
                )
                continue
            if len(value) > column.max_length:
                result.problems.append(
                    Problem(number, named[column.key], _too_long(column.max_length, value))
                )
                continue
            if "\x00" in value:
                # PostgreSQL cannot store (or even compare) a NUL character.
                result.problems.append(
                    Problem(
                        number,
                        named[column.key],
                        _("This cell contains a null character, which cannot be stored."),
                    )
                )
                continue
            try:
                cleaned = column.cleaned(value)
            except ValidationError as error:
                result.problems.append(Problem(number, named[column.key], " ".join(error.messages)))
                continue
            if len(cleaned) > column.max_length:  # e.g. a web address given its https://
                result.problems.append(
                    Problem(number, named[column.key], _too_long(column.max_length, cleaned))
                )
                continue
            row[column.key] = cleaned
        if kind == "organisations" and row.get("name_th"):
            name = row["name_th"]
            if name in seen:
                result.problems.append(
                    Problem(
                        number,
                        named["name_th"],
                        _("The same organisation is already on row %(row)s.") % {"row": seen[name]},
                    )
                )
            seen[name] = number
        if kind == "people":
            row["role"] = row.get("role") or Role.Kind.MEMBER
        result.rows.append(row)
    if not result.rows and not result.problems:
        result.problems.append(Problem(2, "", _("The file has a header but no rows.")))
    if kind == "organisations":
        _plan_organisations(network, result, user=user, column=named["name_th"])
    else:
        _plan_people(network, result, named=named)
    return result


def _existing_by_name(names) -> dict[str, list[Organisation]]:
    found: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.filter(name_th__in=list(names)).order_by("id"):
        found.setdefault(org.name_th, []).append(org)
    return found


def _plan_organisations(network: Network, result: Preview, *, user, column: str) -> None:
    """Say per row what confirming would do; count the requests to join it files."""
    from .services import MAX_PENDING_JOIN_REQUESTS, organisations_attachable

    rows = [row for row in result.rows if row.get("name_th")]
    existing = _existing_by_name({row["name_th"] for row in rows})
    matched = [org for orgs in existing.values() for org in orgs]
    members = set(
        Membership.objects.current()
        .filter(network=network, organisation__in=matched)
        .values_list("organisation_id", flat=True)
    )
    attachable = organisations_attachable(
        user=user, organisations=[o for o in matched if o.pk not in members]
    )
    asked = set(
        JoinRequest.objects.pending()
        .filter(network=network, organisation__in=matched)
        .values_list("organisation_id", flat=True)
    )
    for row in rows:
        orgs = [o for o in existing.get(row["name_th"], []) if o.pk not in members]
        if not existing.get(row["name_th"]):
            row["_note"] = NOTE_NEW
        elif not orgs:
            row["_note"] = NOTE_MEMBER
        elif all(o.pk in attachable for o in orgs):
            row["_note"] = NOTE_JOINS
        else:
            row["_note"] = NOTE_REQUEST
            result.requests += sum(1 for o in orgs if o.pk not in attachable and o.pk not in asked)
    waiting = JoinRequest.objects.pending().filter(network=network).count()
    if result.requests and waiting + result.requests > MAX_PENDING_JOIN_REQUESTS:
        result.problems.append(
            Problem(
                1,
                column,
                _(
                    "This file would ask %(n)s organisations of the directory to join, and "
                    "%(waiting)s requests are already waiting: at most %(max)s may wait at once."
                )
                % {"n": result.requests, "waiting": waiting, "max": MAX_PENDING_JOIN_REQUESTS},
            )
        )


def _accounts_by_email(emails) -> dict:
    """Logins by their (lower-case) address, with their person when they have one."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in=list(emails))
        .select_related("person")
    )
    return {user.address: user for user in users}


# Titles a name may start with, longest first so "นางสาว" is taken before "นาง".
# Thai titles are written against the name; Latin ones end with a dot or a space.
_THAI_TITLES = sorted(
    (
        "นาย",
        "นาง",
        "นางสาว",
        "น.ส.",
        "ด.ช.",
        "ด.ญ.",
        "เด็กชาย",
        "เด็กหญิง",
        "ดร.",
        "ศ.",
        "รศ.",
        "ผศ.",
        "ศาสตราจารย์",
        "รองศาสตราจารย์",
        "ผู้ช่วยศาสตราจารย์",
        "ว่าที่ร้อยตรี",
        "ว่าที่ ร.ต.",
        "ว่าที่ร.ต.",
        "พระ",
    ),
    key=len,
    reverse=True,
)
_LATIN_TITLE = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|assoc\.?\s*prof|asst\.?\s*prof)(?:\.\s*|\s+)", re.IGNORECASE
)


def person_name_key(full_name: str) -> str:
    """A name as people are matched by it: titles taken off the front, Unicode
    normalised, case folded, spaces folded ("นางสาวสมศรี  ใจดี" is "สมศรี ใจดี")."""
    name = " ".join(unicodedata.normalize("NFKC", full_name.translate(_INVISIBLE)).split())
    while True:
        latin = _LATIN_TITLE.match(name)
        if latin:
            name = name[latin.end() :].lstrip()
            continue
        title = next((t for t in _THAI_TITLES if name.startswith(t) and len(name) > len(t)), None)
        if title is None:
            break
        name = name[len(title) :].lstrip()
    return name.casefold()


def _people_by_name(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Person]:
    """The first person (oldest) of each organisation under each name key."""
    found: dict[tuple[int, str], Person] = {}
    if not keys:
        return found
    ids = {org_id for org_id, _name in keys}
    people = Person.objects.filter(organisation_id__in=ids).select_related("user").order_by("id")
    for person in people:
        key = (person.organisation_id, person_name_key(person.full_name))
        if key in keys:
            found.setdefault(key, person)
    return found


def _plan_people(network: Network, result: Preview, *, named: dict) -> None:
    """Attach each row to an organisation of this network and to the person it names
    when that person is already there (by email; without one, by name); say per row
    what confirming does, and who is invited."""
    from .services import account_elsewhere_message

    organisations = _organisation_lookup(network)
    for row in result.rows:
        if row.get("organisation"):
            org = organisations.get(_norm(row["organisation"]))
            if org is None:
                result.problems.append(
                    Problem(
                        row["_row"],
                        named["organisation"],
                        _("No organisation of this network is called “%(name)s”.")
                        % {"name": _quote(row["organisation"])},
                    )
                )
            else:
                row["_organisation"] = org
    rows = [row for row in result.rows if "_organisation" in row]
    emails = {row["email"] for row in rows if row.get("email")}
    accounts = _accounts_by_email(emails) if emails else {}
    known = _people_by_email(list(organisations.values()), emails) if emails else {}
    by_name = _people_by_name(
        {
            (row["_organisation"].pk, person_name_key(row["full_name"]))
            for row in rows
            if not row.get("email") and row.get("full_name")
        },
    )
    candidates = (
        [p for p in known.values() if p.user_id]
        + [a.person for a in accounts.values() if getattr(a, "person", None) is not None]
        + [p for p in by_name.values() if p.user_id]
    )
    in_network = set(
        Role.objects.filter(network=network, person__in=candidates).values_list(
            "person_id", flat=True
        )
    )
    matched = [*known.values(), *by_name.values()] + [
        a.person for a in accounts.values() if getattr(a, "person", None) is not None
    ]
    held = set(
        Role.objects.filter(network=network, person__in=matched).values_list("person_id", "kind")
    )
    # Invitations waiting for an answer: asking again would revoke and resend them.
    waiting = {
        (address, org_id, role)
        for address, org_id, role in Invitation.objects.pending()
        .filter(network=network)
        .annotate(address=Lower("email"))
        .values_list("address", "organisation_id", "role")
    }
    # The same person on two rows of the file: the first says what happens to them.
    first: dict[tuple, int] = {}
    for row in rows:
        org = row["_organisation"]
        email = row.get("email")
        name = (org.pk, person_name_key(row["full_name"]))
        same = (org.pk, "@", email) if email else name
        if same in first:
            row["_same"] = first[same]
            row["_note"] = NOTE_ROW_SAME
            continue
        first.setdefault(same, row["_row"])
        first.setdefault(name, row["_row"])
        if email:
            person = known.get((org.pk, email))
            if person is None:
                account = accounts.get(email)
                person = getattr(account, "person", None) if account else None
                if account is not None and person is None:
                    # A login with no person yet: asked (once) to take the role.
                    if (email, org.pk, row["role"]) in waiting:
                        row["_note"], row["_skip"] = NOTE_INVITED, True
                    else:
                        row["_note"] = NOTE_INVITE
                        result.invitations += 1
                    continue
                if person is not None and person.organisation_id != org.pk:
                    result.problems.append(
                        Problem(row["_row"], named.get("email", ""), account_elsewhere_message())
                    )
                    continue
        else:
            person = by_name.get((org.pk, person_name_key(row["full_name"])))
        if person is None:
            row["_note"] = NOTE_PERSON_NEW
            continue
        row["_person"] = person
        if (person.pk, row["role"]) in held:
            row["_note"] = NOTE_PERSON_SAME
        elif person.user_id and person.pk not in in_network:
            if (person.user.email.lower(), org.pk, row["role"]) in waiting:
                row["_note"], row["_skip"] = NOTE_INVITED, True
            else:
                row["_note"] = NOTE_INVITE
                result.invitations += 1
        else:
            row["_note"] = NOTE_PERSON_ROLE
    _check_one_chair(network, rows, result, named=named)


def _check_one_chair(network: Network, rows: list[dict], result: Preview, *, named: dict) -> None:
    """A network has one committee chair (role_one_chair_per_network): a row naming a
    second one is a problem in the preview, not an error when the import is written."""
    chair = (
        Role.objects.filter(network=network, kind=Role.Kind.CHAIR).select_related("person").first()
    )
    claimed: int | None = None
    for row in rows:
        if row.get("role") != Role.Kind.CHAIR or row.get("_same"):
            continue
        person = row.get("_person")
        if chair is not None and (person is None or person.pk != chair.person_id):
            result.problems.append(
                Problem(
                    row["_row"],
                    named.get("role", ""),
                    _(
                        "This network already has a committee chair: %(name)s. Remove that role "
                        "first, then give it to someone else."
                    )
                    % {"name": chair.person.display_name},
                )
            )
        elif chair is None and claimed is not None:
            result.problems.append(
                Problem(
                    row["_row"],
                    named.get("role", ""),
                    _("Row %(row)s already names the committee chair; a network has one.")
                    % {"row": claimed},
                )
            )
        claimed = claimed or row["_row"]


def _people_by_email(organisations, emails) -> dict[tuple[int, str], Person]:
    found: dict[tuple[int, str], Person] = {}
    people = (
        Person.objects.annotate(address=Lower("email"))
        .filter(organisation__in=organisations, address__in=list(emails))
        .select_related("user")
        .order_by("id")
    )
    for person in people:
        found.setdefault((person.organisation_id, person.address), person)
    return found


def _organisation_lookup(network: Network) -> dict[str, Organisation]:
    """People attach to an organisation of this network, named in Thai or English."""
    lookup: dict[str, Organisation] = {}
    for org in Organisation.objects.filter(
        memberships__network=network, memberships__left_on__isnull=True
    ):
        lookup[_norm(org.name_th)] = org
        if org.name_en:
            lookup.setdefault(_norm(org.name_en), org)
    return lookup


class ImportRejected(Exception):
    def __init__(self, result: Preview):
        super().__init__("import rejected")
        self.preview = result


@transaction.atomic
def directory_import(
    *,
    network: Network,
    kind: str,
    text: str | None = None,
    rows: list[list[str]] | None = None,
    user=None,
) -> Preview:
    """Write every row, or nothing: any problem raises ImportRejected before a write.

    The cells come as ``rows`` (from ``read``, kept between preview and confirm) or
    as CSV ``text``. Organisations: new ones are created and join; one already in
    the directory joins only as ``services.organisation_attach`` allows, else a
    request to join is filed. People: a login is invited to its role
    (``services.role_offer``); a person already there is not added again.
    """
    from . import services

    result = preview(network=network, kind=kind, text=text, rows=rows, user=user)
    if not result.ok:
        raise ImportRejected(result)
    try:
        if kind == "organisations":
            _write_organisations(network, result, user=user)
        else:
            _write_people(network, result, user=user)
    except (services.AttachError, services.PersonError, services.InvitationError) as error:
        # Something changed between the preview and now: nothing is written.
        transaction.set_rollback(True)
        result.problems.append(Problem(1, "", str(error)))
        raise ImportRejected(result) from None
    return result


def _write_organisations(network: Network, result: Preview, *, user) -> None:
    from .services import organisation_attach, organisations_attachable

    names = [row["name_th"] for row in result.rows]
    existing = _existing_by_name(names)
    # Bulk writes with their history rows: a 1,000-row file is a handful of
    # queries instead of five per row.
    created = bulk_create_with_history(
        [
            Organisation(**{c.key: row.get(c.key, "") for c in ORGANISATION_COLUMNS})
            for row in result.rows
            if row["name_th"] not in existing
        ],
        Organisation,
        batch_size=500,
        default_user=user,
    )
    matched = [org for orgs in existing.values() for org in orgs]
    members = set(
        Membership.objects.current()
        .filter(network=network, organisation__in=matched)
        .values_list("organisation_id", flat=True)
    )
    outside = [org for org in matched if org.pk not in members]
    attachable = organisations_attachable(user=user, organisations=outside)
    today = timezone.localdate()
    # Created in this very action, or allowed by the rule: they join now.
    joining = list(created) + [org for org in outside if org.pk in attachable]
    bulk_create_with_history(
        [Membership(network=network, organisation=org, joined_on=today) for org in joining],
        Membership,
        batch_size=500,
        default_user=user,
    )
    for org in outside:
        if org.pk not in attachable:
            organisation_attach(network=network, organisation=org, user=user)


def _write_people(network: Network, result: Preview, *, user) -> None:
    """Each row as the preview planned it: the person it matched gets the role
    (``role_offer``: a login is asked), a new one is added (``person_add``), a
    waiting invitation is left alone, a second row of the same person reuses them."""
    from .services import person_add, role_offer

    made: dict[int, Person | Invitation] = {}
    for row in result.rows:
        if row.get("_skip"):
            continue
        person = row.get("_person")
        if person is None and "_same" in row:
            earlier = made.get(row["_same"])
            person = earlier if isinstance(earlier, Person) else None
        if person is not None:
            role_offer(network=network, person=person, kind=row["role"], invited_by=user)
            made[row["_row"]] = person
            continue
        made[row["_row"]] = person_add(
            network=network,
            organisation=row["_organisation"],
            kind=row["role"],
            invited_by=user,
            **{
                key: row.get(key, "")
                for key in ("title", "full_name", "position", "category", "email", "phone")
            },
        )


def template_csv(kind: str, *, thai: bool, network: Network | None = None) -> str:
    """The headers in the user's language and one example row (Thai), with coded
    columns written as the pages show them. The example row is left out when the
    file comes back with it still in."""
    example = dict(EXAMPLE_ORGANISATION if kind == "organisations" else EXAMPLE_PERSON)
    if kind == "people" and network is not None and network.lead_organisation_id:
        example["organisation"] = network.lead_organisation.name_th
    columns = KINDS[kind]
    with translation.override("th" if thai else "en"):
        header = [c.label for c in columns]
        cells = [c.show(example.get(c.key, "")) for c in columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(cells)
    return out.getvalue()
