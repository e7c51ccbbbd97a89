"""Sealing (pyHanko certification, DocMDP no changes) and the SealedDocument services."""

from __future__ import annotations

import hashlib
import re
from io import BytesIO

import pytest
from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader

from core.models import SealedDocument
from core.pdf import check_seal, render_pdf, seal_pdf
from core.pdf import seal as seal_module
from core.sealing import (
    qr_data_uri,
    sealed_document_reserve,
    sealed_document_store,
    sha256_hex,
    verify_url,
)

from .pdf_helpers import flip_byte, pdftotext, signing_dir  # noqa: F401

pytestmark = pytest.mark.usefixtures("signing_dir")


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return render_pdf("<h1>บันทึกข้อตกลง</h1><p>เครือข่ายน้ำใจ ตำบลป่าประดู่</p>")


def _hole(pdf: bytes) -> tuple[int, int]:
    """Where the signature value sits (the part the signature cannot cover)."""
    match = re.search(rb"/ByteRange \[\s*0 (\d+) (\d+) (\d+)\s*\]", pdf)
    assert match
    return int(match[1]), int(match[2])


def test_sealed_pdf_is_intact_certified_no_changes(plain_pdf):
    sealed = seal_pdf(plain_pdf, reason="test", location="Rayong")
    check = check_seal(sealed)
    assert check.intact
    assert check.trusted
    assert check.certified
    assert check.no_changes
    assert "Khruakhai" in check.signer
    assert check.signed_at is not None
    # The original content is still there, unchanged, before the appended signature.
    assert sealed.startswith(plain_pdf)


def test_one_flipped_byte_in_the_content_breaks_the_seal(plain_pdf):
    sealed = seal_pdf(plain_pdf, reason="test")
    start, _end = _hole(sealed)
    for position in (10, len(plain_pdf) // 2, start - 5, len(sealed) - 20):
        check = check_seal(flip_byte(sealed, position))
        assert not check.intact, position


def test_a_flipped_byte_inside_the_signature_value_breaks_the_seal(plain_pdf):
    sealed = seal_pdf(plain_pdf, reason="test")
    start, end = _hole(sealed)
    # The CMS, its certificate copy, the upper-case hex and the zero padding.
    for position in range(start + 1, end - 1, max(1, (end - start) // 150)):
        assert not check_seal(flip_byte(sealed, position)).intact, position
    lower = sealed[: start + 1] + sealed[start + 1 : start + 9].lower() + sealed[start + 9 :]
    if lower != sealed:
        assert not check_seal(lower).intact


def test_an_incremental_update_after_sealing_is_not_intact(plain_pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    sealed = seal_pdf(plain_pdf, reason="test")
    writer = IncrementalPdfFileWriter(BytesIO(sealed))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    assert len(out.getvalue()) > len(sealed)
    assert not check_seal(out.getvalue()).intact


@pytest.mark.parametrize("garbage", [b"", b"garbage", b"%PDF-1.7\n%%EOF", b"\x00" * 100])
def test_garbage_is_not_intact_and_never_raises(garbage):
    check = check_seal(garbage)
    assert not check.intact
    assert check.summary


def test_an_unsealed_pdf_is_not_intact(plain_pdf):
    check = check_seal(plain_pdf)
    assert not check.intact
    assert not check.certified


def test_a_seal_by_another_key_is_not_trusted(plain_pdf, settings, tmp_path):
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    seal_module._generate(other_dir)
    # PEM text straight from the environment, as production may give it.
    settings.PDF_SIGNING_KEY = (other_dir / seal_module.KEY_FILE).read_text()
    settings.PDF_SIGNING_CERT = (other_dir / seal_module.CERT_FILE).read_text()
    foreign = seal_pdf(plain_pdf, reason="not ours")
    assert check_seal(foreign).intact
    settings.PDF_SIGNING_KEY = settings.PDF_SIGNING_CERT = ""
    check = check_seal(foreign)
    assert not check.intact
    assert not check.trusted
    assert check.certified


def test_signing_key_from_pem_paths(plain_pdf, settings, tmp_path):
    seal_module._generate(tmp_path)
    settings.PDF_SIGNING_KEY = str(tmp_path / seal_module.KEY_FILE)
    settings.PDF_SIGNING_CERT = str(tmp_path / seal_module.CERT_FILE)
    assert check_seal(seal_pdf(plain_pdf, reason="paths")).intact


def test_zero_setup_key_is_generated_once(settings, tmp_path, plain_pdf):
    settings.PDF_SIGNING_DIR = tmp_path / "signing"
    first = check_seal(seal_pdf(plain_pdf, reason="a"))
    key = (tmp_path / "signing" / seal_module.KEY_FILE).read_bytes()
    assert first.intact
    assert (tmp_path / "signing" / seal_module.KEY_FILE).stat().st_mode & 0o077 == 0
    seal_pdf(plain_pdf, reason="b")
    assert (tmp_path / "signing" / seal_module.KEY_FILE).read_bytes() == key
    serialization.load_pem_private_key(key, password=None)


# --- SealedDocument services ------------------------------------------------------


@pytest.mark.django_db
def test_reserve_gives_a_public_code_and_an_absolute_verify_url(settings):
    settings.SITE_URL = "https://khruakhai.example"
    document = sealed_document_reserve(kind="agreement", title="ข้อตกลง")
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", document.code)
    assert document.sealed_at is None
    assert not document.is_sealed
    assert verify_url(document) == f"https://khruakhai.example/verify/{document.code}/"
    other = sealed_document_reserve(kind="committee_report", title="รายงาน", language="en")
    assert other.code != document.code


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "language"), [("contract", "th"), ("agreement", "fr")])
def test_reserve_refuses_unknown_kind_or_language(kind, language):
    with pytest.raises(ValueError, match=r"^unknown (sealed document kind|language): "):
        sealed_document_reserve(kind=kind, title="x", language=language)
    assert not SealedDocument.objects.exists()


def test_qr_data_uri_is_a_png():
    uri = qr_data_uri("https://khruakhai.example/verify/abc/")
    assert uri.startswith("data:image/png;base64,")
    pdf = render_pdf(f'<p>QR</p><img src="{uri}" width="100">')
    assert len(PdfReader(BytesIO(pdf)).pages[0].images) == 1


@pytest.mark.django_db
def test_store_seals_saves_and_hashes(plain_pdf):
    document = sealed_document_reserve(kind="agreement", title="ข้อตกลงน้ำใจ")
    summary = {"network": "เครือข่ายน้ำใจ", "parties": []}
    stored = sealed_document_store(
        document=document, pdf=plain_pdf, summary=summary, content_sha256="ab" * 32
    )
    assert stored is document  # updated in place
    stored.refresh_from_db()
    data = stored.file.read()
    assert stored.file.name.startswith("sealed/")
    assert stored.sha256 == hashlib.sha256(data).hexdigest() == sha256_hex(data)
    assert stored.content_sha256 == "ab" * 32
    assert stored.summary == summary
    assert stored.sealed_at is not None
    assert stored.is_sealed
    assert check_seal(data).intact
    assert pdftotext(data).count("บันทึกข้อตกลง") == 1


@pytest.mark.django_db
def test_storing_twice_keeps_the_first_seal(plain_pdf):
    document = sealed_document_reserve(kind="agreement", title="ข้อตกลง")
    first = sealed_document_store(document=document, pdf=plain_pdf, summary={"a": 1})
    sha, name = first.sha256, first.file.name
    again = sealed_document_store(document=document, pdf=b"%PDF other", summary={"b": 2})
    assert again.sha256 == sha
    assert again.summary == {"a": 1}
    assert again.file.name == name
    # A stale copy of the row (another worker's) gets the stored values back.
    stale = SealedDocument.objects.get(pk=document.pk)
    stale.sha256 = ""
    assert sealed_document_store(document=stale, pdf=b"x", summary={}).sha256 == sha


def test_sealing_works_with_an_event_loop_running(plain_pdf):
    """A running loop (an async caller, Playwright's) must not break pyHanko's
    synchronous API, which calls asyncio.run inside."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def inside_a_loop():
        sealed = seal_pdf(plain_pdf, reason="in a loop")
        return check_seal(sealed)

    # In a thread of its own: this test's thread may already run a loop
    # (Playwright's, in the full suite), and asyncio.run refuses to nest.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result().intact


def test_the_key_is_parsed_once_and_signs_as_pyhankos_own_signer(plain_pdf, monkeypatch):
    from pyhanko.sign import signers
    from pyhanko.sign.signers import pdf_cms

    kept = seal_module.signer()
    own = signers.SimpleSigner(
        signing_cert=kept.signing_cert,
        signing_key=kept.signing_key,
        cert_registry=kept.cert_registry,
    )
    data = "เครือข่าย".encode()
    # RSA PKCS#1 v1.5 is deterministic: the same signature bytes.
    assert kept.sign_raw(data, "sha256") == own.sign_raw(data, "sha256")

    def parse(*args, **kwargs):
        raise AssertionError("the key was parsed again")

    # pyHanko's signer parses (and OpenSSL checks) the key per signature: ours does not.
    monkeypatch.setattr(pdf_cms.serialization, "load_der_private_key", parse)
    sealed = seal_pdf(plain_pdf, reason="parsed once")
    check = check_seal(sealed)
    assert check.intact
    assert check.trusted


def test_the_signatures_room_is_sized_by_pyhanko_once_per_key(plain_pdf, monkeypatch):
    kept = seal_module.signer()
    monkeypatch.setattr(kept, "room", None)
    dry_runs = []
    original = type(kept).async_sign

    async def counting(self, *args, **kwargs):
        dry_runs.append(kwargs.get("dry_run", False))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(type(kept), "async_sign", counting)
    sealed = [seal_pdf(plain_pdf, reason=f"seal {n}") for n in range(3)]
    # pyHanko sizes the first seal's room with a dry run; the next ones reuse it.
    assert dry_runs == [True, False, False, False]
    start, end = _hole(sealed[0])
    assert kept.room == end - start - 2
    assert {b - a for a, b in map(_hole, sealed)} == {end - start}
    assert all(check_seal(pdf).intact for pdf in sealed)
