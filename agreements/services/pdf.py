"""The signed PDF: rendered in Thai and in English, sealed, stored once per language.

``version_pdf_context`` and ``version_summary`` are what the template and the public
verify record show; ``version_pdf_render`` claims each language's sealed-document slot
before rendering, so two workers never store two documents for one version.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from agreements.catalogue import Section
from agreements.models import AgreementVersion
from agreements.pdf_reads import version_pdf_rows
from agreements.selectors import (
    duties_by_organisation,
    frozen_names_apply,
    totals_of,
    version_sections,
)
from agreements.verified import organisation_verified_label
from core import sealing
from core.dates import format_date
from core.pdf import render_pdf_template

PDF_LANGUAGES = (("th", "sealed_document"), ("en", "sealed_document_en"))


@dataclass(frozen=True)
class PdfAuditRow:
    """One line of the PDF's audit appendix (no IP address, no browser)."""

    at: dt.datetime
    kind: str
    organisation: str


# A term or a date written with slashes ("2/2569", "ภาคเรียนที่ 1/2569", "23/11/2569")
# reads as one word: Pango may break a line after a slash or at the space before the
# number, leaving "ภาคเรียนที่ 1/" on one line and "2569" on the next.
_PDF_KEEP_TOGETHER = re.compile(
    r"(?:(?:ภาคเรียนที่|ภาคการศึกษาที่|ภาคเรียน|ไตรมาส|ปีการศึกษา|ปีงบประมาณ)[ \u00a0]?)?"
    r"(?<![\d/])\d{1,2}(?:/\d{4}|/\d{1,2}/\d{2,4})(?![\d/])"
)


def pdf_keep_together(text: str) -> SafeString:
    """``text`` escaped, each term or date number in a no-break span (``ag-nobr`` in
    the PDF template). Only spans are added: the text a reader copies out of the PDF
    is exactly ``text``."""
    out = []
    position = 0
    for match in _PDF_KEEP_TOGETHER.finditer(text or ""):
        out.append(escape(text[position : match.start()]))
        out.append(f'<span class="ag-nobr">{escape(match[0])}</span>')
        position = match.end()
    out.append(escape((text or "")[position:]))
    # Safe: every piece of ``text`` was escaped above; only our own spans are added.
    return mark_safe("".join(out))


def _pdf_section(section: Section) -> Section:
    return replace(
        section,
        text=pdf_keep_together(section.text),
        parts=tuple(
            (letter, part, pdf_keep_together(text)) for letter, part, text in section.parts
        ),
    )


def version_pdf_context(*, version: AgreementVersion, language: str, document=None) -> dict:
    """Everything the PDF template shows; also used by the bench. Text typed by users
    comes escaped, with term and date numbers kept on one line (pdf_keep_together)."""
    with translation.override(language):
        # The audit appendix gets the time, the event and the organisation only: a
        # signer's IP address and browser stay in the app's audit log, which only the
        # coordinators see, and never reach a PDF that is passed around.
        duties, resources, parties, signing_events = version_pdf_rows(version=version)
        frozen_names_apply(
            version=version,
            parties=parties,
            duties=duties,
            resources=resources,
            events=signing_events,
        )
        events = [
            PdfAuditRow(
                at=e.at,
                kind=e.get_kind_display(),
                organisation=e.party.organisation.name if e.party_id else "",
            )
            for e in signing_events
        ]
        verify = sealing.verify_url(document) if document is not None else ""
        return {
            "version": version,
            "agreement": version.agreement,
            "network": version.agreement.network,
            "sections": [_pdf_section(s) for s in version_sections(version=version)],
            "duties_by_org": [
                (organisation, [pdf_keep_together(d.text) for d in items])
                for organisation, items in duties_by_organisation(duties)
            ],
            "resources": resources,
            "resource_rows": [(r, pdf_keep_together(r.description)) for r in resources],
            "totals": totals_of(resources),
            "parties": parties,
            # A signatory without a position gets no empty "Position:" line.
            "signature_rows": [(p, pdf_keep_together(p.position.strip())) for p in parties],
            "events": events,
            "document": document,
            "verify_url": verify,
            "qr": sealing.qr_data_uri(verify) if verify else "",
            "language": language,
        }


def version_summary(*, version: AgreementVersion, language: str) -> dict:
    """What the public verify page shows about the sealed document (core.sealing's shape)."""
    network = version.agreement.network
    with translation.override(language):
        return {
            "network": network.name,
            "period": {
                "start": version.effective_from.isoformat() if version.effective_from else "",
                "end": version.effective_until.isoformat() if version.effective_until else "",
            },
            "parties": [
                {
                    "organisation": p.organisation.name,
                    # The organisation's verified state when the PDF was sealed, so a
                    # look-alike record shows as unverified on the public page too.
                    "verified": p.organisation.is_verified,
                    "official_code": p.organisation.official_code,
                    "verification": organisation_verified_label(p.organisation),
                    "signatory": p.signatory.display_name,
                    "position": p.position,
                    "signed_at": p.signed_at.isoformat() if p.signed_at else "",
                }
                for p in version.parties.select_related("organisation", "signatory")
            ],
            "details": [
                [_("Agreement"), version.agreement.title],
                [_("Version"), str(version.number)],
                [_("Content SHA-256"), version.content_sha256],
                *([ended_row(version.ended_on, language)] if version.ended_on else []),
            ],
        }


def ended_row(ended_on: dt.date, language: str) -> list[str]:
    """The verify page's line about the end, in the document's language."""
    with translation.override(language):
        return [_("Ended on"), format_date(ended_on, language=language)]


def version_pdf_render_one(*, version: AgreementVersion, language: str, document=None) -> bytes:
    """The unsealed PDF of a version in one language."""
    context = version_pdf_context(version=version, language=language, document=document)
    with translation.override(language):
        return render_pdf_template("agreements/pdf/agreement.html", context, language=language)


def _document_slot(version: AgreementVersion, language: str, field: str):
    """The sealed document this language's PDF goes into, or None when it is stored.

    A new slot is claimed with a conditional UPDATE; a second worker that lost the
    race drops its reservation and uses the winner's row.
    """
    document = getattr(version, field)
    if document is not None:
        return None if document.file else document
    with translation.override(language):
        title = f"{version.agreement.title} — {_('version')} {version.number}"
    document = sealing.sealed_document_reserve(kind="agreement", title=title, language=language)
    claimed = AgreementVersion.objects.filter(pk=version.pk, **{f"{field}__isnull": True}).update(
        **{field: document}
    )
    if claimed:
        return document
    document.delete()
    version.refresh_from_db()
    document = getattr(version, field)
    return None if document is None or document.file else document


def version_pdf_render(*, version_id: int) -> AgreementVersion | None:
    """Render, seal and store the Thai and English PDFs of a signed version (idempotent)."""
    version = (
        AgreementVersion.objects.select_related(
            "agreement__network", "sealed_document", "sealed_document_en"
        )
        .filter(pk=version_id)
        .exclude(
            status__in=(
                AgreementVersion.Status.DRAFT,
                AgreementVersion.Status.SENT,
                AgreementVersion.Status.WITHDRAWN,
            )
        )
        .first()
    )
    if version is None:
        return None
    for language, field in PDF_LANGUAGES:
        document = _document_slot(version, language, field)
        if document is None:
            continue
        # sealed_document_store seals (pyHanko, certification, no changes allowed).
        pdf = version_pdf_render_one(version=version, language=language, document=document)
        sealing.sealed_document_store(
            document=document,
            pdf=pdf,
            summary=version_summary(version=version, language=language),
            content_sha256=version.content_sha256,
        )
    version.refresh_from_db()
    return version
