"""The verify page knows every PDF issued for its record (issue 14, item 5).

An agreement version is sealed twice, in Thai and in English: two SealedDocuments,
each with its own code, both carrying the version's content SHA-256. A copy of either
checks as the record on the page of either, saying which language it is, and without
pyHanko reading it. Another genuine Khruakhai PDF is "sealed by Khruakhai but not this
document", with a reason. Each fact is shown once, in the reader's language, and the
page's long values wrap (tests/e2e/test_verify_phone.py measures the width).
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.pdf import render_pdf
from core.sealing import (
    sealed_document_check,
    sealed_document_reserve,
    sealed_document_siblings,
    sealed_document_store,
)

from .pdf_helpers import flip_byte, signing_dir  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_dir")]

CONTENT = "7b3a8255468ad10db895d171108bd9a1c8b4db109042f52bde7b045935a94865"
THAI_LETTERS = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture(autouse=True)
def _fresh_upload_counter():
    from core import throttle
    from core.verify_views import upload_counter_key

    throttle.clear(upload_counter_key("127.0.0.1"))
    yield
    throttle.clear(upload_counter_key("127.0.0.1"))


@pytest.fixture
def seal_parses(monkeypatch):
    """Every time pyHanko is asked to read an upload for its seal."""
    from core import sealing

    calls = []
    original = sealing.check_seal

    def spy(data):
        calls.append(len(data))
        return original(data)

    monkeypatch.setattr(sealing, "check_seal", spy)
    return calls


def _seal(*, language: str, title: str, summary: dict, content: str = CONTENT, kind="agreement"):
    document = sealed_document_reserve(kind=kind, title=title, language=language)
    return sealed_document_store(
        document=document,
        pdf=render_pdf(f"<h1>{title}</h1><p>{language}</p>"),
        summary=summary,
        content_sha256=content,
    )


def _party(**changes) -> dict:
    return {
        "organisation": "โรงเรียนบ้านป่าประดู่",
        "verified": True,
        "verification": "ตรวจสอบแล้ว (รหัส 1050130001)",
        "signatory": "นางสุภาพร ใจดี",
        "position": "ผู้อำนวยการโรงเรียน",
        "signed_at": "2026-11-28T10:05:00+07:00",
    } | changes


@pytest.fixture
def record():
    """One agreement version as agreements.services seals it: a Thai and an English
    document with the same content hash, their details listing that hash again."""
    thai = _seal(
        language="th",
        title="บันทึกข้อตกลงเครือข่ายน้ำใจ — ฉบับที่ 1",
        summary={
            "network": "เครือข่ายน้ำใจ ตำบลป่าประดู่",
            "period": {"start": "2026-06-01", "end": "2027-05-31"},
            "parties": [_party()],
            "details": [
                ["ข้อตกลง", "บันทึกข้อตกลงเครือข่ายน้ำใจ"],
                ["ฉบับที่", "1"],
                ["ค่า SHA-256 ของเนื้อหา", CONTENT],
            ],
        },
    )
    english = _seal(
        language="en",
        title="Nam Jai network agreement — version 1",
        summary={
            "network": "Nam Jai Network, Pa Pradu",
            "period": {"start": "2026-06-01", "end": "2027-05-31"},
            "parties": [
                _party(
                    organisation="Ban Pa Pradu School",
                    verification="Verified (code 1050130001)",
                    position="School director",
                )
            ],
            "details": [
                ["Agreement", "บันทึกข้อตกลงเครือข่ายน้ำใจ"],
                ["Version", "1"],
                ["Content SHA-256", CONTENT],
            ],
        },
    )
    return thai, english


def _bytes(document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def _check(client, page_document, data: bytes, *, english: bool = False):
    if english:
        client.cookies["khruakhai_language"] = "en"
    return client.post(
        f"/verify/{page_document.code}/",
        {"pdf": SimpleUploadedFile("copy.pdf", data, content_type="application/pdf")},
    )


def _result_text(response) -> str:
    page = response.content.decode()
    block = re.search(
        r'<div class="alert[^"]*" role="status" id="verify-result">(.*?)</div>', page, re.S
    )
    assert block, "no result on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", block[1])).split())


def _row_labels(response) -> list[str]:
    page = response.content.decode()
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", "", dt)).split())
        for dt in re.findall(r"<dt[^>]*>(.*?)</dt>", page, re.S)
    ]


# --- siblings ---------------------------------------------------------------------
def test_the_two_languages_of_one_record_are_siblings(record):
    thai, english = record
    assert sealed_document_siblings(thai) == [english]
    assert sealed_document_siblings(english) == [thai]


def test_no_siblings_across_records_kinds_or_unsealed_documents(record):
    thai, english = record
    # Another record, a committee report with the same hash (it never has one: it
    # stores its own rendering's hash), an unsealed reservation, an empty hash.
    other = _seal(language="en", title="อื่น", summary={}, content="ab" * 32)
    report = _seal(language="en", title="รายงาน", summary={}, kind="committee_report")
    reserved = sealed_document_reserve(kind="agreement", title="ยังไม่ประทับตรา", language="en")
    reserved.content_sha256 = CONTENT
    reserved.save()
    blank = _seal(language="en", title="ไม่มีค่า", summary={}, content="")
    assert sealed_document_siblings(thai) == [english]
    assert sealed_document_siblings(other) == []
    assert sealed_document_siblings(report) == []
    assert sealed_document_siblings(blank) == []


def test_the_english_pdf_checks_as_this_record_on_the_thai_page(client, record, seal_parses):
    thai, english = record
    response = _check(client, thai, _bytes(english), english=True)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.identical
    assert result.sibling
    assert result.seal.intact
    assert result.matched == english
    assert not result.other_document
    text = _result_text(response)
    assert (
        "Match: the file is byte-for-byte identical to this record's sealed English document."
        in text
    )
    assert "The seal is intact" in text
    assert "Mismatch" not in text
    assert "does not match" not in text
    assert 'class="alert alert-success"' in response.content.decode()
    # Answered from the hashes: pyHanko never reads it.
    assert seal_parses == []


def test_the_thai_pdf_checks_as_this_record_on_the_english_page_in_thai(
    client, record, seal_parses
):
    thai, english = record
    response = _check(client, english, _bytes(thai))
    result = response.context["result"]
    assert result.identical
    assert result.sibling
    assert result.matched == thai
    text = _result_text(response)
    assert "ตรงกัน" in text
    assert "ภาษาไทย" in text
    assert "ไม่ตรงกัน" not in text
    assert seal_parses == []


def test_the_page_s_own_pdf_says_which_language_it_is(client, record):
    thai, _english = record
    response = _check(client, thai, _bytes(thai), english=True)
    result = response.context["result"]
    assert result.identical
    assert not result.sibling
    assert result.matched == thai
    text = _result_text(response)
    assert "Match: the file is byte-for-byte identical to the sealed record." in text
    assert "It is the Thai version of this record." in text


def test_a_changed_copy_of_the_sibling_is_a_mismatch(client, record, seal_parses):
    thai, english = record
    response = _check(client, thai, flip_byte(_bytes(english), 300), english=True)
    result = response.context["result"]
    assert not result.identical
    assert not result.seal.intact
    assert not result.other_document
    text = _result_text(response)
    assert "Mismatch: the file is not identical to the sealed record." in text
    assert 'class="alert alert-danger"' in response.content.decode()
    assert len(seal_parses) == 1


# --- another genuine document -----------------------------------------------------
@pytest.fixture
def another():
    return _seal(
        language="th",
        title="บันทึกข้อตกลงเครือข่ายอื่น — ฉบับที่ 2",
        summary={"network": "เครือข่ายอื่น"},
        content="cd" * 32,
    )


def test_another_sealed_pdf_is_ours_but_not_this_document(client, record, another):
    thai, _english = record
    response = _check(client, thai, _bytes(another), english=True)
    result = response.context["result"]
    assert not result.identical
    assert result.seal.intact
    assert result.other_document
    text = _result_text(response)
    assert text.startswith("Sealed by Khruakhai, but not this document.")
    assert "different document" in text
    assert "QR code" in text
    # Not the contradiction of before: "seal intact" beside "mismatch", unexplained.
    assert "Mismatch" not in text
    assert "Match:" not in text
    assert 'class="alert alert-warning"' in response.content.decode()


def test_another_sealed_pdf_in_thai(client, record, another):
    thai, _english = record
    text = _result_text(_check(client, thai, _bytes(another)))
    assert text.startswith("ประทับตราโดยระบบเครือข่าย แต่ไม่ใช่เอกสารฉบับนี้")
    assert "ไม่ตรงกัน" not in text


def test_the_service_answers_the_same_without_the_page(record, another):
    thai, english = record
    assert sealed_document_check(document=thai, data=_bytes(english)).sibling
    other = sealed_document_check(document=thai, data=_bytes(another))
    assert other.other_document
    assert other.matched is None


# --- each fact once, in the reader's language -------------------------------------
@pytest.mark.parametrize("english", [False, True])
def test_the_content_hash_is_shown_once(client, record, english):
    thai, _english = record
    if english:
        client.cookies["khruakhai_language"] = "en"
    page = client.get(f"/verify/{thai.code}/").content.decode()
    assert page.count(CONTENT) == 1
    labels = _row_labels(client.get(f"/verify/{thai.code}/"))
    assert len(labels) == len(set(labels)), labels


def test_every_row_label_is_english_when_english_is_active(client, record):
    thai, english = record
    client.cookies["khruakhai_language"] = "en"
    response = client.get(f"/verify/{thai.code}/")
    labels = _row_labels(response)
    assert labels
    assert not [label for label in labels if THAI_LETTERS.search(label)], labels
    for label in ("Kind", "Language", "Network", "Period", "Version", "Sealed on"):
        assert label in labels, label
    assert "PDF file SHA-256 (Thai)" in labels
    assert "PDF file SHA-256 (English)" in labels
    page = response.content.decode()
    # The record as its English document states it: names and states in English.
    assert "Nam Jai Network, Pa Pradu" in page
    assert "Ban Pa Pradu School" in page
    assert "Verified (code 1050130001)" in page
    assert thai.sha256 in page
    assert english.sha256 in page


def test_thai_rows_on_the_english_document_s_page(client, record):
    _thai, english = record
    response = client.get(f"/verify/{english.code}/")
    labels = _row_labels(response)
    assert "ฉบับที่" in labels
    assert "ประเภท" in labels
    assert "เครือข่ายน้ำใจ ตำบลป่าประดู่" in response.content.decode()


def test_a_one_language_record_labels_rows_in_the_reader_s_language(client):
    """A record sealed in one language may give each label in both (core.sealing)."""
    report = _seal(
        language="th",
        title="รายงานต่อคณะกรรมการ",
        kind="committee_report",
        content="ef" * 32,
        summary={"details": [[{"th": "ส่งตรงเวลา", "en": "On time"}, "3"]]},
    )
    client.cookies["khruakhai_language"] = "en"
    labels = _row_labels(client.get(f"/verify/{report.code}/"))
    assert "On time" in labels
    assert "Language" in labels
    assert "PDF file SHA-256" in labels  # one document: no language in the label
    client.cookies["khruakhai_language"] = "th"
    assert "ส่งตรงเวลา" in _row_labels(client.get(f"/verify/{report.code}/"))


def test_hashes_carry_the_wrapping_class(client, record):
    thai, _english = record
    page = client.get(f"/verify/{thai.code}/").content.decode()
    assert f'<code class="verify-hash">{CONTENT}</code>' in page
    assert f'<code class="verify-hash">{thai.sha256}</code>' in page
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.verify-hash\s*\{[^}]*overflow-wrap:\s*anywhere", css)
    assert re.search(r"\.verify-hash\s*\{[^}]*word-break:\s*break-all", css)


# --- the agreement as the app seals it --------------------------------------------
def test_the_app_s_own_english_agreement_pdf_checks_on_the_thai_page(cast, client, seal_parses):
    """End to end: both parties sign, the task renders and seals the Thai and English
    PDFs, and the English file (what an English reader downloads) is checked on the
    page the Thai PDF and the app link to. Before: "does not match"."""
    from agreements import services
    from tests.agreements import factories as agreement_factories
    from tests.factories import PASSWORD

    version = agreement_factories.sent_for(cast)
    for party in version.parties.select_related("signatory__user"):
        with agreement_factories.after_commit():
            services.party_sign(
                party=party,
                user=party.signatory.user,
                password=PASSWORD,
                typed_name=party.signatory.full_name,
                ip="198.51.100.4",
                user_agent="Mozilla/5.0 (Test)",
            )
    version.refresh_from_db()
    thai, english = version.sealed_document, version.sealed_document_en
    assert thai.is_sealed
    assert english.is_sealed
    assert thai.code != english.code
    assert sealed_document_siblings(thai) == [english]

    response = _check(client, thai, _bytes(english), english=True)
    result = response.context["result"]
    assert result.identical
    assert result.sibling
    assert result.seal.intact
    assert "this record's sealed English document" in _result_text(response)
    assert seal_parses == []
    # The record's rows: the content hash once, every label in English.
    page = response.content.decode()
    assert page.count(version.content_sha256) == 1
    assert not [label for label in _row_labels(response) if THAI_LETTERS.search(label)]


def test_a_named_period_is_shown_by_name(client):
    report = _seal(
        language="th",
        title="รายงานต่อคณะกรรมการ",
        kind="committee_report",
        content="12" * 32,
        summary={"period": {"name": "ภาคเรียนที่ 1/2569", "start": "2026-05-16", "end": "2026-10-31"}},
    )
    page = client.get(f"/verify/{report.code}/").content.decode()
    assert "ภาคเรียนที่ 1/2569" in page
    assert "16 พฤษภาคม 2569" in page
