"""How to address a person: the one rule every email's opening line follows.

Thai courtesy puts คุณ before a name only when the name carries no title of its
own: "เรียน คุณสมชาย ใจดี", but "เรียน นายสมชาย ใจดี", "เรียน ผศ.ดร.วิไลวรรณ ใจงาม",
"เรียน อาจารย์…" — never "คุณนาย…" or "คุณผศ.ดร.…". A monk is greeted นมัสการ, as
the official correspondence rules (ระเบียบงานสารบรรณ) have it. English adds no
Mr/Ms (a Thai name does not say which); a title the name already has is kept:
"Dear Dr Somchai Jaidee,", "Dear Somchai Jaidee,".

A title may sit in ``Person.title`` or at the start of the name itself (imports,
typed names, ``display_name``); both are read, and written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.utils import translation

# Thai titles, written the way they are printed before a name. Compounds such as
# ผศ.ดร. or ศ.นพ. are read as one title after another; ranks may end in หญิง.
_ACADEMIC = (
    "ศ.",
    "รศ.",
    "ผศ.",
    "ดร.",
    "ศาสตราจารย์",
    "ศาสตราจารย์เกียรติคุณ",
    "รองศาสตราจารย์",
    "ผู้ช่วยศาสตราจารย์",
    "อาจารย์",
    "อ.",
    "ครู",
    "ผู้อำนวยการ",
    "ผอ.",
    "รองผู้อำนวยการ",
    "รอง ผอ.",
    "ผู้ช่วยผู้อำนวยการ",
    "ศึกษานิเทศก์",
    "ศน.",
)
_COMMON = (
    "นาย",
    "นาง",
    "นางสาว",
    "น.ส.",
    "เด็กชาย",
    "เด็กหญิง",
    "ด.ช.",
    "ด.ญ.",
    "คุณ",
    "คุณหญิง",
    "ท่านผู้หญิง",
    "ท่าน",
    "แม่ชี",
    "หม่อมเจ้า",
    "หม่อมราชวงศ์",
    "หม่อมหลวง",
    "ม.จ.",
    "ม.ร.ว.",
    "ม.ล.",
    "นายอำเภอ",
    "นายกเทศมนตรี",
    "ผู้ว่าราชการจังหวัด",
    "กำนัน",
    "ผู้ใหญ่บ้าน",
)
_MEDICAL = (
    "นพ.",
    "พญ.",
    "ทพ.",
    "ทพญ.",
    "ภก.",
    "ภญ.",
    "สพ.",
    "สพ.ญ.",
    "กภ.",
    "นายแพทย์",
    "แพทย์หญิง",
    "ทันตแพทย์",
    "ทันตแพทย์หญิง",
    "เภสัชกร",
    "เภสัชกรหญิง",
    "สัตวแพทย์",
    "สัตวแพทย์หญิง",
)
_RANKS = (
    "ว่าที่",
    "ว่าที่ ร.ต.",
    "ว่าที่ ร.ท.",
    "ว่าที่ ร.อ.",
    "ว่าที่ร้อยตรี",
    "ว่าที่ร้อยโท",
    "ว่าที่ร้อยเอก",
    "ร้อยตรี",
    "ร้อยโท",
    "ร้อยเอก",
    "พันตรี",
    "พันโท",
    "พันเอก",
    "พลตรี",
    "พลโท",
    "พลเอก",
    "ร.ต.",
    "ร.ท.",
    "ร.อ.",
    "พ.ต.",
    "พ.ท.",
    "พ.อ.",
    "พล.ต.",
    "พล.ท.",
    "พล.อ.",
    "ส.ต.",
    "ส.ท.",
    "ส.อ.",
    "จ.ส.ต.",
    "จ.ส.ท.",
    "จ.ส.อ.",
    "ร.ต.ต.",
    "ร.ต.ท.",
    "ร.ต.อ.",
    "พ.ต.ต.",
    "พ.ต.ท.",
    "พ.ต.อ.",
    "พล.ต.ต.",
    "พล.ต.ท.",
    "พล.ต.อ.",
    "ด.ต.",
    "ส.ต.ต.",
    "ส.ต.ท.",
    "ส.ต.อ.",
    "ร้อยตำรวจตรี",
    "ร้อยตำรวจโท",
    "ร้อยตำรวจเอก",
    "พันตำรวจตรี",
    "พันตำรวจโท",
    "พันตำรวจเอก",
    "ดาบตำรวจ",
    "จ่าสิบตำรวจ",
    "จ่าสิบเอก",
    "น.ต.",
    "น.ท.",
    "น.อ.",
    "พ.จ.อ.",
    "จ.อ.",
    "จ.ท.",
    "จ.ต.",
    "พล.ร.ต.",
    "พล.ร.ท.",
    "พล.ร.อ.",
    "พล.อ.ต.",
    "พล.อ.ท.",
    "พล.อ.อ.",
)
# Monks and novices: greeted นมัสการ, not เรียน.
_MONASTIC = (
    "พระ",
    "พระครู",
    "พระมหา",
    "พระอธิการ",
    "พระปลัด",
    "พระใบฎีกา",
    "พระสมุห์",
    "พระอาจารย์",
    "สามเณร",
    "ส.ณ.",
)
_ENGLISH = (
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Prof",
    "Professor",
    "Assoc. Prof",
    "Asst. Prof",
    "Associate Professor",
    "Assistant Professor",
    "Rev",
    "Ven",
    "Sir",
    "Dame",
    "Lt",
    "Capt",
    "Maj",
    "Col",
    "Gen",
)

# A Thai word does not end before these: a title word followed by one is not a
# title but the start of a longer word (คุณากร is a name, not คุณ + ากร).
_THAI_CONTINUATION = re.compile(r"[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]")
_SPACES = re.compile(r"\s+")
# Courtesy titles that give way to any other: ดร.สมชาย, not ดร.นายสมชาย or คุณดร.สมชาย.
_PLAIN = frozenset({"นาย", "นาง", "นางสาว", "น.ส.", "คุณ", "mr", "mrs", "ms", "miss", "mx"})


@dataclass(frozen=True)
class _Title:
    text: str
    pattern: re.Pattern
    monastic: bool = False
    thai: bool = True
    rank: bool = False


def _pattern(text: str, *, thai: bool) -> re.Pattern:
    """The title as typed: spaces optional inside it (ผศ. ดร., ว่าที่ร.ต.), the
    final dot optional in English (Dr, Dr.)."""
    parts = []
    for char in text:
        if char == " ":
            parts.append(r"\s*")
        elif char == ".":
            parts.append(r"\.\s*")
        else:
            parts.append(re.escape(char))
    if not thai:
        parts.append(r"\.?")
    return re.compile("".join(parts), 0 if thai else re.IGNORECASE)


@cache
def _titles() -> tuple[_Title, ...]:
    entries = [
        *(_Title(t, _pattern(t, thai=True)) for t in (*_ACADEMIC, *_COMMON, *_MEDICAL)),
        *(_Title(t, _pattern(t, thai=True), rank=True) for t in _RANKS),
        *(_Title(t, _pattern(t, thai=True), monastic=True) for t in _MONASTIC),
        *(_Title(t, _pattern(t, thai=False), thai=False) for t in _ENGLISH),
    ]
    # Longest first: นางสาว before นาง, พระครู before พระ, ทพญ. before ทพ.
    return tuple(sorted(entries, key=lambda e: len(e.text), reverse=True))


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def _next_title(text: str) -> tuple[_Title, str, str] | None:
    """(title, how it is written, what follows) when ``text`` starts with a title."""
    for title in _titles():
        match = title.pattern.match(text)
        if not match:
            continue
        rest = text[match.end() :]
        following = rest[:1]
        if title.thai and not title.text.endswith(".") and _THAI_CONTINUATION.match(following):
            continue  # คุณากร is a name, not คุณ + ากร
        if not title.thai and not match.group().endswith(".") and _is_latin_letter(following):
            continue  # Drew is a name, not Dr + ew
        written = title.text if title.thai else " ".join(match.group().split())
        rest = rest.lstrip()
        if title.rank and rest.startswith("หญิง"):
            written, rest = written + "หญิง", rest[len("หญิง") :].lstrip()
        return title, written, rest
    return None


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def split_title(text: str) -> tuple[str, str]:
    """The titles a name starts with, written once, and the name:
    ``split_title("ผศ. ดร. วิไลวรรณ ใจงาม") == ("ผศ.ดร.", "วิไลวรรณ ใจงาม")``."""
    titles, _monastic, rest = _parse(text)
    return _join_all(titles), rest


def _parse(text: str) -> tuple[list[str], bool, str]:
    rest = _SPACES.sub(" ", text or "").strip()
    titles: list[str] = []
    monastic = False
    while rest:
        found = _next_title(rest)
        if found is None:
            break
        title, written, rest = found
        if written not in titles:
            titles.append(written)
        monastic = monastic or title.monastic
    return titles, monastic, rest


def _join(left: str, right: str) -> str:
    """Thai writes a title against the name (นายสมชาย, ผศ.ดร.วิไลวรรณ); anything
    next to a Latin word gets a space (คุณ John, Dr Somchai)."""
    if not left or not right:
        return left + right
    glued = _is_thai(right[0]) and (_is_thai(left[-1]) or (left[-1] == "." and _is_thai(left[0])))
    return left + right if glued else f"{left} {right}"


def _join_all(parts: list[str]) -> str:
    result = ""
    for part in parts:
        result = _join(result, part)
    return result


def address(name: str, title: str = "", language: str | None = None) -> str:
    """How to name the person in a sentence: "คุณสมชาย ใจดี", "ผศ.ดร.วิไลวรรณ ใจงาม",
    in English the name with its own title only. ``title`` is ``Person.title`` (it
    may repeat the one at the start of the name; it is written once)."""
    return _address(name, title, language)[0]


def _address(name: str, title: str, language: str | None) -> tuple[str, bool]:
    given, given_monastic, given_rest = _parse(title)
    if given_rest:
        # A title we do not know is still the person's own choice: keep it.
        given.append(given_rest)
    own, own_monastic, rest = _parse(name)
    titles = given + [t for t in own if t not in given]
    if any(not _plain(t) for t in titles):
        titles = [t for t in titles if not _plain(t)]
    monastic = given_monastic or own_monastic
    if not titles and not rest:
        return "", False
    thai = _is_thai_language(language)
    if not titles:
        # Only a bare name is given คุณ; never an email address standing in for one.
        if thai and "@" not in rest:
            return _join("คุณ", rest), False
        return rest, False
    return _join(_join_all(titles), rest), monastic


def _plain(title: str) -> bool:
    return title.rstrip(".").lower() in _PLAIN or title in _PLAIN


def _is_thai_language(language: str | None) -> bool:
    return (language or translation.get_language() or "th").startswith("th")


def salutation(name: str, title: str = "", language: str | None = None) -> str:
    """The opening line of a letter or email, in the active language unless told:
    "เรียน คุณสมชาย ใจดี", "เรียน นายสมชาย ใจดี", "นมัสการ พระครูสมชาย",
    "Dear Dr Somchai Jaidee,", "Dear Somchai Jaidee,"."""
    addressed, monastic = _address(name, title, language)
    if _is_thai_language(language):
        if not addressed:
            return "เรียน ท่านผู้เกี่ยวข้อง"
        return f"{'นมัสการ' if monastic else 'เรียน'} {addressed}"
    return f"Dear {addressed or 'colleague'},"
