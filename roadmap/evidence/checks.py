"""Checking uploads: what a progress update may carry, and each file read by content."""

from __future__ import annotations

import io
import struct

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .office import office_zip
from .rules import ALLOWED, IMAGES, ODF, OOXML, CheckedFile, limits, safe_name


def _detect(content: bytes, name: str) -> tuple[str, str] | None:
    detected = magic.from_buffer(content[:65536], mime=True)
    if detected in ("application/zip", "application/octet-stream") or detected in {
        t for t, _e in OOXML.values()
    } | set(ODF):
        return office_zip(io.BytesIO(content), name=name)
    if detected in ALLOWED:
        return detected, ALLOWED[detected]
    return None


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
        from .images import image_strip  # noqa: PLC0415 - Pillow loads on the first image

        try:
            content = image_strip(content, content_type, name=name)
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
