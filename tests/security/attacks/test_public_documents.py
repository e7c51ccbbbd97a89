"""Public documents (issue 12, item 7 and parts of 1 and 8), replayed by an anonymous
visitor holding nothing but a verify address, the way it is printed on every PDF.

- /verify/<code>/pdf handed anyone the sealed agreement, whose audit appendix printed
  every signer's IP address and browser (and the committee report, with partners'
  narratives). The page now serves no file and the PDF prints no address.
- An upload on the verify page was parsed by pyHanko whatever it declared: 200,000
  objects appended to a sealed PDF cost seconds of CPU per upload, with no limit on
  uploads. Now the hash is compared first (the record's own bytes are never parsed),
  a file declaring more than any sealed document of ours is refused before pyHanko
  sees it, and uploads are counted per client address in the throttle store, which
  no database transaction rolls back.

No timing is asserted: pyHanko's reader is watched instead, and asked nothing.
On c866946 every test here fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion
from core.models import SealedDocument
from core.sealing import sha256_hex
from tests.agreements import factories as agreement_factories
from tests.core.pdf_helpers import signing_dir  # noqa: F401
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_dir")]

SIGNER_IP = "198.51.100.4"
SIGNER_UA = "Mozilla/5.0 (X11; Linux) SignerBrowser/7.3"
ATTACKER = "203.0.113.66"
SOMEONE_ELSE = "203.0.113.67"


@pytest.fixture(autouse=True)
def _fresh_upload_counters():
    try:
        from core import throttle
        from core.verify_views import upload_counter_key
    except ImportError:  # c866946 counted nothing
        yield
        return
    keys = [upload_counter_key(a) for a in (ATTACKER, SOMEONE_ELSE, "127.0.0.1")]
    for key in keys:
        throttle.clear(key)
    yield
    for key in keys:
        throttle.clear(key)


@pytest.fixture
def pyhanko_reads(monkeypatch):
    """Every PDF pyHanko's reader opens and every signature it validates for a seal
    check (the work the bombs make expensive)."""
    from core.pdf import seal

    opened = []
    reader = seal.PdfFileReader
    validate = seal.validate_pdf_signature

    def watched_reader(stream, *args, **kwargs):
        opened.append("read")
        return reader(stream, *args, **kwargs)

    def watched_validate(*args, **kwargs):
        opened.append("validate")
        return validate(*args, **kwargs)

    monkeypatch.setattr(seal, "PdfFileReader", watched_reader)
    monkeypatch.setattr(seal, "validate_pdf_signature", watched_validate)
    return opened


@pytest.fixture
def signed(cast):
    """An agreement both parties signed through the sign page, from a known address and
    browser; the Thai and English PDFs rendered and sealed by the real task."""
    version = agreement_factories.sent_for(cast)
    url = f"/networks/{cast.network.slug}/agreement/v{version.number}/sign/"
    for name in ("partner", "coordinator"):
        client = cast.client(name)
        user = cast.user(name)
        with agreement_factories.after_commit():
            response = client.post(
                url,
                {"password": PASSWORD, "typed_name": user.person.full_name, "confirm": "on"},
                REMOTE_ADDR=SIGNER_IP,
                HTTP_USER_AGENT=SIGNER_UA,
            )
        assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.SIGNED
    assert version.sealed_document is not None
    assert version.sealed_document.file
    return version


def _stored(document: SealedDocument) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def _text(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs poppler-utils (pdftotext)")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def _with_objects(pdf: bytes, count: int) -> bytes:
    """``pdf`` with ``count`` tiny objects appended as an incremental update, the way
    an editor saves a change: still a readable PDF carrying the original seal."""
    first = max(int(n) for n in re.findall(rb"/Size\s+(\d+)", pdf))
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    root = re.findall(rb"/Root\s+(\d+\s+\d+\s+R)", pdf)[-1]
    parts, offsets, at = [pdf], [], len(pdf)
    for number in range(first, first + count):
        chunk = b"%d 0 obj\n<< /A %d >>\nendobj\n" % (number, number)
        offsets.append(at)
        parts.append(chunk)
        at += len(chunk)
    parts.append(b"xref\n%d %d\n" % (first, count))
    parts.append(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    parts.append(
        b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (first + count, root, previous, at)
    )
    return b"".join(parts)


def _upload(client: Client, document: SealedDocument, data: bytes, address: str):
    return client.post(
        f"/verify/{document.code}/",
        {"pdf": SimpleUploadedFile("copy.pdf", data, "application/pdf")},
        REMOTE_ADDR=address,
    )


# --- the document is not handed out, and prints no address -------------------------
def test_the_verify_address_hands_out_no_document_and_the_pdf_no_address(cast, signed, tmp_path):
    anonymous = Client()
    for document in (signed.sealed_document, signed.sealed_document_en):
        # The address the attacker tried: nothing there any more.
        response = anonymous.get(f"/verify/{document.code}/pdf")
        assert response.status_code == 404
        assert b"%PDF" not in response.content
        page = anonymous.get(f"/verify/{document.code}/")
        assert page.status_code == 200
        assert f"/verify/{document.code}/pdf" not in page.content.decode()

        # The sealed file itself (wherever a member passes it on) prints no signer's
        # IP address or browser.
        text = _text(_stored(document), tmp_path)
        assert SIGNER_IP not in text
        assert "SignerBrowser" not in text
        assert "Mozilla/5.0" not in text

    # The audit log in the app still has them, for the coordinators only.
    version_page = f"/networks/{cast.network.slug}/agreement/v{signed.number}/"
    assert SIGNER_IP in cast.client("coordinator").get(version_page).content.decode()
    assert SIGNER_IP not in cast.client("partner").get(version_page).content.decode()

    # Members still download the PDFs inside the app, behind its permissions.
    download = f"/networks/{cast.network.slug}/agreement/v{signed.number}/pdf/"
    member = cast.client("partner").get(download)
    assert member.status_code == 200
    assert sha256_hex(b"".join(member.streaming_content)) == signed.sealed_document.sha256
    assert anonymous.get(download).status_code == 302  # to the login page
    assert reverse("reports:committee_pdf", kwargs={"slug": cast.network.slug, "pk": 1})


# --- uploads are not parsed at any cost -----------------------------------------------
def test_an_object_bomb_on_the_verify_page_is_answered_without_pyhanko(cast, signed, pyhanko_reads):
    anonymous = Client()
    anonymous.cookies["khruakhai_language"] = "en"
    genuine = signed.sealed_document
    bomb = _with_objects(_stored(genuine), 200_000)
    assert len(bomb) > 10 * 1024 * 1024  # about 11 MB, under the 20 MB upload cap

    # Not identical to the record: refused by the pre-scan, pyHanko never opens it.
    response = _upload(anonymous, genuine, bomb, ATTACKER)
    assert pyhanko_reads == []
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.identical
    assert not result.seal.intact
    page = response.content.decode()
    assert "Mismatch: the file is not identical" in page
    assert "It was not examined further" in page

    # Identical to a record (a record whose file is that bomb): the hash answers.
    record = SealedDocument(
        kind=SealedDocument.Kind.AGREEMENT,
        title="ข้อตกลงขนาดใหญ่",
        sha256=sha256_hex(bomb),
        sealed_at=timezone.now(),
    )
    record.file.save(f"{record.code}.pdf", ContentFile(bomb), save=False)
    record.save()
    response = _upload(anonymous, record, bomb, ATTACKER)
    assert response.status_code == 200
    assert response.context["result"].identical
    assert "Match: the file is byte-for-byte identical" in response.content.decode()
    assert pyhanko_reads == []

    # And the genuine file is recognised from its hash alone.
    response = _upload(anonymous, genuine, _stored(genuine), ATTACKER)
    assert response.context["result"].identical
    assert response.context["result"].seal.intact
    assert pyhanko_reads == []

    # The caps leave room for every document we seal: both sealed PDFs pass them.
    from core.sealing import upload_too_complex

    assert not upload_too_complex(_stored(genuine))
    assert not upload_too_complex(_stored(signed.sealed_document_en))


# --- uploads are counted per address ----------------------------------------------------
def test_uploads_beyond_the_limit_get_429_for_that_address_only(cast, signed, settings):
    settings.VERIFY_UPLOADS_ALLOWED = 3
    anonymous = Client()
    anonymous.cookies["khruakhai_language"] = "en"
    document = signed.sealed_document
    junk = b"%PDF-1.7\n% not the record\n"

    # The first uploads run inside a transaction that is rolled back afterwards, as a
    # request that fails would be: the count must survive it.
    def three_uploads_then_fail() -> None:
        with transaction.atomic():
            for _ in range(3):
                assert _upload(anonymous, document, junk, ATTACKER).status_code == 200
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError, match="roll back"):
        three_uploads_then_fail()

    refused = _upload(anonymous, document, junk, ATTACKER)
    assert refused.status_code == 429
    assert refused.context["result"] is None
    assert "Too many files were checked from your address" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0

    # Thai by default, still 429.
    thai = _upload(Client(), document, junk, ATTACKER)
    assert thai.status_code == 429
    assert "มีการตรวจสอบไฟล์จากที่อยู่ของคุณมากเกินไป" in thai.content.decode()

    # Someone else still checks their copy.
    other = _upload(Client(), document, _stored(document), SOMEONE_ELSE)
    assert other.status_code == 200
    assert other.context["result"].identical
