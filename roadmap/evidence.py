"""Evidence files: the type is read from the content, never from the name.

An upload is accepted when libmagic recognises it as a PDF, an image or an office
document, and it fits settings.EVIDENCE_MAX_BYTES. Images are decoded and saved
again by Pillow, which drops EXIF (GPS positions, device serials) and anything
appended after the image data.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

PDF = "application/pdf"
IMAGES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
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


def _office_zip(content: bytes) -> tuple[str, str] | None:
    """A zip is an office document only when its parts say so."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared in ODF:
                    return declared, ODF[declared]
            if "[Content_Types].xml" in names:
                for prefix, found in OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return found
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _detect(content: bytes) -> tuple[str, str] | None:
    detected = magic.from_buffer(content[:65536], mime=True)
    if detected in ("application/zip", "application/octet-stream") or detected in {
        t for t, _e in OOXML.values()
    } | set(ODF):
        return _office_zip(content)
    if detected in ALLOWED:
        return detected, ALLOWED[detected]
    return None


def _strip_image(content: bytes, content_type: str) -> bytes:
    """Decode and encode again: EXIF and trailing data do not survive."""
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        fmt = image.format
        image = ImageOps.exif_transpose(image)  # keep the picture upright without the tag
        out = io.BytesIO()
        params: dict = {}
        if fmt == "JPEG":
            params = {"quality": 90, "optimize": True}
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
        elif fmt == "GIF":
            params = {"save_all": False}
        image.info.pop("exif", None)
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
    found = _detect(content) if content else None
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
            content = _strip_image(content, content_type)
        except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
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
