"""CSV import of organisations and people into a network: parse, check, then write all or nothing.

A file is UTF-8 (with or without the BOM Excel adds) and its first row names the
columns, in Thai or in English. Every row is checked before anything is written;
the preview lists each problem by row and column, and ``directory_import``
writes nothing unless every row is valid.

Organisations belong to themselves: a row naming one that is already in the
directory (same Thai name) attaches it only where ``services.organisation_attach``
allows; otherwise the import files a request to join that its representatives
answer, and the preview says so row by row. People who already have a login are
invited (``services.role_offer``), not given a role behind their back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from .catalogue import MEMBER_CATEGORIES, ORGANISATION_KINDS, Entry
from .models import JoinRequest, Membership, Network, Organisation, Person, Role
from .provinces import PROVINCES

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# The csv module refuses a cell over 128 KB by raising an error that names no row
# or column. Every cell is measured against its column's own limit below instead,
# so the reader may read any cell a file we accept can hold (a process-wide
# setting: it only ever raises the limit).
csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_BYTES))
# The longest piece of a cell or header quoted back in a message.
QUOTE_MAX = 60


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

    def headers(self) -> set[str]:
        return {_norm(h) for h in (self.key, self.th, self.en, *self.aliases)}

    @property
    def label(self) -> str:
        from .catalogue import _thai

        return self.th if _thai() else self.en


def _norm(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").strip().lower().split())


def _quote(text: str) -> str:
    """A cell as a message may quote it: a huge cell is cut, not echoed whole."""
    text = " ".join(str(text).split())
    return text if len(text) <= QUOTE_MAX else f"{text[:QUOTE_MAX]}…"


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
                _("“%(value)s” is not a known %(what)s.") % {"value": _quote(value), "what": what}
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
    Column(
        "kind",
        "ประเภท",
        "Kind",
        True,
        _choice(ORGANISATION_KINDS, gettext_lazy("kind of organisation")),
        ("ประเภทองค์กร",),
    ),
    Column("province", "จังหวัด", "Province", True, _choice(PROVINCES, gettext_lazy("province"))),
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
        _choice(MEMBER_CATEGORIES, gettext_lazy("category of person")),
        ("ประเภทบุคคล", "หมวด"),
    ),
    Column("email", "อีเมล", "Email", False, _email, ("e-mail",), 254),
    Column("phone", "โทรศัพท์", "Phone", False, None, ("เบอร์โทรศัพท์", "telephone"), 50),
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

    def __post_init__(self) -> None:
        self.column = _quote(self.column)


@dataclass
class Preview:
    kind: str
    columns: tuple[Column, ...]
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # What confirming would do beyond writing rows: requests to join filed for
    # organisations already in the directory, and logins invited to a role.
    requests: int = 0
    invitations: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def table(self) -> list[tuple[int, list[str], str]]:
        """(row number, cells, what happens) for the preview, in the columns' order."""
        return [
            (row["_row"], [row.get(c.key, "") for c in self.columns], row.get("_note", ""))
            for row in self.rows
        ]


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


def _read(text: str, result: Preview) -> list[list[str]]:
    """Every record of the file, or none and a problem naming the line it broke on."""
    reader = _reader(text)
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append(record)
    except csv.Error:
        result.problems.append(
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


def preview(*, network: Network, kind: str, text: str, user=None) -> Preview:
    """Check every row and column; write nothing. ``user`` is who would import it:
    the rule of ``services.organisation_attach`` depends on them."""
    columns = KINDS[kind]
    result = Preview(kind=kind, columns=columns)
    rows = _read(text, result)
    if result.problems:
        return result
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
                cleaned = column.clean(value) if column.clean else value
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


# What confirming does with each organisation row, as the preview says it.
NOTE_NEW = gettext_lazy("New: added to the directory and to the network.")
NOTE_MEMBER = gettext_lazy("Already a member of this network: unchanged.")
NOTE_JOINS = gettext_lazy("Exists in the directory: joins the network unchanged.")
NOTE_REQUEST = gettext_lazy(
    "Exists in the directory: a request to join will be sent to its representatives."
)
NOTE_INVITE = gettext_lazy("Has an account: invited, and given the role on accepting.")


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
        Membership.objects.filter(
            network=network, organisation__in=matched, left_on__isnull=True
        ).values_list("organisation_id", flat=True)
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


def _plan_people(network: Network, result: Preview, *, named: dict) -> None:
    """Attach each row to an organisation of this network; say who is invited."""
    from .services import account_elsewhere_message

    organisations = _organisation_lookup(network)
    emails = {row["email"] for row in result.rows if row.get("email")}
    accounts = _accounts_by_email(emails) if emails else {}
    known = _people_by_email(list(organisations.values()), emails) if emails else {}
    candidates = [p for p in known.values() if p.user_id] + [
        a.person for a in accounts.values() if getattr(a, "person", None) is not None
    ]
    in_network = set(
        Role.objects.filter(network=network, person__in=candidates).values_list(
            "person_id", flat=True
        )
    )
    for row in result.rows:
        if not row.get("organisation"):
            continue
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
            continue
        row["_organisation"] = org
        email = row.get("email")
        if not email:
            continue
        person = known.get((org.pk, email))
        if person is None:
            account = accounts.get(email)
            person = getattr(account, "person", None) if account else None
            if account is not None and person is None:
                row["_note"] = NOTE_INVITE
                result.invitations += 1
                continue
            if person is not None and person.organisation_id != org.pk:
                result.problems.append(
                    Problem(row["_row"], named.get("email", ""), account_elsewhere_message())
                )
                continue
        if person is not None and person.user_id and person.pk not in in_network:
            row["_note"] = NOTE_INVITE
            result.invitations += 1


def _people_by_email(organisations, emails) -> dict[tuple[int, str], Person]:
    found: dict[tuple[int, str], Person] = {}
    people = (
        Person.objects.annotate(address=Lower("email"))
        .filter(organisation__in=organisations, address__in=list(emails))
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
def directory_import(*, network: Network, kind: str, text: str, user=None) -> Preview:
    """Write every row, or nothing: any problem raises ImportRejected before a write.

    Organisations: new ones are created and join; one already in the directory
    joins only as ``services.organisation_attach`` allows, else a request to join
    is filed. People: a login is invited to its role (``services.role_offer``).
    """
    from . import services

    result = preview(network=network, kind=kind, text=text, user=user)
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
        Membership.objects.filter(
            network=network, organisation__in=matched, left_on__isnull=True
        ).values_list("organisation_id", flat=True)
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
    from .services import person_add, role_offer

    for row in result.rows:
        organisation = row["_organisation"]
        person = None
        if row.get("email"):
            person = (
                Person.objects.filter(organisation=organisation, email__iexact=row["email"])
                .order_by("id")
                .first()
            )
        if person is not None:
            role_offer(network=network, person=person, kind=row["role"], invited_by=user)
            continue
        person_add(
            network=network,
            organisation=organisation,
            kind=row["role"],
            invited_by=user,
            **{
                key: row.get(key, "")
                for key in ("title", "full_name", "position", "category", "email", "phone")
            },
        )


def template_csv(kind: str, *, thai: bool) -> str:
    """An empty file with the headers, to start from."""
    out = io.StringIO()
    csv.writer(out).writerow([c.th if thai else c.en for c in KINDS[kind]])
    return out.getvalue()
