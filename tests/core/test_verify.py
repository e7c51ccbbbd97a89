"""The public verify page: the record, and checking an uploaded copy (it serves no PDF)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.pdf import render_pdf
from core.sealing import sealed_document_reserve, sealed_document_store

from .pdf_helpers import flip_byte, signing_dir  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_dir")]

ADDRESSES = ("127.0.0.1", "198.51.100.20", "198.51.100.21", "2001:db8:1:2::7")


@pytest.fixture(autouse=True)
def _fresh_upload_counters():
    """Upload counters live in the throttle store, outside the test's transaction."""
    from core import throttle
    from core.verify_views import upload_counter_key

    for address in ADDRESSES:
        throttle.clear(upload_counter_key(address))
    yield
    for address in ADDRESSES:
        throttle.clear(upload_counter_key(address))


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


@pytest.fixture
def sealed():
    document = sealed_document_reserve(kind="agreement", title="ข้อตกลงความร่วมมือ ฉบับที่ 1")
    pdf = render_pdf("<h1>ข้อตกลงความร่วมมือ</h1><p>เครือข่ายน้ำใจ</p>")
    return sealed_document_store(
        document=document,
        pdf=pdf,
        content_sha256="c0ffee" + "0" * 58,
        summary={
            "network": "เครือข่ายน้ำใจ ตำบลป่าประดู่",
            "period": {"start": "2026-06-01", "end": "2027-05-31"},
            "parties": [
                {
                    "organisation": "โรงเรียนบ้านน้ำใส",
                    "verified": True,
                    "official_code": "1050130001",
                    "verification": "ตรวจสอบแล้ว (รหัส 1050130001)",
                    "signatory": "นางสาวกิ่งแก้ว ใจดี",
                    "position": "ผู้อำนวยการ",
                    "signed_at": "2026-05-20T10:30:00+07:00",
                },
                {
                    "organisation": "โรงเรียนบ้านน้ำใส (สาขา)",
                    "verified": False,
                    "official_code": "",
                    "verification": "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ",
                    "signatory": "นายสมชาย ทดสอบ",
                    "position": "ครู",
                    "signed_at": "2026-05-21T10:30:00+07:00",
                },
            ],
            "details": [["ฉบับที่", "1"]],
        },
    )


def _stored_bytes(document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def test_the_page_shows_the_record_in_thai(client, sealed):
    response = client.get(f"/verify/{sealed.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "ข้อตกลงความร่วมมือ ฉบับที่ 1",
        "เครือข่ายน้ำใจ ตำบลป่าประดู่",
        "โรงเรียนบ้านน้ำใส",
        "นางสาวกิ่งแก้ว ใจดี",
        "ผู้อำนวยการ",
        "2569",  # Buddhist Era dates
        "ตรวจสอบแล้ว (รหัส 1050130001)",
        "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ",
        sealed.sha256,
        sealed.content_sha256,
        'enctype="multipart/form-data"',
        "csrfmiddlewaretoken",
    ):
        assert text in page, text
    # The page describes the document; it never links to (or serves) the file.
    assert f"/verify/{sealed.code}/pdf" not in page
    assert sealed.file.name not in page


def test_a_record_sealed_before_verified_states_shows_no_state(client, sealed):
    sealed.summary = {"parties": [{"organisation": "โรงเรียนเก่า", "signatory": "ก"}]}
    sealed.save(update_fields=["summary"])
    page = client.get(f"/verify/{sealed.code}/").content.decode()
    assert "โรงเรียนเก่า" in page
    assert "ตรวจสอบแล้ว" not in page
    assert "ยังไม่ได้ตรวจสอบ" not in page


def test_the_page_speaks_english(client, sealed):
    client.cookies["khruakhai_language"] = "en"
    page = client.get(f"/verify/{sealed.code}/").content.decode()
    assert "Verify a document" in page
    assert "Signed agreement" in page
    assert "2026" in page


def test_unknown_code_is_404(client):
    assert client.get("/verify/no-such-code-123/").status_code == 404
    assert client.get("/verify/no-such-code-123/pdf").status_code == 404


def test_a_reserved_but_unsealed_document_is_not_public(client):
    document = sealed_document_reserve(kind="committee_report", title="รายงาน")
    assert client.get(f"/verify/{document.code}/").status_code == 404
    assert client.get(f"/verify/{document.code}/pdf").status_code == 404


def test_the_sealed_pdf_is_not_served(client, sealed):
    response = client.get(f"/verify/{sealed.code}/pdf")
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_uploading_the_stored_pdf_says_match_and_intact(client, sealed, seal_parses):
    data = _stored_bytes(sealed)
    response = client.post(
        f"/verify/{sealed.code}/",
        {"pdf": SimpleUploadedFile("copy.pdf", data, content_type="application/pdf")},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.identical
    assert result.seal.intact
    page = response.content.decode()
    assert "alert-success" in page
    client.cookies["khruakhai_language"] = "en"
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("copy.pdf", data)})
    assert "Match: the file is byte-for-byte identical" in response.content.decode()
    assert "The seal is intact" in response.content.decode()
    # The record's own bytes: answered from the hash, pyHanko never reads them.
    assert seal_parses == []


def test_another_sealed_document_is_parsed_and_found_ours(client, sealed, seal_parses):
    """A genuine Khruakhai document checked on another record's page: not this record,
    but sealed by us and unchanged (the parse still happens for a small file)."""
    other = sealed_document_reserve(kind="agreement", title="ฉบับอื่น")
    other = sealed_document_store(
        document=other, pdf=render_pdf("<p>ฉบับอื่น</p>"), summary={}, content_sha256=""
    )
    response = client.post(
        f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("o.pdf", _stored_bytes(other))}
    )
    result = response.context["result"]
    assert not result.identical
    assert result.seal.intact
    assert not result.too_complex
    assert len(seal_parses) == 1


def test_uploading_an_altered_pdf_says_mismatch_and_broken(client, sealed, seal_parses):
    data = flip_byte(_stored_bytes(sealed), 200)
    client.cookies["khruakhai_language"] = "en"
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("copy.pdf", data)})
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.identical
    assert not result.seal.intact
    page = response.content.decode()
    assert "Mismatch: the file is not identical" in page
    assert "alert-danger" in page
    assert len(seal_parses) == 1


def test_uploading_another_document_says_mismatch(client, sealed):
    other = render_pdf("<p>อื่น</p>")
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("x.pdf", other)})
    result = response.context["result"]
    assert not result.identical
    assert not result.seal.intact
    assert not result.seal.certified


def test_no_file_is_a_clear_error(client, sealed):
    response = client.post(f"/verify/{sealed.code}/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["pdf"]
    assert response.context["result"] is None


def test_a_file_over_20_mb_is_refused_with_a_message(client, sealed):
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
    client.cookies["khruakhai_language"] = "en"
    response = client.post(f"/verify/{sealed.code}/", {"pdf": big})
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()
    assert response.context["result"] is None


def test_thai_message_for_a_large_file(client, sealed):
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
    response = client.post(f"/verify/{sealed.code}/", {"pdf": big})
    assert response.status_code == 400
    assert "20 MB" in response.content.decode() or "20 เมกะไบต์" in response.content.decode()


def test_the_upload_stops_reading_past_the_limit(client, sealed, monkeypatch):
    """The size-limit handler stops the upload itself (nothing spooled past it)."""
    from core import verify_views

    seen = []
    original = verify_views.SizeLimitHandler.receive_data_chunk

    def spy(self, raw_data, start):
        seen.append(start)
        return original(self, raw_data, start)

    monkeypatch.setattr(verify_views.SizeLimitHandler, "receive_data_chunk", spy)
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (21 * 1024 * 1024))
    client.cookies["khruakhai_language"] = "en"
    response = client.post(f"/verify/{sealed.code}/", {"pdf": big})
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()
    assert max(seen) <= 20 * 1024 * 1024


def test_the_upload_form_is_csrf_protected(sealed):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("a.pdf", b"x")})
    assert response.status_code == 403
    page = client.get(f"/verify/{sealed.code}/")
    token = page.cookies["csrftoken"].value
    response = client.post(
        f"/verify/{sealed.code}/",
        {"pdf": SimpleUploadedFile("a.pdf", b"x"), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200
    assert response.context["result"].identical is False


# --- bounded parsing ---------------------------------------------------------------
def _appended(pdf: bytes, body: bytes) -> bytes:
    """``pdf`` with an incremental update (``body``) after it, the way an editor
    saves a change."""
    import re

    prev = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    xref = len(pdf) + body.find(b"xref")
    tail = b"trailer\n<< /Size 30 /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref)
    return pdf + body + tail


def test_our_sealed_documents_pass_the_pre_scan(sealed):
    from core.sealing import upload_too_complex

    assert not upload_too_complex(_stored_bytes(sealed))


@pytest.mark.parametrize(
    "body",
    [
        # A cross-reference table of 100,000 lines and not one object.
        b"xref\n30 100000\n" + b"0000000009 00000 n \n" * 100_000,
        # A short first subsection, then a long one.
        b"xref\n30 1\n0000000009 00000 n \n31 100000\n" + b"0000000009 00000 n \n" * 100_000,
        # A cross-reference stream declaring a million entries.
        b"31 0 obj\n<< /Type /XRef /Size 1000000 /W [1 3 1] >>\nstream\nendstream\nendobj\nxref\n",
        b"31 0 obj\n<< /Type /XRef /Index [0 10 10 999999] >>\nstream\nendstream\nendobj\nxref\n",
        # An object stream of 900,000 objects, and a count kept elsewhere.
        b"31 0 obj\n<< /Type /ObjStm /N 900000 /First 9 >>\nstream\nendstream\nendobj\nxref\n",
        b"31 0 obj\n<< /Type /ObjStm /N 32 0 R /First 9 >>\nstream\nendstream\nendobj\nxref\n",
    ],
    ids=["xref-table", "xref-subsection", "xref-stream-size", "xref-index", "objstm", "indirect"],
)
def test_files_declaring_more_than_ours_are_not_parsed(client, sealed, seal_parses, body):
    from core.sealing import upload_too_complex

    data = _appended(_stored_bytes(sealed), body)
    assert upload_too_complex(data)
    client.cookies["khruakhai_language"] = "en"
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("x.pdf", data)})
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.identical
    assert not result.seal.intact
    assert result.too_complex
    page = response.content.decode()
    assert "Mismatch: the file is not identical" in page
    assert "It was not examined further" in page
    assert seal_parses == []


def test_a_small_change_is_still_parsed(client, sealed, seal_parses):
    """Under the caps a changed copy is read for its seal (broken, not 'too complex')."""
    stored = _stored_bytes(sealed)
    body = b"30 0 obj\n<< /A 1 >>\nendobj\nxref\n30 1\n%010d 00000 n \n" % len(stored)
    data = _appended(stored, body)
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("x.pdf", data)})
    result = response.context["result"]
    assert not result.too_complex
    assert not result.seal.intact
    assert len(seal_parses) == 1


# --- uploads per address ----------------------------------------------------------
def _upload(client, sealed, address: str, **extra):
    return client.post(
        f"/verify/{sealed.code}/",
        {"pdf": SimpleUploadedFile("a.pdf", b"%PDF-1.7 not the record")},
        REMOTE_ADDR=address,
        **extra,
    )


def test_uploads_are_limited_per_address(client, sealed, settings):
    settings.VERIFY_UPLOADS_ALLOWED = 2
    client.cookies["khruakhai_language"] = "en"
    assert _upload(client, sealed, "198.51.100.20").status_code == 200
    assert _upload(client, sealed, "198.51.100.20").status_code == 200
    refused = _upload(client, sealed, "198.51.100.20")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "600"
    page = refused.content.decode()
    assert "Too many files were checked from your address. Wait 10 minutes" in page
    assert refused.context["result"] is None
    # The page itself still opens, and another address still checks files.
    assert client.get(f"/verify/{sealed.code}/", REMOTE_ADDR="198.51.100.20").status_code == 200
    assert _upload(client, sealed, "198.51.100.21").status_code == 200


def test_the_limit_answers_in_thai_by_default(client, sealed, settings):
    settings.VERIFY_UPLOADS_ALLOWED = 1
    _upload(client, sealed, "198.51.100.20")
    refused = _upload(client, sealed, "198.51.100.20")
    assert refused.status_code == 429
    assert 'id="verify-throttled"' in refused.content.decode()
    assert "มีการตรวจสอบไฟล์จากที่อยู่ของคุณมากเกินไป" in refused.content.decode()
    assert '<html lang="th">' in refused.content.decode()


def test_an_ipv6_client_is_counted_by_its_64(client, sealed, settings):
    settings.VERIFY_UPLOADS_ALLOWED = 1
    assert _upload(client, sealed, "2001:db8:1:2::7").status_code == 200
    assert _upload(client, sealed, "2001:db8:1:2::8").status_code == 429


def test_a_forged_forwarded_header_does_not_reset_the_count(client, sealed, settings):
    settings.VERIFY_UPLOADS_ALLOWED = 1
    settings.TRUSTED_PROXY_COUNT = 0
    assert _upload(client, sealed, "198.51.100.20").status_code == 200
    again = _upload(client, sealed, "198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert again.status_code == 429
