"""The public verify page: the record, the sealed PDF, and checking an uploaded copy."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.pdf import render_pdf
from core.sealing import sealed_document_reserve, sealed_document_store

from .pdf_helpers import flip_byte, signing_dir  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_dir")]


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
                    "signatory": "นางสาวกิ่งแก้ว ใจดี",
                    "position": "ผู้อำนวยการ",
                    "signed_at": "2026-05-20T10:30:00+07:00",
                }
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
        sealed.sha256,
        sealed.content_sha256,
        f"/verify/{sealed.code}/pdf",
        'enctype="multipart/form-data"',
        "csrfmiddlewaretoken",
    ):
        assert text in page, text


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


def test_the_sealed_pdf_downloads(client, sealed):
    response = client.get(f"/verify/{sealed.code}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == _stored_bytes(sealed)


def test_uploading_the_stored_pdf_says_match_and_intact(client, sealed):
    data = _stored_bytes(sealed)
    response = client.post(
        f"/verify/{sealed.code}/",
        {"pdf": SimpleUploadedFile("copy.pdf", data, content_type="application/pdf")},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.identical and result.seal.intact
    page = response.content.decode()
    assert "alert-success" in page
    client.cookies["khruakhai_language"] = "en"
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("copy.pdf", data)})
    assert "Match: the file is byte-for-byte identical" in response.content.decode()
    assert "The seal is intact" in response.content.decode()


def test_uploading_an_altered_pdf_says_mismatch_and_broken(client, sealed):
    data = flip_byte(_stored_bytes(sealed), 200)
    client.cookies["khruakhai_language"] = "en"
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("copy.pdf", data)})
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.identical and not result.seal.intact
    page = response.content.decode()
    assert "Mismatch: the file is not identical" in page
    assert "alert-danger" in page


def test_uploading_another_document_says_mismatch(client, sealed):
    other = render_pdf("<p>อื่น</p>")
    response = client.post(f"/verify/{sealed.code}/", {"pdf": SimpleUploadedFile("x.pdf", other)})
    result = response.context["result"]
    assert not result.identical and not result.seal.intact and not result.seal.certified


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
