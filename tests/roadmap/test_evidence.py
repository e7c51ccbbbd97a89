from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from roadmap.models import Evidence, ProgressUpdate

from .factories import MINIMAL_PDF, ActivityFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

# The first bytes of a Linux ELF and a Windows PE executable.
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _post(cast, activity, *files, who="partner"):
    return cast.client(who).post(
        f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/progress/",
        {
            "percent": 50,
            "status": "in_progress",
            "narrative": "แนบหลักฐาน",
            "version": activity.version,
            "files": list(files),
        },
        HTTP_HX_REQUEST="true",
    )


@pytest.fixture
def activity(cast):
    return ActivityFactory(network=cast.network, owners=[cast.partner_org])


@pytest.mark.parametrize("content", [ELF, PE], ids=["elf", "pe"])
def test_an_executable_renamed_pdf_is_refused(cast, activity, content, settings):
    response = _post(cast, activity, SimpleUploadedFile("report.pdf", content, "application/pdf"))
    assert response.status_code == 422
    assert "report.pdf" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_over_the_limit_is_refused(cast, activity, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    big = MINIMAL_PDF + b"%" * 200
    response = _post(cast, activity, SimpleUploadedFile("big.pdf", big, "application/pdf"))
    assert response.status_code == 422
    assert "big.pdf" in response.content.decode()
    assert not Evidence.objects.exists()
    activity.refresh_from_db()
    assert activity.version == 1  # nothing changed


def test_a_path_in_the_name_is_stored_under_a_generated_name(cast, activity, settings):
    response = _post(
        cast, activity, SimpleUploadedFile("../../x.pdf", MINIMAL_PDF, "application/pdf")
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.original_name == "x.pdf"
    assert evidence.file.name.startswith("evidence/")
    assert ".." not in evidence.file.name
    assert evidence.file.name != "evidence/x.pdf"  # a uuid, not the uploader's name
    stored = (settings.MEDIA_ROOT / evidence.file.name).resolve()
    assert stored.is_relative_to(settings.MEDIA_ROOT.resolve())
    assert stored.is_file()
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(MINIMAL_PDF)
    download = cast.client("chair").get(
        f"/networks/{cast.network.slug}/roadmap/evidence/{evidence.pk}/"
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert b"".join(download.streaming_content) == MINIMAL_PDF


def test_a_thai_file_name_downloads_with_rfc6266_filename_star(cast, activity):
    _post(cast, activity, SimpleUploadedFile("รายงานผล.pdf", MINIMAL_PDF, "application/pdf"))
    evidence = Evidence.objects.get()
    response = cast.client("partner").get(
        f"/networks/{cast.network.slug}/roadmap/evidence/{evidence.pk}/"
    )
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E0%B8%A3" in response["Content-Disposition"]  # ร, percent-encoded


def test_the_real_extension_replaces_a_misleading_one(cast, activity):
    _post(cast, activity, SimpleUploadedFile("photo.exe", MINIMAL_PDF, "application/x-msdownload"))
    assert Evidence.objects.get().original_name == "photo.pdf"


def test_another_networks_partner_cannot_download_evidence(cast):
    evidence = EvidenceFactory(
        update__activity=ActivityFactory(network=cast.network, owners=[cast.partner_org])
    )
    url = f"/networks/{cast.network.slug}/roadmap/evidence/{evidence.pk}/"
    assert cast.client("other_partner").get(url).status_code == 404
    # nor by putting their own network's slug in the address
    other = f"/networks/{cast.other_network.slug}/roadmap/evidence/{evidence.pk}/"
    assert cast.client("other_partner").get(other).status_code == 404


def test_image_metadata_is_stripped(cast, activity):
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0131] = "secret-software"  # Software
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif.tobytes())
    assert b"SpyCam" in raw.getvalue()
    response = _post(cast, activity, SimpleUploadedFile("photo.jpg", raw.getvalue(), "image/jpeg"))
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    data = evidence.file.open("rb").read()
    assert b"SpyCam" not in data
    assert b"secret-software" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert not stored.getexif()
        assert stored.size == (40, 30)
    assert evidence.content_type == "image/jpeg"
    assert evidence.size == len(data)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_office_documents_are_recognised_by_their_parts(cast, activity):
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    response = _post(cast, activity, SimpleUploadedFile("แผนงาน.docx", docx))
    assert response.status_code == 200
    assert Evidence.objects.get().content_type.endswith("wordprocessingml.document")


def test_a_plain_zip_named_docx_is_refused(cast, activity):
    fake = _zip({"payload.sh": b"#!/bin/sh\necho hi\n"})
    response = _post(cast, activity, SimpleUploadedFile("plan.docx", fake))
    assert response.status_code == 422
    assert not Evidence.objects.exists()
