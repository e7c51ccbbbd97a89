"""Evidence files: the type is read from the content, never from the name.

An upload is accepted when libmagic recognises it as a PDF, an image or an office
document, and it fits settings.EVIDENCE_MAX_BYTES. Images are decoded and saved
again by Pillow, which drops EXIF (GPS positions, device serials) and anything
appended after the image data; a JPEG keeps one EXIF tag, its orientation.

Nothing is decoded before what it will cost is known to be bounded. An image's pixel
count is read from its header and refused over the cap before Pillow decodes a pixel.
An office document (a zip) is refused on its directory alone when it has too many
parts, declares too much unpacked data or is packed tighter than any document is;
each part is then inflated a step at a time and never past its declared size plus
one byte, so a part that lies about its size is caught one byte after the lie instead
of gigabytes later. A few hundred kilobytes of upload can otherwise hold gigabytes.

The limits are the module constants below; each can be overridden in settings under
the name given beside it (``limits()`` reads them per request, so tests and
deployments change them without touching this file).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import struct
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import BinaryIO

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps

MB = 1024 * 1024

# --- limits (settings.EVIDENCE_<NAME> overrides each) ------------------------------------
MAX_FILES = 10  # EVIDENCE_MAX_FILES: files in one progress update
MAX_UPDATE_BYTES = 50 * MB  # EVIDENCE_MAX_UPDATE_BYTES: all files of one progress update
MAX_ACTIVITY_BYTES = 500 * MB  # EVIDENCE_MAX_ACTIVITY_BYTES: evidence stored per activity
# EVIDENCE_MAX_IMAGE_PIXELS. A phone photo is 12 or 24 million pixels. Pillow holds 4
# bytes a pixel: 25 million decode to 100 MB, which with a worker's own ~140 MB stays
# under 300 MB (bench/bench_uploads.py: a 24-million-pixel photo took a worker to 253 MB;
# 40 million went past 330 MB).
MAX_IMAGE_PIXELS = 25_000_000
# EVIDENCE_ZIP_MAX_ENTRIES. A long slide deck with its pictures has a few thousand parts.
ZIP_MAX_ENTRIES = 5_000
# EVIDENCE_ZIP_MAX_UNPACKED_BYTES: the declared size of all parts together.
ZIP_MAX_UNPACKED_BYTES = 200 * MB
# EVIDENCE_ZIP_MAX_RATIO: unpacked bytes per byte of the file. XML packs 5–20 to 1 and
# pictures about 1 to 1; a zip bomb packs about 1000 to 1.
ZIP_MAX_RATIO = 100


@dataclass(frozen=True)
class Limits:
    max_files: int
    max_update_bytes: int
    max_activity_bytes: int
    max_image_pixels: int
    zip_max_entries: int
    zip_max_unpacked_bytes: int
    zip_max_ratio: int


def limits() -> Limits:
    """The limits in force: the settings' values where set, else the defaults above."""
    return Limits(
        max_files=getattr(settings, "EVIDENCE_MAX_FILES", MAX_FILES),
        max_update_bytes=getattr(settings, "EVIDENCE_MAX_UPDATE_BYTES", MAX_UPDATE_BYTES),
        max_activity_bytes=getattr(settings, "EVIDENCE_MAX_ACTIVITY_BYTES", MAX_ACTIVITY_BYTES),
        max_image_pixels=getattr(settings, "EVIDENCE_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS),
        zip_max_entries=getattr(settings, "EVIDENCE_ZIP_MAX_ENTRIES", ZIP_MAX_ENTRIES),
        zip_max_unpacked_bytes=getattr(
            settings, "EVIDENCE_ZIP_MAX_UNPACKED_BYTES", ZIP_MAX_UNPACKED_BYTES
        ),
        zip_max_ratio=getattr(settings, "EVIDENCE_ZIP_MAX_RATIO", ZIP_MAX_RATIO),
    )


PDF = "application/pdf"
IMAGES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
# Only the plugin of the format libmagic found may parse an image: Pillow would otherwise
# try each of its plugins in turn on whatever the bytes resemble.
PILLOW_FORMATS = {
    "image/jpeg": ["JPEG"],
    "image/png": ["PNG"],
    "image/webp": ["WEBP"],
    "image/gif": ["GIF"],
}
OOXML = {
    "word/": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
ODF = {
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
}
LEGACY_OFFICE = {
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.ms-powerpoint": ".ppt",
}
ALLOWED = {PDF: ".pdf"} | IMAGES | {t: e for t, e in OOXML.values()} | ODF | LEGACY_OFFICE


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, ready to store."""

    name: str
    content: bytes
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def safe_name(name: str, extension: str) -> str:
    """The name shown on download: no folders, no control characters, the real extension."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = PurePosixPath(base).stem if PurePosixPath(base).suffix else base
    stem = stem[:150] or "evidence"
    return f"{stem}{extension}"


# --- office documents (zip) ----------------------------------------------------------
CENTRAL_HEADER = b"PK\x01\x02"
LOCAL_HEADER = b"PK\x03\x04"
LOCAL_HEADER_SIZE = 30
# Compressed bytes read, and most bytes inflated, at a time: what one part costs in memory.
STEP = 64 * 1024
# An ODF mimetype part is one line of ~46 bytes; this is all of it that is ever read.
MIMETYPE_MAX_BYTES = 256


class _Damaged(Exception):
    """The archive is not what its directory says: a bad header, a cut, a wrong CRC."""


class _Overflow(Exception):
    """A part inflates to more bytes than its directory entry declares."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


def inflate_part(
    stream: BinaryIO, info: zipfile.ZipInfo, *, keep: int = 0, end: int | None = None
) -> bytes:
    """Inflate one part in steps, checking it against its declared size and CRC.

    Produces at most the declared size plus one byte (the byte that proves the
    declaration false: _Overflow), holds at most one step in memory, and returns the
    first ``keep`` bytes. ``end`` is where the next part begins: a part whose bytes run
    into it shares them with another (_Damaged). zipfile's own reader is not used: it
    stops quietly at the declared size, so it can neither see the lie nor be asked to
    stop early.
    """
    if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Damaged  # encrypted, or packed in a way office programs do not use
    stream.seek(info.header_offset)
    header = stream.read(LOCAL_HEADER_SIZE)
    if len(header) != LOCAL_HEADER_SIZE or not header.startswith(LOCAL_HEADER):
        raise _Damaged
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + LOCAL_HEADER_SIZE + name_length + extra_length
    if end is not None and start + info.compress_size > end:
        raise _Damaged  # overlaps the next part
    stream.seek(start)
    deflated = info.compress_type == zipfile.ZIP_DEFLATED
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if deflated else None
    compressed_left = info.compress_size
    produced, crc, head = 0, 0, b""
    pending = b""
    while True:
        if not pending:
            if compressed_left <= 0:
                break
            pending = stream.read(min(STEP, compressed_left))
            if not pending:
                raise _Damaged  # the file ends inside the part
            compressed_left -= len(pending)
        room = info.file_size + 1 - produced  # never 0: zlib reads max_length=0 as "no limit"
        if inflater is None:
            out, pending = pending[:room], pending[room:]
        else:
            try:
                out = inflater.decompress(pending, min(STEP, room))
            except zlib.error:
                raise _Damaged from None
            pending = inflater.unconsumed_tail
        produced += len(out)
        if produced > info.file_size:
            raise _Overflow(info.filename)
        crc = zlib.crc32(out, crc)
        if len(head) < keep:
            head += out[: keep - len(head)]
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and not inflater.eof:
        raise _Damaged
    if produced != info.file_size or crc != info.CRC:
        raise _Damaged
    return head


def _refuse(message: str, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _office_zip(stream: io.BytesIO, *, name: str) -> tuple[str, str] | None:
    """A zip is an office document only when its parts say so, and only a zip whose
    parts are honest about their sizes and fit the limits is read at all.

    Returns (content type, extension), None when it is not an office document, and
    raises ValidationError when it is one that must be refused.
    """
    limit = limits()
    archive_size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    # Every directory record zipfile would build starts with this signature, so the
    # count bounds the records before zipfile parses (and allocates) any of them.
    records = stream.getvalue().count(CENTRAL_HEADER)
    if records > limit.zip_max_entries:
        raise _refuse(
            _(
                "“%(name)s” is made of %(count)s parts; an office document may have "
                "at most %(limit)s."
            ),
            "zip_entries",
            name=name,
            count=records,
            limit=limit.zip_max_entries,
        )
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        return None
    names = {info.filename for info in infos}
    ooxml = None
    if "[Content_Types].xml" in names:
        ooxml = next(
            (found for prefix, found in OOXML.items() if any(n.startswith(prefix) for n in names)),
            None,
        )
    mimetype = next((info for info in infos if info.filename == "mimetype"), None)
    if ooxml is None and mimetype is None:
        return None  # not an office document; none of its parts was inflated
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limit.zip_max_unpacked_bytes:
        raise _refuse(
            _(
                "“%(name)s” would unpack to %(size)s; an office document may unpack to "
                "at most %(limit)s."
            ),
            "zip_unpacked",
            name=name,
            size=filesizeformat(unpacked),
            limit=filesizeformat(limit.zip_max_unpacked_bytes),
        )
    if unpacked > limit.zip_max_ratio * max(archive_size, 1):
        raise _refuse(
            _(
                "“%(name)s” is packed %(ratio)s to 1; files packed tighter than %(limit)s "
                "to 1 are refused as possible zip bombs."
            ),
            "zip_ratio",
            name=name,
            ratio=unpacked // max(archive_size, 1),
            limit=limit.zip_max_ratio,
        )
    damaged = _refuse(
        _(
            "“%(name)s” is damaged or packed in a way that cannot be checked. Save it again "
            "from its program and attach it once more."
        ),
        "zip_damaged",
        name=name,
    )
    if ooxml is None and mimetype.file_size > MIMETYPE_MAX_BYTES:
        return None  # no ODF mimetype is that long: not read, not an office document
    # Parts that share their compressed bytes (overlapping entries) would add up to more
    # than the file: the other way a small zip declares a great deal.
    if sum(info.compress_size for info in infos) > archive_size:
        raise damaged
    # Each part ends where the next one (in file order) begins, the last at the file's end.
    ordered = sorted(infos, key=lambda info: info.header_offset)
    ends = {id(a): b.header_offset for a, b in itertools.pairwise(ordered)}
    declared_type = b""
    try:
        for info in infos:
            head = inflate_part(
                stream,
                info,
                keep=MIMETYPE_MAX_BYTES if info is mimetype else 0,
                end=ends.get(id(info), archive_size),
            )
            if info is mimetype:
                declared_type = head
    except _Overflow as overflow:
        raise _refuse(
            _(
                "“%(name)s” holds more data than it declares (in its part “%(part)s”), "
                "which is how a zip bomb works; it was refused."
            ),
            "zip_overflow",
            name=name,
            part=overflow.part[:80],
        ) from None
    except (_Damaged, OSError, ValueError, struct.error):
        raise damaged from None
    if ooxml is not None:
        return ooxml
    declared = declared_type.decode("ascii", "replace").strip()
    return (declared, ODF[declared]) if declared in ODF else None


def _detect(content: bytes, name: str) -> tuple[str, str] | None:
    detected = magic.from_buffer(content[:65536], mime=True)
    if detected in ("application/zip", "application/octet-stream") or detected in {
        t for t, _e in OOXML.values()
    } | set(ODF):
        return _office_zip(io.BytesIO(content), name=name)
    if detected in ALLOWED:
        return detected, ALLOWED[detected]
    return None


# --- images --------------------------------------------------------------------------
def _megapixels(pixels: int) -> str:
    """Millions of pixels as people say them: 169, 89.5, 48, 0.0012."""
    millions = pixels / 1_000_000
    return f"{millions:.0f}" if millions >= 100 else f"{millions:.3g}"


def _too_many_pixels(name: str, width: int, height: int, cap: int) -> ValidationError:
    return _refuse(
        _(
            "“%(name)s” is %(width)s × %(height)s pixels (%(pixels)s million); images may "
            "have at most %(limit)s million pixels."
        ),
        "image_pixels",
        name=name,
        width=width,
        height=height,
        pixels=_megapixels(width * height),
        limit=_megapixels(cap),
    )


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation read so far (1, upright, when there is none), without
    decoding: before load() only EXIF that precedes the pixel data is known."""
    raw = image.info.get("exif")
    if not raw:
        return 1
    exif = Image.Exif()
    try:
        exif.load(raw)
    except (OSError, ValueError, SyntaxError, struct.error):
        return 1
    return exif.get(ExifTags.Base.Orientation, 1)


def _turn_check(name: str, width: int, height: int, cap: int, orientation: int) -> None:
    """Formats other than JPEG are turned in memory, which holds the pixels twice: a
    picture that must turn counts double against the cap."""
    if orientation in range(2, 9) and 2 * width * height > cap:
        raise _refuse(
            _(
                "“%(name)s” is %(width)s × %(height)s pixels and must be turned upright; "
                "such images may have at most %(limit)s million pixels."
            ),
            "image_pixels",
            name=name,
            width=width,
            height=height,
            limit=_megapixels(cap // 2),
        )


def _strip_image(content: bytes, content_type: str, *, name: str) -> bytes:
    """Decode and encode again: EXIF and trailing data do not survive.

    The size is checked from the header, before a pixel is decoded.
    """
    cap = limits().max_image_pixels
    with warnings.catch_warnings():
        # Between its own limit and twice it Pillow only warns, and decodes; here that
        # warning refuses. The filter lives inside this block only: the rest of the
        # process (PDF rendering, say) keeps Pillow's defaults.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=PILLOW_FORMATS[content_type])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            # Over Pillow's own limit, far over ours; Pillow does not say the size.
            raise _refuse(
                _(
                    "“%(name)s” has more than %(pixels)s million pixels; images may have "
                    "at most %(limit)s million pixels."
                ),
                "image_pixels",
                name=name,
                pixels=_megapixels(Image.MAX_IMAGE_PIXELS or 0),
                limit=_megapixels(cap),
            ) from None
        with image:
            width, height = image.size  # from the header: nothing is decoded yet
            if width * height > cap:
                raise _too_many_pixels(name, width, height, cap)
            jpeg = image.format in ("JPEG", "MPO")  # MPO: a phone's JPEG with more behind it
            if not jpeg:
                _turn_check(name, width, height, cap, _orientation(image))
            try:
                image.load()
            except (Image.DecompressionBombWarning, Image.DecompressionBombError):
                # A GIF frame larger than the canvas the header gave
                raise _too_many_pixels(name, width, height, cap) from None
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
            out = io.BytesIO()
            params: dict = {}
            if jpeg:
                # No optimize=True: its second pass buffers the whole image's coefficients
                # and output (+110 MB at 40 million pixels) to save about 5% of the file.
                params = {"quality": 90}
                # A photo taken upright is stored sideways with a tag saying so. Turning
                # the pixels would hold a second copy of them (+100 MB at 25 million); the
                # tag alone is kept instead, and browsers, viewers and WeasyPrint follow it.
                if orientation in range(2, 9):
                    kept = Image.Exif()
                    kept[ExifTags.Base.Orientation] = orientation
                    params["exif"] = kept.tobytes()
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                fmt = "JPEG"  # an MPO's first picture only
            else:
                # EXIF after the pixel data is known only now, at the cost the cap allowed.
                _turn_check(name, width, height, cap, orientation)
                ImageOps.exif_transpose(image, in_place=True)  # copies only to turn
                fmt = image.format
                if fmt == "GIF":
                    params = {"save_all": False}
            # EXIF, XMP and comments can each carry a place or a device; none is kept.
            for key in ("exif", "xmp", "XML:com.adobe.xmp", "comment"):
                image.info.pop(key, None)
            image.save(out, format=fmt or content_type.split("/")[1].upper(), **params)
            return out.getvalue()


def evidence_check(upload) -> CheckedFile:
    """Check one uploaded file; a ValidationError names the file and the reason."""
    name = getattr(upload, "name", "") or "evidence"
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:  # the reported size lied
        raise ValidationError(
            _("“%(name)s” is larger than the limit of %(limit)s."),
            code="too_large",
            params={"name": name, "limit": filesizeformat(limit)},
        )
    found = _detect(content, name) if content else None
    if found is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, image or office document. "
                "Only PDF, JPEG, PNG, WebP, GIF, Word, Excel, PowerPoint and "
                "OpenDocument files are accepted."
            ),
            code="type",
            params={"name": name},
        )
    content_type, extension = found
    if content_type in IMAGES:
        try:
            content = _strip_image(content, content_type, name=name)
        except (OSError, ValueError, SyntaxError, EOFError, struct.error):
            raise ValidationError(
                _("“%(name)s” could not be read as an image."),
                code="image",
                params={"name": name},
            ) from None
    return CheckedFile(
        name=safe_name(name, extension),
        content=content,
        content_type=content_type,
        extension=extension,
    )


def request_check(uploads) -> None:
    """The files of one progress update, counted and measured together before any one is
    read: ten files that each fit can still be too much for one request."""
    limit = limits()
    if len(uploads) > limit.max_files:
        raise ValidationError(
            _("Attach at most %(limit)s files at a time; %(count)s were attached."),
            code="count",
            params={"limit": limit.max_files, "count": len(uploads)},
        )
    total = sum(upload.size or 0 for upload in uploads)
    if total > limit.max_update_bytes:
        raise ValidationError(
            _(
                "The attached files come to %(size)s; one update may carry at most "
                "%(limit)s in all."
            ),
            code="update_bytes",
            params={"size": filesizeformat(total), "limit": filesizeformat(limit.max_update_bytes)},
        )
