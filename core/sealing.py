"""Sealed, publicly verifiable documents (services).

The flow an app follows (agreements, reports)::

    document = sealed_document_reserve(kind="agreement", title=..., language="th")
    url = verify_url(document)                 # print it in the PDF …
    qr = qr_data_uri(url)                      # … and as a QR code (<img src="{{ qr }}">)
    pdf = render_pdf_template("…", {...}, language="th")
    sealed_document_store(document=document, pdf=pdf, summary={...}, content_sha256=...)

``summary`` is what the public verify page shows, in the document's language:
``{"network": str, "period": {"name": str, "start": "YYYY-MM-DD", "end": "YYYY-MM-DD"},
"parties": [{"organisation", "signatory", "position", "signed_at": ISO datetime}],
"details": [[label, value], …]}`` — every key optional. A label may also be a
``{"th": …, "en": …}`` object: the page then shows it in the reader's language (a
document sealed in one language only is otherwise labelled in that language).

One record, several documents: the same content sealed once per language (an
agreement version has a Thai and an English PDF, each a SealedDocument with its own
code) is stored with the same ``content_sha256``. Those documents are siblings
(sealed_document_siblings): the verify page of either accepts a copy of the other and
says which language it is.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import pdf as pdf_lib
from core.models import SealedDocument
from core.pdf import check_seal, seal_pdf

if TYPE_CHECKING:
    from core.pdf.seal import SealCheck

logger = logging.getLogger(__name__)

# The verify page refuses larger uploads (a sealed agreement is well under 1 MB).
VERIFY_UPLOAD_MAX_BYTES = 20 * 1024 * 1024

# A file that is not byte-identical to the record is parsed for a seal only when it is
# small in PDF terms. pyHanko's work grows with what a file declares, not with its
# bytes: 200,000 tiny objects appended to a sealed PDF cost 3-5 s per upload, and a
# 900,000-line cross-reference table 8.7 s. The documents Khruakhai seals have 60-100
# objects in two revisions (a signed agreement: 58; a committee report: 74;
# tests/security/attacks/test_public_documents.py checks a real one against these
# caps), so a file over them cannot be one of ours unchanged, and saying "no intact
# seal" without parsing it is the truth. At the cap a parse takes about 0.3 s.
UPLOAD_MAX_OBJECTS = 2_000
UPLOAD_MAX_REVISIONS = 8
# Counts an object stream (/N), a cross-reference stream (/Size) or a trailer declares;
# followed by "0 R" the value is elsewhere, which no file of ours does.
_DECLARED_COUNT = re.compile(rb"/(?:N|Size)\s*(\d{1,12})(\s+\d{1,12}\s+R)?")
# The subsections of a cross-reference stream: [first count first count ...].
_XREF_INDEX = re.compile(rb"/Index\s*\[([^\]]{0,4000})\]")


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
    from core.qr_code import qr_png  # noqa: PLC0415 - qrcode and Pillow load where PDFs are made

    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")


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
            if upload_too_complex(sealed):
                # Identical copies still verify; only a check of this file on another
                # document's page would call it "not parsed" instead of "ours".
                logger.warning(
                    "Sealed document %s exceeds the verify page's parse caps", locked.code
                )
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


def sealed_document_siblings(document: SealedDocument) -> list[SealedDocument]:
    """The record's other sealed documents: the same content in another language.

    An app that seals one content in several languages stores each with the same
    ``content_sha256`` (agreements: the version's content hash, in Thai and English).
    A committee report stores the hash of its own rendering, so it has none. Ordered
    Thai first, then by creation."""
    if not document.content_sha256:
        return []
    return list(
        SealedDocument.objects.filter(
            kind=document.kind,
            content_sha256=document.content_sha256,
            sealed_at__isnull=False,
        )
        .exclude(pk=document.pk)
        .exclude(sha256="")
        .order_by("-language", "created_at", "pk")
    )


@dataclass(frozen=True)
class UploadCheck:
    """The verify page's answer about an uploaded file.

    ``identical``: byte-identical to one of the record's sealed documents, named in
    ``matched`` (the page's own document, or a sibling in another language).
    ``too_complex``: the file was not parsed (far more objects than any document
    Khruakhai seals)."""

    identical: bool
    sha256: str
    seal: SealCheck
    too_complex: bool = False
    matched: SealedDocument | None = None
    record: SealedDocument | None = None

    @property
    def sibling(self) -> bool:
        """A copy of the record's document in another language, not of this page's."""
        return (
            self.identical
            and self.matched is not None
            and self.record is not None
            and self.matched.pk != self.record.pk
        )

    @property
    def other_document(self) -> bool:
        """Sealed by Khruakhai and unchanged, but a different document (another
        agreement, version or report): genuine, just not this record."""
        return not self.identical and self.seal.intact


class _TooMuchReading(Exception):
    """The table parser asked for more bytes than any table of ours needs."""


class _ReadAllowance(BytesIO):
    """A stream that hands out at most ``limit`` bytes in all (an empty read counts one).

    pyHanko's table parser can loop for ever on some malformed tables: near the end of
    the data, a short line that starts with CR or LF makes it step back and read the
    same bytes again (found by fuzzing; a 47-byte upload held a worker). So the work of
    the pre-scan is bounded by what it reads, not only by the entries it yields."""

    def __init__(self, data: bytes, limit: int) -> None:
        super().__init__(data)
        self.left = limit

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.left -= len(chunk) or 1
        if self.left < 0:
            raise _TooMuchReading
        return chunk


def _xref_table_entries(data: bytes, budget: int) -> int | None:
    """Entries in the classic cross-reference tables, counted up to ``budget``.

    pyHanko reads a table's subsection headers and then that many 20-byte lines, so a
    file can declare a million entries in a few lines of headers. Each table is read
    here with pyHanko's own table parser in strict mode (a strict table yields or
    fails on every line, so the count is the work), from every place a table could
    start: None when the tables hold more than ``budget`` entries, are not strictly
    readable (our own tables always are), or make the parser read more than ``budget``
    lines' worth of bytes (_ReadAllowance)."""
    from pyhanko.pdf_utils.xref import (  # noqa: PLC0415 - pyHanko loads where files are checked
        parse_xref_table,
    )

    total = 0
    # A table line is 20 bytes (21 with CR LF, which the parser reads twice); headers
    # and the "trailer" after each table add a few bytes per table.
    stream = _ReadAllowance(data, limit=48 * budget + 64 * 1024)
    start = data.find(b"xref")
    while start != -1:
        if data[max(0, start - 5) : start] != b"start":
            # Where pyHanko's reader stands after reading "xref" and one more byte.
            stream.seek(start + 5)
            try:
                for _entry in parse_xref_table(stream, strict=True):
                    total += 1
                    if total > budget:
                        return None
            # The parser is pyHanko's internal API reading untrusted bytes, and it fails
            # with whatever it meets: PdfReadError, ValueError, IndexError, TypeError,
            # decimal.InvalidOperation (all seen by fuzzing), or _TooMuchReading. Any
            # failure means the same here: not a table of ours.
            except Exception:  # noqa: BLE001 - see above: every failure is "unreadable"
                return None
        start = data.find(b"xref", start + 4)
    return total


def upload_too_complex(data: bytes) -> bool:
    """A cheap look at an upload before pyHanko parses it: True when it declares more
    objects, cross-reference entries or revisions than a sealed document of ours has
    (see UPLOAD_MAX_OBJECTS). Byte counts and two regular expressions over at most
    20 MB, then at most UPLOAD_MAX_OBJECTS table lines."""
    # "12 0 obj" ... "endobj": two tokens per object outside object streams.
    if data.count(b"obj") > 2 * UPLOAD_MAX_OBJECTS:
        return True
    if data.count(b"startxref") > UPLOAD_MAX_REVISIONS:
        return True
    if data.count(b"xref") > 2 * UPLOAD_MAX_REVISIONS:
        return True
    for match in _DECLARED_COUNT.finditer(data):
        if match.group(2) or int(match.group(1)) > UPLOAD_MAX_OBJECTS:
            return True
    for match in _XREF_INDEX.finditer(data):
        numbers = match.group(1).split()
        if not all(n.isdigit() for n in numbers) or len(numbers) % 2:
            return True
        if sum(int(n) for n in numbers[1::2]) > UPLOAD_MAX_OBJECTS:
            return True
    return _xref_table_entries(data, UPLOAD_MAX_OBJECTS) is None


def _record_seal(document: SealedDocument) -> SealCheck:
    """The seal of a file byte-identical to the record: the one Khruakhai made when it
    stored the document, so there is nothing to parse."""
    return pdf_lib.SealCheck(
        intact=True,
        certified=True,
        no_changes=True,
        signer="",
        signed_at=document.sealed_at,
        summary="identical to the sealed record",
        trusted=True,
    )


def sealed_document_check(*, document: SealedDocument, data: bytes) -> UploadCheck:
    """Is ``data`` byte-identical to the stored PDF (or to the record's document in
    another language), and is its seal intact?

    The hashes are compared first: an identical file is answered without parsing it.
    Only a different file is parsed for a seal (it may be another Khruakhai document,
    or a changed copy), and only when it is small enough to be one
    (upload_too_complex)."""
    digest = sha256_hex(data)
    for candidate in (document, *sealed_document_siblings(document)):
        if candidate.sha256 and secrets.compare_digest(digest, candidate.sha256):
            return UploadCheck(
                identical=True,
                sha256=digest,
                seal=_record_seal(candidate),
                matched=candidate,
                record=document,
            )
    if upload_too_complex(data):
        return UploadCheck(
            identical=False,
            sha256=digest,
            record=document,
            seal=pdf_lib.SealCheck(
                intact=False,
                certified=False,
                no_changes=False,
                signer="",
                signed_at=None,
                summary="not parsed: too many objects",
            ),
            too_complex=True,
        )
    return UploadCheck(identical=False, sha256=digest, seal=check_seal(data), record=document)
