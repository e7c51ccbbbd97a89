"""Coded columns (kind, province, category, role): a code or any label the pages
show, in Thai or English; and how labels and headers are compared."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from network.catalogue import MEMBER_CATEGORIES, ORGANISATION_KINDS, Entry, by_code
from network.models import Organisation, Person, Role
from network.provinces import PROVINCES

from .limits import QUOTE_MAX


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
