"""Evidence limits (issue 12, item 6): what each check reads, the limits from settings,
and honest files still accepted. The attacks themselves are replayed end to end in
tests/security/attacks/test_uploads.py."""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, ImageOps

from roadmap import evidence
from roadmap.evidence import office
from roadmap.models import Evidence, ProgressUpdate

from . import bombs
from .factories import MINIMAL_PDF, ActivityFactory, EvidenceFactory

MB = 1024 * 1024


class CountingBytes(io.BytesIO):
    """A file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def _zip(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _code(content: bytes, name: str = "x.docx") -> str:
    with pytest.raises(ValidationError) as refused:
        evidence.evidence_check(SimpleUploadedFile(name, content))
    return refused.value.error_list[0].code


# --- office documents: what is read --------------------------------------------------
def test_a_zip_bomb_is_refused_on_its_directory_without_inflating_a_byte():
    bomb = bombs.zip_bomb(300 * MB)
    stream = CountingBytes(bomb)
    with pytest.raises(ValidationError) as refused:
        office.office_zip(stream, name="bomb.odt")
    assert refused.value.code == "zip_unpacked"
    # The end record and the directory: a few hundred bytes of a 300 KB file.
    assert stream.bytes_read < 1_000 < len(bomb) // 100


def test_a_part_that_lies_about_its_size_is_inflated_one_byte_past_the_lie():
    bomb = bombs.lying_zip_bomb(300 * MB)
    stream = CountingBytes(bomb)
    with pytest.raises(ValidationError) as refused:
        office.office_zip(stream, name="bomb.odt")
    assert refused.value.code == "zip_overflow"
    # At most one step of compressed bytes (plus headers), not the 300 KB that
    # zipfile.read() would have gone through; and the part itself is never read past
    # its declared 39 bytes plus one.
    assert stream.bytes_read <= office.STEP + 1_000 < len(bomb)
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        info = archive.getinfo("mimetype")
    assert info.file_size == len(bombs.ODT)
    with pytest.raises(office._Overflow):
        office.inflate_part(io.BytesIO(bomb), info)


def test_inflate_part_returns_only_what_it_keeps_and_checks_the_crc():
    # Hex digests: text that packs about 2 to 1, like a real document's XML.
    body = b"".join(hashlib.sha256(b"%d" % i).hexdigest().encode() for i in range(8_000))
    data = b"<w:document>" + body + b"</w:document>"
    archive = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": data})
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        info = opened.getinfo("word/document.xml")
    assert office.inflate_part(io.BytesIO(archive), info, keep=12) == b"<w:document>"
    assert office.inflate_part(io.BytesIO(archive), info) == b""
    wrong_crc = bytearray(archive)
    central = archive.rindex(b"PK\x01\x02")  # the last entry: word/document.xml
    struct.pack_into("<I", wrong_crc, central + 16, info.CRC ^ 1)
    assert _code(bytes(wrong_crc)) == "zip_damaged"


def test_too_many_parts_are_refused_before_zipfile_lists_them(cast):
    many = bombs.many_parts_zip(6_000)
    stream = CountingBytes(many)
    with pytest.raises(ValidationError) as refused:
        office.office_zip(stream, name="many.docx")
    assert refused.value.code == "zip_entries"
    assert stream.bytes_read == 0  # counted in the buffer; zipfile never started
    assert refused.value.params["count"] == 6_001


def test_a_zip_packed_tighter_than_the_ratio_is_refused():
    # 50 MB of zeros: under the 200 MB unpacked limit, but about 1000 to 1.
    dense = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(50 * MB)})
    assert _code(dense) == "zip_ratio"


def test_parts_sharing_their_bytes_are_refused():
    """Two directory entries pointing at one part: together they declare more than the
    file holds, the trick of the overlapping zip bomb."""
    archive = bytearray(_zip({"[Content_Types].xml": b"<Types/>", "word/a.xml": b"a" * 4000}))
    directory = archive.index(b"PK\x01\x02")
    end = archive.index(b"PK\x05\x06")
    second = archive.index(b"PK\x01\x02", directory + 4)
    first_entry = bytes(archive[directory:second])
    doubled = archive[:end] + first_entry.replace(b"[Content_Types].xml", b"[Content_Types].xmk")
    eocd = bytearray(archive[end:])
    struct.pack_into("<HH", eocd, 8, 3, 3)
    struct.pack_into("<I", eocd, 12, len(doubled) - directory)
    assert _code(bytes(doubled + eocd)) == "zip_damaged"


def test_a_part_packed_with_an_unusual_method_is_refused():
    archive = _zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>" * 100},
        zipfile.ZIP_BZIP2,
    )
    assert _code(archive) == "zip_damaged"


def test_a_plain_zip_bomb_is_refused_as_not_a_document_without_inflating():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", bytes(50 * MB))
    stream = CountingBytes(out.getvalue())
    assert office.office_zip(stream, name="z.zip") is None
    assert stream.bytes_read < 1_000


def test_zip_limits_come_from_settings(settings):
    settings.EVIDENCE_ZIP_MAX_ENTRIES = 2
    assert _code(bombs.docx()) == "zip_entries"
    settings.EVIDENCE_ZIP_MAX_ENTRIES = 100
    settings.EVIDENCE_ZIP_MAX_UNPACKED_BYTES = 1_000
    assert _code(bombs.docx()) == "zip_unpacked"


# --- images --------------------------------------------------------------------------
def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header says width × height and whose pixel data is garbage: decoding
    it fails, so a refusal that names the size proves nothing was decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + bombs._png_chunk(b"IHDR", header)
        + bombs._png_chunk(b"IDAT", b"not zlib at all" * 10)
        + bombs._png_chunk(b"IEND", b"")
    )


def test_an_image_over_the_pixel_cap_is_refused_from_its_header(monkeypatch):
    # WeasyPrint, once imported, makes Pillow fill in what it cannot decode; pinned here
    # to Pillow's own default so that decoding the garbage below fails in any test order.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    png = _png_header_only(8_000, 6_000)  # 48 million: under Pillow's own limit
    with pytest.raises(ValidationError) as refused:
        evidence.evidence_check(SimpleUploadedFile("big.png", png))
    assert refused.value.code == "image_pixels"
    assert refused.value.params["width"] == 8_000
    assert refused.value.params["pixels"] == "48"
    # The same file under the cap is decoded, and its garbage data found out.
    with pytest.raises(ValidationError) as unreadable:
        evidence.evidence_check(SimpleUploadedFile("small.png", _png_header_only(800, 600)))
    assert unreadable.value.code == "image"


def test_pillows_bomb_warning_is_an_error_only_inside_the_check():
    filters = list(warnings.filters)
    limit = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ValidationError) as refused:
        evidence.evidence_check(SimpleUploadedFile("huge.png", _png_header_only(13_000, 13_000)))
    assert refused.value.code == "image_pixels"
    assert warnings.filters == filters
    assert limit == Image.MAX_IMAGE_PIXELS


def test_the_pixel_cap_comes_from_settings(settings):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 1_000
    raw = io.BytesIO()
    Image.new("RGB", (40, 30)).save(raw, format="JPEG")
    with pytest.raises(ValidationError) as refused:
        evidence.evidence_check(SimpleUploadedFile("photo.jpg", raw.getvalue()))
    assert refused.value.params["pixels"] == "0.0012"  # 1,200 pixels, in millions
    assert "40 × 30" in refused.value.messages[0]


@pytest.mark.parametrize("exif_last", [False, True], ids=["exif-first", "exif-after-pixels"])
def test_a_png_that_must_turn_counts_double(settings, exif_last):
    """A PNG is turned in memory (a second copy of its pixels), so one that must turn
    may have half the pixels; told before the pixels, it is refused undecoded."""
    png = bombs.png_turned(40, 30, exif_last=exif_last)  # 1,200 pixels
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 2_000
    with pytest.raises(ValidationError) as refused:
        evidence.evidence_check(SimpleUploadedFile("turned.png", png))
    assert refused.value.code == "image_pixels"
    assert "ต้องหมุนภาพให้ตั้งตรง" in refused.value.messages[0]
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 2_400
    checked = evidence.evidence_check(SimpleUploadedFile("turned.png", png))
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert stored.size == (30, 40)
        assert not stored.getexif()


# --- through the page: honest files, per-update limits, the quota ---------------------
@pytest.fixture
def activity(cast):
    return ActivityFactory(network=cast.network, owners=[cast.partner_org])


def _post(cast, activity, *files):
    return cast.client("partner").post(
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


def _jpeg_with_secrets() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = 6  # Orientation: turn 90° to be upright
    raw = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>13,45N</exif:GPSLatitude>'
    image.save(
        raw, format="JPEG", exif=exif.tobytes(), xmp=xmp + b"</x:xmpmeta>", comment=b"home-addr"
    )
    return raw.getvalue()


@pytest.mark.django_db
def test_honest_files_are_accepted(cast, activity):
    png = io.BytesIO()
    Image.new("RGBA", (64, 48), (0, 128, 0, 255)).save(png, format="PNG")
    files = {
        "บันทึก.docx": bombs.docx(),
        "ตาราง.xlsx": bombs.xlsx(),
        "รายงาน.odt": bombs.odt(),
        "แผนภาพ.png": png.getvalue(),
        "ภาพถ่าย.jpg": _jpeg_with_secrets(),
        "สรุป.pdf": MINIMAL_PDF,
    }
    response = _post(cast, activity, *(SimpleUploadedFile(n, c) for n, c in files.items()))
    assert response.status_code == 200, response.content.decode()[:2000]
    stored = {e.original_name: e for e in Evidence.objects.all()}
    assert set(stored) == set(files)
    assert stored["บันทึก.docx"].content_type.endswith("wordprocessingml.document")
    assert stored["ตาราง.xlsx"].content_type.endswith("spreadsheetml.sheet")
    assert stored["รายงาน.odt"].content_type == "application/vnd.oasis.opendocument.text"
    for name in ("บันทึก.docx", "ตาราง.xlsx", "รายงาน.odt"):
        assert stored[name].file.open("rb").read() == files[name]  # stored as sent
    photo = stored["ภาพถ่าย.jpg"].file.open("rb").read()
    for secret in (b"SpyCam", b"GPSLatitude", b"home-addr"):
        assert secret not in photo
    with Image.open(io.BytesIO(photo)) as stored_photo:
        # Of the EXIF only the orientation is left: the pixels stay as the camera
        # stored them (turning them would copy them), and viewers turn them upright.
        assert dict(stored_photo.getexif()) == {0x0112: 6}
        assert stored_photo.size == (40, 30)
        assert ImageOps.exif_transpose(stored_photo).size == (30, 40)
    with Image.open(stored["แผนภาพ.png"].file.open("rb")) as stored_png:
        assert stored_png.size == (64, 48)
        assert stored_png.mode == "RGBA"


@pytest.mark.django_db
def test_a_bomb_among_honest_files_refuses_the_whole_update(cast, activity):
    response = _post(
        cast,
        activity,
        SimpleUploadedFile("ดี.pdf", MINIMAL_PDF),
        SimpleUploadedFile("ระเบิด.odt", bombs.zip_bomb(300 * MB)),
    )
    assert response.status_code == 422
    assert "ระเบิด.odt" in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_eleven_files_are_refused_saying_how_many(cast, activity):
    files = [SimpleUploadedFile(f"{i}.pdf", MINIMAL_PDF) for i in range(11)]
    response = _post(cast, activity, *files)
    assert response.status_code == 422
    assert "แนบไฟล์ได้ครั้งละไม่เกิน 10 ไฟล์ แต่ครั้งนี้แนบมา 11 ไฟล์" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_per_update_limits_come_from_settings(cast, activity, settings):
    settings.EVIDENCE_MAX_FILES = 1
    response = _post(cast, activity, *(SimpleUploadedFile(f"{i}.pdf", MINIMAL_PDF) for i in "ab"))
    assert "แต่ครั้งนี้แนบมา 2 ไฟล์" in response.content.decode()
    settings.EVIDENCE_MAX_FILES = 10
    settings.EVIDENCE_MAX_UPDATE_BYTES = 200
    response = _post(cast, activity, *(SimpleUploadedFile(f"{i}.pdf", MINIMAL_PDF) for i in "ab"))
    assert "ไฟล์ที่แนบมามีขนาดรวม 250\xa0ไบต์" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_the_quota_is_reached_exactly_and_not_passed(cast, activity, settings):
    settings.EVIDENCE_MAX_ACTIVITY_BYTES = 1_000
    EvidenceFactory(update__activity=activity, size=1_000 - len(MINIMAL_PDF))
    activity.refresh_from_db()
    assert _post(cast, activity, SimpleUploadedFile("a.pdf", MINIMAL_PDF)).status_code == 200
    activity.refresh_from_db()
    response = _post(cast, activity, SimpleUploadedFile("b.pdf", MINIMAL_PDF))
    assert response.status_code == 422
    assert "ซึ่งเกินขีดจำกัด 1000\xa0ไบต์ ต่อกิจกรรม" in response.content.decode()
    # An update without files still goes through on a full activity.
    activity.refresh_from_db()
    assert _post(cast, activity).status_code == 200
    assert Evidence.objects.filter(update__activity=activity).count() == 2
