"""The columns of each kind of file, their headers in both languages, and the
template's example rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.catalogue import thai_active

from .codes import CATEGORY_CODES, KIND_CODES, PROVINCE_CODES, ROLE_CODES, Codes, _key, _quote


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
        return self.th if thai_active() else self.en

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
