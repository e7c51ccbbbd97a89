"""CSV import of organisations and people into a network: parse, check, then write all or nothing.

A file is UTF-8 (with or without the BOM Excel adds) and its first row names the
columns, in Thai or in English. Every row is checked before anything is written;
the preview lists each problem by row and column, and ``directory_import``
writes nothing unless every row is valid.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from .catalogue import MEMBER_CATEGORIES, ORGANISATION_KINDS, Entry
from .models import Membership, Network, Organisation, Person, Role
from .provinces import PROVINCES

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    th: str
    en: str
    required: bool = False
    # Turns the cell into the stored value or raises ValidationError.
    clean: Callable[[str], str] | None = None
    aliases: tuple[str, ...] = ()

    def headers(self) -> set[str]:
        return {_norm(h) for h in (self.key, self.th, self.en, *self.aliases)}

    @property
    def label(self) -> str:
        from .catalogue import _thai

        return self.th if _thai() else self.en


def _norm(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").strip().lower().split())


def _choice(entries: tuple[Entry, ...], what) -> Callable[[str], str]:
    """A catalogue column takes the code, the Thai label or the English label."""
    lookup = {}
    for entry in entries:
        for text in (entry.code, entry.th, entry.en):
            lookup[_norm(text)] = entry.code

    def clean(value: str) -> str:
        if not value:
            return ""
        code = lookup.get(_norm(value))
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not a known %(what)s.") % {"value": value, "what": what}
            )
        return code

    return clean


# The roles as a catalogue, so a file may name them in Thai or English.
ROLE_ENTRIES = (
    Entry("coordinator", "ผู้ประสานงาน", "Coordinator"),
    Entry("chair", "ประธานคณะกรรมการ", "Committee chair"),
    Entry("committee", "กรรมการ", "Committee member"),
    Entry("core_leader", "แกนนำ", "Core leader"),
    Entry("partner_rep", "ผู้แทนองค์กรภาคี", "Partner representative"),
    Entry("member", "สมาชิก", "Member"),
)


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("“%(value)s” is not an email address.") % {"value": value}
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
                _("“%(value)s” is not a web address.") % {"value": value}
            ) from None
    return value


def _max(length: int) -> Callable[[str], str]:
    def clean(value: str) -> str:
        if len(value) > length:
            raise ValidationError(
                _("Too long: at most %(n)s characters, this has %(m)s.")
                % {"n": length, "m": len(value)}
            )
        return value

    return clean


ORGANISATION_COLUMNS = (
    Column(
        "name_th",
        "ชื่อองค์กร (ภาษาไทย)",
        "Name (Thai)",
        True,
        _max(255),
        ("ชื่อภาษาไทย", "ชื่อ (ภาษาไทย)", "ชื่อองค์กร", "thai name"),
    ),
    Column(
        "name_en",
        "ชื่อองค์กร (ภาษาอังกฤษ)",
        "Name (English)",
        False,
        _max(255),
        ("ชื่อภาษาอังกฤษ", "ชื่อ (ภาษาอังกฤษ)", "english name"),
    ),
    Column(
        "kind",
        "ประเภท",
        "Kind",
        True,
        _choice(ORGANISATION_KINDS, gettext_lazy("kind of organisation")),
        ("ประเภทองค์กร",),
    ),
    Column("province", "จังหวัด", "Province", True, _choice(PROVINCES, gettext_lazy("province"))),
    Column("address", "ที่อยู่", "Address"),
    Column("phone", "โทรศัพท์", "Phone", False, _max(50), ("เบอร์โทรศัพท์", "telephone")),
    Column("email", "อีเมล", "Email", False, _email, ("e-mail",)),
    Column("website", "เว็บไซต์", "Website", False, _url),
)

PEOPLE_COLUMNS = (
    Column(
        "organisation", "องค์กร", "Organisation", True, None, ("ชื่อองค์กร", "organization", "หน่วยงาน")
    ),
    Column("title", "คำนำหน้า", "Title", False, _max(50), ("คำนำหน้าชื่อ",)),
    Column(
        "full_name",
        "ชื่อ-นามสกุล",
        "Full name",
        True,
        _max(200),
        ("ชื่อ-สกุล", "ชื่อ นามสกุล", "ชื่อ", "name"),
    ),
    Column("position", "ตำแหน่ง", "Position", False, _max(200)),
    Column(
        "category",
        "กลุ่มบุคคล",
        "Category",
        False,
        _choice(MEMBER_CATEGORIES, gettext_lazy("category of person")),
        ("ประเภทบุคคล", "หมวด"),
    ),
    Column("email", "อีเมล", "Email", False, _email, ("e-mail",)),
    Column("phone", "โทรศัพท์", "Phone", False, _max(50), ("เบอร์โทรศัพท์", "telephone")),
    Column(
        "role",
        "บทบาท",
        "Role",
        False,
        _choice(ROLE_ENTRIES, gettext_lazy("role")),
        ("บทบาทในเครือข่าย",),
    ),
)

KINDS = {"organisations": ORGANISATION_COLUMNS, "people": PEOPLE_COLUMNS}


@dataclass
class Problem:
    row: int  # the spreadsheet row: the header is row 1
    column: str
    message: str


@dataclass
class Preview:
    kind: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def table(self) -> list[tuple[int, list[str]]]:
        """(row number, cells) for the preview, in the columns' order."""
        return [(row["_row"], [row.get(c.key, "") for c in self.columns]) for row in self.rows]


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; anything else is refused with a clear message."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.")
        ) from None


def _reader(text: str):
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(io.StringIO(text), dialect)


def preview(*, network: Network, kind: str, text: str) -> Preview:
    """Check every row and column; write nothing."""
    columns = KINDS[kind]
    result = Preview(kind=kind, columns=columns)
    rows = list(_reader(text))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        result.problems.append(Problem(1, "", _("The file is empty.")))
        return result
    header = [_norm(h) for h in rows[0]]
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        for column in columns:
            if name in column.headers() and column.key not in positions:
                positions[column.key] = index
                break
        else:
            if name:
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

    organisations = _organisation_lookup(network) if kind == "people" else {}
    existing_names = (
        set(
            Organisation.objects.filter(
                name_th__in=[
                    r[positions["name_th"]].strip() for r in body if len(r) > positions["name_th"]
                ]
            ).values_list("name_th", flat=True)
        )
        if kind == "organisations"
        else set()
    )
    # Problems name a column as the file names it, in whichever language it uses.
    named = {key: rows[0][index].replace("\ufeff", "").strip() for key, index in positions.items()}
    seen: dict[str, int] = {}
    for number, raw in enumerate(body, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row: dict = {"_row": number}
        for column in columns:
            index = positions.get(column.key)
            value = raw[index].strip() if index is not None and index < len(raw) else ""
            if not value and column.required:
                result.problems.append(
                    Problem(number, named[column.key], _("This value is required."))
                )
                continue
            try:
                row[column.key] = column.clean(value) if column.clean else value
            except ValidationError as error:
                result.problems.append(Problem(number, named[column.key], " ".join(error.messages)))
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
            row["_exists"] = name in existing_names
        if kind == "people" and row.get("organisation"):
            org = organisations.get(_norm(row["organisation"]))
            if org is None:
                result.problems.append(
                    Problem(
                        number,
                        named["organisation"],
                        _("No organisation of this network is called “%(name)s”.")
                        % {"name": row["organisation"]},
                    )
                )
            row["_organisation"] = org
            row["role"] = row.get("role") or Role.Kind.MEMBER
        result.rows.append(row)
    if not result.rows and not result.problems:
        result.problems.append(Problem(2, "", _("The file has a header but no rows.")))
    return result


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
def directory_import(*, network: Network, kind: str, text: str, user=None) -> Preview:
    """Write every row, or nothing: any problem raises ImportRejected before a write."""
    from .services import role_grant

    result = preview(network=network, kind=kind, text=text)
    if not result.ok:
        raise ImportRejected(result)
    if kind == "organisations":
        # Bulk writes with their history rows: a 1,000-row file is a handful of
        # queries instead of five per row.
        names = [row["name_th"] for row in result.rows]
        existing = {o.name_th: o for o in Organisation.objects.filter(name_th__in=names)}
        new = [
            Organisation(**{c.key: row.get(c.key, "") for c in ORGANISATION_COLUMNS})
            for row in result.rows
            if row["name_th"] not in existing
        ]
        bulk_create_with_history(new, Organisation, batch_size=500, default_user=user)
        organisations = Organisation.objects.filter(name_th__in=names)
        members = set(
            Membership.objects.filter(
                network=network, organisation__in=organisations, left_on__isnull=True
            ).values_list("organisation_id", flat=True)
        )
        today = timezone.localdate()
        bulk_create_with_history(
            [
                Membership(network=network, organisation=org, joined_on=today)
                for org in organisations
                if org.id not in members
            ],
            Membership,
            batch_size=500,
            default_user=user,
        )
    else:
        for row in result.rows:
            organisation = row["_organisation"]
            person = None
            if row.get("email"):
                person = Person.objects.filter(
                    organisation=organisation, email__iexact=row["email"]
                ).first()
            if person is None:
                person = Person.objects.create(
                    organisation=organisation,
                    **{
                        key: row.get(key, "")
                        for key in ("title", "full_name", "position", "category", "email", "phone")
                    },
                )
            role_grant(network=network, person=person, kind=row["role"])
    return result


def template_csv(kind: str, *, thai: bool) -> str:
    """An empty file with the headers, to start from."""
    out = io.StringIO()
    csv.writer(out).writerow([c.th if thai else c.en for c in KINDS[kind]])
    return out.getvalue()
