"""Sealed, publicly verifiable documents (services).

The flow an app follows (agreements, reports)::

    document = sealed_document_reserve(kind="agreement", title=..., language="th")
    url = verify_url(document)                 # print it in the PDF …
    qr = qr_data_uri(url)                      # … and as a QR code (<img src="{{ qr }}">)
    pdf = render_pdf_template("…", {...}, language="th")
    sealed_document_store(document=document, pdf=pdf, summary={...}, content_sha256=...)

``summary`` is what the public verify page shows, in the document's language:
``{"network": str, "period": {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"},
"parties": [{"organisation", "signatory", "position", "signed_at": ISO datetime}],
"details": [[label, value], …]}`` — every key optional.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from io import BytesIO

import qrcode
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.models import SealedDocument
from core.pdf import SealCheck, check_seal, seal_pdf

# The verify page refuses larger uploads (a sealed agreement is well under 1 MB).
VERIFY_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sealed_document_reserve(*, kind: str, title: str, language: str = "th") -> SealedDocument:
    """Create the record (and its public code) before the PDF exists."""
    if kind not in SealedDocument.Kind.values:
        raise ValueError(f"unknown sealed document kind: {kind!r}")
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language: {language!r}")
    return SealedDocument.objects.create(kind=kind, title=title[:500], language=language)


def verify_url(document: SealedDocument) -> str:
    """The absolute public address of the document's verify page."""
    return settings.SITE_URL.rstrip("/") + reverse("verify", args=[document.code])


def qr_data_uri(text: str) -> str:
    """A PNG QR code of ``text`` as a data: URI (the PDF fetcher accepts data: only)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _seal_reason(document: SealedDocument) -> str:
    return f"Khruakhai {document.kind} {document.code}: {document.title}"[:200]


def sealed_document_store(
    *, document: SealedDocument, pdf: bytes, summary: dict, content_sha256: str = ""
) -> SealedDocument:
    """Seal ``pdf``, store it and its hash; ``document`` is updated in place and
    returned. A document is sealed once: storing again (a retried task) leaves the
    stored record as it is."""
    with transaction.atomic():
        locked = SealedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.sealed_at is None:
            sealed = seal_pdf(pdf, reason=_seal_reason(locked))
            # A random part in the name: the file name is not guessable from the code.
            name = f"{locked.code}-{secrets.token_hex(6)}.pdf"
            locked.file.save(name, ContentFile(sealed), save=False)
            locked.sha256 = sha256_hex(sealed)
            locked.content_sha256 = content_sha256
            locked.summary = summary
            locked.sealed_at = timezone.now()
            locked.save()
    document.refresh_from_db()
    return document


@dataclass(frozen=True)
class UploadCheck:
    """The verify page's answer about an uploaded file."""

    identical: bool
    sha256: str
    seal: SealCheck


def sealed_document_check(*, document: SealedDocument, data: bytes) -> UploadCheck:
    """Is ``data`` byte-identical to the stored PDF, and is its seal intact?"""
    digest = sha256_hex(data)
    return UploadCheck(
        identical=bool(document.sha256) and secrets.compare_digest(digest, document.sha256),
        sha256=digest,
        seal=check_seal(data),
    )
