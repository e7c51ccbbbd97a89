"""What evidence may be: the limits, the accepted types and the shape of a checked file.

The limits are the module constants below; each can be overridden in settings under
the name given beside it (``limits()`` reads them per request, so tests and
deployments change them without touching this file).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError

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


def refuse(message: str, code: str, **params) -> ValidationError:
    """A refusal the upload form shows beside its field: a file that may not be stored."""
    return ValidationError(message, code=code, params=params)
