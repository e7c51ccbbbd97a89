"""Every page entirely in the reader's language (issue 14 item 7).

One sweep renders every GET page of the permission matrix (tests/security) as the
coordinator and the partner (and, for pages neither of them may see, the first
member of the cast who may), plus the allauth and admin pages users reach, in Thai
and in English, and reads the visible text (no <script>, <style> or attributes):

* Thai: no message id of any catalogue (ours, allauth's, Django's auth and admin)
  of two or more English words appears verbatim. A msgid showing on a Thai page is
  exactly an untranslated string; user data never matches, since it is not a msgid.
* English: no Thai letter is left once the database's own Thai values (the
  factories' names, which are user data) are taken out of the text.

One case per page with a fresh cast (some URL builders dissolve the network or sign
its agreement): 80 pages × their roles × 2 languages, about 20 s on SQLite.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from tests.security.test_permission_matrix import RULES

ROOT = Path(__file__).resolve().parents[2]
THAI = re.compile(r"[\u0e00-\u0e7f]+")
WORD = re.compile(r"[A-Za-z]{3,}")
# Placeholders split a msgid into the fragments that show verbatim.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
SWEEP_ROLES = ("coordinator", "partner")
# Names that stay what they are in every language: the language switcher names each
# language in itself, and the product's name.
# The schedule form's help shows how to write a period's names in both languages.
ALLOWED_THAI = ("ไทย", "รอบกลางภาค")
# The language switcher names English in English.
ALLOWED_ENGLISH = {"English"}
# Latin words Thai pages use on purpose: the language switcher, file formats and
# programs, the charter framework's English terms in brackets ("หลักการ (Principle)"),
# and the schedule form's example of a period's English name ("Mid-term round").
ALLOWED_LATIN = {
    "English",
    "Excel",
    "XLSX",
    "xlsx",
    "Windows",
    "Unicode",
    "Text",
    "JavaScript",
    "Capability",
    "Concept",
    "Practice",
    "Principle",
    "Purpose",
    "Structure",
    "round",
    "term",
}
LOWERCASE_LABEL = re.compile(r"<(?:label|th|dt)\b[^>]*>\s*([a-z][^<]{2,60})<")
# Pages outside the matrix (third-party URL trees) that users reach.
EXTRA_PAGES = {
    "coordinator": (
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/reauthenticate/",
    ),
    "site_admin": ("/admin/",),
    "anonymous": (
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/signup/",
    ),
}


class _Text(HTMLParser):
    """The text a reader sees: no scripts, no styles, no attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _catalogues() -> list[Path]:
    ours = [ROOT / "locale" / "th" / "LC_MESSAGES" / "django.po"]
    ours += sorted(ROOT.glob("*/locale/th/LC_MESSAGES/django.po"))
    third_party = [
        Path(allauth.__file__).parent / "locale" / "th" / "LC_MESSAGES" / "django.po",
        Path(django.__file__).parent / "contrib" / "auth" / "locale" / "th" / "LC_MESSAGES",
        Path(django.__file__).parent / "contrib" / "admin" / "locale" / "th" / "LC_MESSAGES",
    ]
    paths = [p for p in ours if p.exists()]
    for path in third_party:
        if path.is_dir():
            paths += [q for q in (path / "django.po",) if q.exists()]
        elif path.exists():
            paths.append(path)
    return paths


def english_fragments() -> set[str]:
    """Every msgid fragment of two or more English words of three letters or more."""
    fragments: set[str] = set()
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            for msgid in (entry.msgid, entry.msgid_plural):
                for piece in PLACEHOLDER.split(msgid or ""):
                    piece = " ".join(piece.split()).strip(" .,:;!?()\"'-")
                    if "<" in piece or ">" in piece:
                        continue
                    if len(WORD.findall(piece)) >= 2 and piece not in ALLOWED_ENGLISH:
                        fragments.add(piece)
    return fragments


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def user_data() -> list[str]:
    """Every text value stored in the database (the factories' names, in Thai and in
    English: user data, not the interface), longest first."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for text in _strings(list(row)):
                for line in re.split(r"[\n\r]+", text):
                    line = " ".join(line.split())
                    if THAI.search(line) or (len(line) >= 4 and re.search(r"[A-Za-z]", line)):
                        values.add(line)
                        # Long values are shown cut or in parts: their Thai words count too.
                        values.update(w for w in line.split() if THAI.search(w))
    return sorted(values, key=len, reverse=True)


def without_user_data(text: str) -> str:
    for value in user_data():
        text = text.replace(value, " ")
    return text


def _sweep() -> list[tuple[str, tuple[str, ...]]]:
    """(page, roles): every GET page of the matrix, as the coordinator and the partner,
    or as the first of the cast who may see it; then the third-party pages."""
    pages = []
    for name in sorted(RULES):
        rule = RULES[name]
        if rule.method != "get" or rule.headers:
            continue
        allowed = [who for who, status in rule.expect.items() if status == 200]
        roles = tuple(who for who in SWEEP_ROLES if who in allowed) or tuple(allowed[:1])
        if roles:
            pages.append((name, roles))
    pages += [(url, (who,)) for who, urls in EXTRA_PAGES.items() for url in urls]
    return pages


@functools.cache
def _words() -> frozenset[str]:
    """One-word msgids of five letters or more that start with a capital."""
    words = set()
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            word = entry.msgid.strip(" .:")
            if re.fullmatch(r"[A-Z][a-z]{4,}", word) and word not in ALLOWED_ENGLISH:
                words.add(word)
    return frozenset(words)


@functools.cache
def _fragments() -> frozenset[str]:
    return frozenset(english_fragments())


def _leaks(cast, who: str, url: str, language: str) -> list[str]:
    client = cast.client(who)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    text = without_user_data(visible_text(response.content.decode()))
    if language == "th":
        found = sorted(f for f in _fragments() if f in text)
        # A longer msgid contains its shorter ones: name the longest only.
        found = [f for f in found if not any(f != g and f in g for g in found)]
        # One-word msgids ("Authenticator") count as whole words only.
        # And any other Latin word of four letters or more (an English word inside a
        # third-party Thai translation: "Authenticator แอป"), but the allowed ones.
        latin = set(re.findall(r"[A-Za-z]{4,}", text)) - ALLOWED_LATIN
        return found + sorted(latin | (set(re.findall(r"[A-Za-z]+", text)) & _words()))
    # Labels, headers and terms start with a capital in English (a raw verbose_name does not).
    lowercase = LOWERCASE_LABEL.findall(response.content.decode())
    for allowed in ALLOWED_THAI:
        text = text.replace(allowed, " ")
    return THAI.findall(text) + [f"lowercase label {label!r}" for label in lowercase]


# A fresh cast per page: some URL builders change the network (dissolve it, sign its
# agreement), so pages cannot share one.
def _id(value) -> str:
    return value if isinstance(value, str) else "as"


@pytest.mark.parametrize(("page", "roles"), _sweep(), ids=_id)
def test_every_page_is_in_the_readers_language(cast, page, roles):
    url = RULES[page].url(cast) if page in RULES else page
    problems = []
    for who in roles:
        for language in ("th", "en"):
            leaks = _leaks(cast, who, url, language)
            if leaks:
                problems.append(f"{language} as {who}: {leaks[:8]}")
    assert not problems, f"{page}: " + "; ".join(problems)


@pytest.mark.django_db
def test_an_invitation_opens_in_its_language_for_an_anonymous_visitor(cast, client):
    from network import services
    from tests import factories

    organisation = factories.OrganisationFactory(name_th="โรงเรียนบ้านใหม่")
    factories.MembershipFactory(network=cast.network, organisation=organisation)
    _, token = services.invitation_create(
        network=cast.network,
        organisation=organisation,
        email="guest@example.org",
        full_name="Somsri Meesuk",
        invited_by=cast.coordinator,
        language="en",
    )
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="en"' in html
    # The page's own words are English: only the Thai user data is left out.
    text = without_user_data(visible_text(html))
    assert not THAI.search(text.replace("ไทย", " ")), text
    # A visitor who chose Thai keeps Thai.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    assert 'lang="th"' in client.get(f"/invitations/{token}/").content.decode()
