"""The signed agreement PDF: rendered once every signature is in, sealed, verifiable."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import AgreementVersion
from core.pdf import check_seal
from core.sealing import sha256_hex
from tests.factories import PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = '<img src="file:///etc/passwd"> http://127.0.0.1/'


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _loose(text: str) -> str:
    """Whitespace collapsed (pdftotext breaks lines where the PDF does); Thai exact."""
    return " ".join(text.split())


def _fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


def _sign_everyone(version) -> AgreementVersion:
    for party in version.parties.select_related("signatory__user"):
        with f.after_commit():
            services.party_sign(
                party=party,
                user=party.signatory.user,
                password=PASSWORD,
                typed_name=party.signatory.full_name,
                ip="198.51.100.4",
                user_agent="Mozilla/5.0 (Test)",
            )
    version.refresh_from_db()
    return version


@pytest.fixture
def signed(cast, real_pdf):
    """A fully signed version whose sections carry hostile text, rendered by the task.
    The lead organisation is verified (with its official code), the partner is not."""
    from django.utils import timezone

    lead = cast.network.lead_organisation
    lead.official_code = "1050130001"
    lead.verified_at = timezone.now()
    lead.save()
    version = f.draft_for(cast)
    for field in ("basic_information", "planning", "other_matters"):
        setattr(version, field, f"{getattr(version, field)} {HOSTILE}")
    version.save()
    f.ResourceFactory(version=version, organisation=cast.partner_org, description=HOSTILE)
    with f.after_commit():
        services.version_send(version=version, user=cast.coordinator)
    return _sign_everyone(version)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_signed_pdf_text_fonts_and_seal(cast, signed, tmp_path):
    version = signed
    assert version.status == AgreementVersion.Status.SIGNED
    assert version.sealed_document is not None
    assert version.sealed_document_en is not None
    document = version.sealed_document
    data = document.file.open("rb").read()
    assert sha256_hex(data) == document.sha256
    assert document.content_sha256 == version.content_sha256

    text = _pdftotext(data, tmp_path)
    flat = _loose(text)
    assert _loose(cast.network.name_th) in flat
    for heading in (
        "ข้อมูลพื้นฐาน",
        "หน้าที่ของเครือข่าย",
        "เงิน/ทรัพยากรที่ใช้",
        "ระบบบริหารจัดการ",
        "การวางแผนและตัดสินใจ",
        "การติดต่อสื่อสาร",
        "การกำกับติดตาม",
        "การจัดทำรายงานและการจัดทำฐานข้อมูล",
        "งานอื่น ๆ",
    ):
        assert _loose(heading) in flat, heading
    assert version.content_sha256 in flat.replace(" ", "")
    assert document.code in flat.replace(" ", "")
    # Typed markup is printed as text, never treated as an image or a link.
    assert 'src="file:///etc/passwd"' in flat
    assert "http://127.0.0.1/" in flat
    assert "root:x:0:0" not in text
    # Each party's verified state on the signature page; the signers' IP address and
    # browser are not printed anywhere (they stay in the app's audit log).
    assert "ตรวจสอบแล้ว (รหัส 1050130001)" in flat
    assert "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ" in flat
    assert "198.51.100.4" not in flat
    assert "Mozilla/5.0" not in flat
    assert "หมายเลข IP" in flat  # only in the note saying where they are kept

    fonts = _fonts(data, tmp_path)
    font_names = [line.split()[0] for line in fonts.splitlines()[2:] if line.strip()]
    assert font_names, fonts
    assert all("Sarabun" in name for name in font_names), fonts

    seal = check_seal(data)
    assert seal.intact
    assert seal.certified
    assert seal.no_changes
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    assert not check_seal(bytes(flipped)).intact

    english = _pdftotext(version.sealed_document_en.file.open("rb").read(), tmp_path)
    flat_en = " ".join(english.split())
    for heading in ("Basic information", "Duties of the network", "Management system"):
        assert heading in flat_en
    assert "Verified (code 1050130001)" in flat_en
    assert "Not yet verified by a site administrator" in flat_en
    assert "198.51.100.4" not in flat_en
    assert "Mozilla/5.0" not in flat_en

    # Everyone is told, with the PDF link, once.
    signed_notices = [m for m in mail.outbox if "/pdf/" in m.body]
    assert {m.to[0] for m in signed_notices} == {cast.coordinator.email, cast.partner.email}
    assert len(signed_notices) == 2


def test_verify_page_says_match_and_mismatch(cast, signed, client):
    document = signed.sealed_document
    data = document.file.open("rb").read()
    url = f"/verify/{document.code}/"
    page = client.get(url)
    assert page.status_code == 200
    assert cast.network.name_th in page.content.decode()
    # Each party's verified state, as the record states it.
    assert "ตรวจสอบแล้ว (รหัส 1050130001)" in page.content.decode()
    assert "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ" in page.content.decode()
    good = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", data, "application/pdf")})
    assert good.context["result"].identical
    assert good.context["result"].seal.intact
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    bad = client.post(url, {"pdf": SimpleUploadedFile("b.pdf", bytes(flipped), "application/pdf")})
    assert not bad.context["result"].identical
    assert not bad.context["result"].seal.intact


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")
def test_the_signature_page_renders_in_thai(cast, signed, tmp_path):
    """The signature page as an image (pdftoppm): kept under test-artifacts/ to look
    at; the check here is only that the page has ink where the blocks are."""
    from pathlib import Path

    pdf = tmp_path / "th.pdf"
    pdf.write_bytes(signed.sealed_document.file.open("rb").read())
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(next(line for line in pages.splitlines() if line.startswith("Pages:")).split()[1])
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "agreements"
    out.mkdir(parents=True, exist_ok=True)
    # The signatures start a page; the appendix is the last page.
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            str(count - 1),
            "-l",
            str(count),
            str(pdf),
            str(out / "signed-th"),
        ],
        check=True,
    )
    images = sorted(out.glob("signed-th-*.png"))
    assert len(images) >= 2
    assert all(p.stat().st_size > 2000 for p in images)


def test_nothing_outside_static_is_fetched(cast, signed, monkeypatch):
    """Re-render with a spy on the fetcher: typed URLs never reach it."""
    from core.pdf import fetcher

    asked = []
    original = fetcher.StaticOnlyFetcher.fetch

    def spy(self, url, *args, **kwargs):
        asked.append(url)
        return original(self, url, *args, **kwargs)

    monkeypatch.setattr(fetcher.StaticOnlyFetcher, "fetch", spy)
    services.version_pdf_render_one(version=signed, language="th", document=signed.sealed_document)
    assert asked, "the spy saw no fetch at all (fonts and the QR code go through it)"
    assert not any("etc/passwd" in u or "127.0.0.1" in u for u in asked), asked


def test_pdf_download_is_the_sealed_file_for_members(cast, signed):
    url = f"/networks/{cast.network.slug}/agreement/v{signed.number}/pdf/"
    response = cast.client("partner").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert sha256_hex(body) == signed.sealed_document.sha256
    english = cast.client("chair").get(url + "?lang=en")
    assert b"".join(english.streaming_content) == signed.sealed_document_en.file.open("rb").read()
    assert cast.client("other_partner").get(url).status_code == 404


def test_render_task_twice_keeps_one_document_per_language(cast, signed):
    first = (signed.sealed_document_id, signed.sealed_document_en_id)
    services.version_pdf_render(version_id=signed.id)
    signed.refresh_from_db()
    assert (signed.sealed_document_id, signed.sealed_document_en_id) == first
