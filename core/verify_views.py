"""The public verify page of sealed documents: /verify/<code>/.

It shows what the record says and checks an uploaded copy; it never hands out a
document (members download theirs inside the app, behind its permissions). Uploads
are counted per client address, outside any database transaction.

A record may be sealed once per language (an agreement version: a Thai and an English
PDF, each with its own code; core.sealing.sealed_document_siblings). The page of
either accepts a copy of both and says which language it is, and shows the record in
the reader's language when one of its documents is sealed in it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from core import throttle
from core.client_ip import client_ip
from core.models import SealedDocument
from core.sealing import (
    VERIFY_UPLOAD_MAX_BYTES,
    sealed_document_check,
    sealed_document_siblings,
)

# Uploads one client address may check per window. Checking a file costs a hash and,
# for a file that is not the record, a bounded parse; a person checks a copy or two.
# A school shares one address, hence not lower.
VERIFY_UPLOADS_ALLOWED = 10
VERIFY_UPLOAD_WINDOW = 600


class SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload once it passes the limit, instead of spooling
    gigabytes to a temporary file first; the view then says the file is too large."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > VERIFY_UPLOAD_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large_message() -> str:
    return _("The file is larger than %(limit)d MB. A sealed document is much smaller.") % {
        "limit": VERIFY_UPLOAD_MAX_BYTES // (1024 * 1024)
    }


class VerifyUploadForm(forms.Form):
    pdf = forms.FileField(
        label=_("PDF file to check"),
        help_text=_("The file is compared with the record and then discarded; it is not kept."),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > VERIFY_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_too_large_message())
        return upload


def _when(value):
    """ISO strings from a summary, as dates or datetimes for the |thaidate filters."""
    if not isinstance(value, str) or not value:
        return None
    try:
        if "T" in value:
            return dt.datetime.fromisoformat(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _label(value, language: str) -> str:
    """A row label: plain text in the document's language, or {"th": …, "en": …}."""
    if isinstance(value, dict):
        chosen = value.get(language) or value.get(settings.LANGUAGE_CODE)
        if not chosen:
            chosen = next((v for v in value.values() if isinstance(v, str) and v), "")
        return str(chosen)
    return str(value)


def _summary_view(summary: dict, *, hashes: tuple[str, ...] = (), language: str = "th") -> dict:
    """The summary, shaped for the template (unknown keys are ignored). Detail rows
    that repeat a hash the page shows in its own row (an agreement lists its content
    SHA-256 among its details) are left out: each fact is shown once."""
    summary = summary if isinstance(summary, dict) else {}
    period = summary.get("period") if isinstance(summary.get("period"), dict) else {}
    parties = [
        {
            "organisation": str(p.get("organisation", "")),
            # The organisation's verified state as the record states it (in the
            # document's language); absent from records sealed before it existed.
            "verified": p.get("verified") is True,
            "verification": str(p.get("verification", "")),
            "signatory": str(p.get("signatory", "")),
            "position": str(p.get("position", "")),
            "signed_at": _when(p.get("signed_at")),
        }
        for p in summary.get("parties") or []
        if isinstance(p, dict)
    ]
    shown = {h.strip().lower() for h in hashes if h}
    details = [
        (_label(row[0], language), str(row[1]))
        for row in summary.get("details") or []
        if isinstance(row, list | tuple)
        and len(row) == 2
        and str(row[1]).strip().lower() not in shown
    ]
    return {
        "network": str(summary.get("network", "")),
        # A named period ("ภาคเรียนที่ 1/2569", a committee report's) is shown by name.
        "period_name": str(period.get("name") or ""),
        "period_start": _when(period.get("start")),
        "period_end": _when(period.get("end")),
        "parties": parties,
        "details": details,
    }


def _sealed(code: str) -> SealedDocument:
    # A reserved code whose PDF is not stored yet is not public.
    return get_object_or_404(SealedDocument, code=code, sealed_at__isnull=False)


def _limits() -> tuple[int, int]:
    return (
        int(getattr(settings, "VERIFY_UPLOADS_ALLOWED", VERIFY_UPLOADS_ALLOWED)),
        int(getattr(settings, "VERIFY_UPLOAD_WINDOW", VERIFY_UPLOAD_WINDOW)),
    )


def upload_counter_key(address: str) -> str:
    """The upload counter of one client address. An IPv6 client usually holds a
    whole /64, so it is counted as one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "verify-upload:unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return f"verify-upload:{ip.ipv4_mapped}"
        return f"verify-upload:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"verify-upload:{ip}"


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


def _render(request: HttpRequest, document: SealedDocument, **context) -> HttpResponse:
    status = context.pop("status", 200)
    # The record may be sealed once per language (an agreement: Thai and English, one
    # document each). The page speaks of the whole record, in the reader's language
    # when a document of the record is sealed in it.
    documents = [document, *sealed_document_siblings(document)]
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    shown = next((d for d in documents if d.language == language), document)
    hashes = tuple(h for d in documents for h in (d.content_sha256, d.sha256))
    result = context.get("result")
    return render(
        request,
        "core/verify.html",
        {
            "document": document,
            "shown": shown,
            "documents": [(d, _language_name(d.language)) for d in documents],
            "summary": _summary_view(shown.summary, hashes=hashes, language=language),
            "form": VerifyUploadForm(),
            "result": None,
            "result_language": (
                _language_name(result.matched.language)
                if result is not None and result.matched is not None
                else ""
            ),
            **context,
        },
        status=status,
    )


def _throttled(request: HttpRequest, document: SealedDocument, window: int) -> HttpResponse:
    minutes = max(1, (window + 59) // 60)
    message = _(
        "Too many files were checked from your address. Wait %(minutes)d minutes and try again."
    ) % {"minutes": minutes}
    response = _render(request, document, throttled=message, status=429)
    response["Retry-After"] = str(window)
    return response


# The size-limit handler must be in place before anything reads the body, and the
# CSRF check reads it: so the view is csrf_exempt outside and csrf_protect inside
# (the pattern Django documents for changing upload handlers).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if request.method == "POST":
        document = _sealed(code)
        # Counted before the body is read, in the throttle store (core.throttle),
        # which no database transaction rolls back.
        allowed, window = _limits()
        key = upload_counter_key(client_ip(request))
        if throttle.exceeded(key, allowed=allowed):
            return _throttled(request, document, window)
        throttle.record(key, window=window)
        request.upload_handlers.insert(0, SizeLimitHandler(request))
    return _verify(request, code)


@csrf_protect
def _verify(request: HttpRequest, code: str) -> HttpResponse:
    document = _sealed(code)
    form = VerifyUploadForm()
    result = None
    status = 200
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if getattr(request, "upload_too_large", False):
            form.is_valid()
            form.errors.pop("pdf", None)
            form.add_error("pdf", _too_large_message())
            status = 400
        elif form.is_valid():
            result = sealed_document_check(document=document, data=form.cleaned_data["pdf"].read())
        else:
            status = 400
    return _render(request, document, form=form, result=result, status=status)
