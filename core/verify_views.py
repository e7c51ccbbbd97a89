"""The public verify page of sealed documents: /verify/<code>/."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from core.models import SealedDocument
from core.sealing import VERIFY_UPLOAD_MAX_BYTES, sealed_document_check


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


def _summary_view(summary: dict) -> dict:
    """The summary, shaped for the template (unknown keys are ignored)."""
    summary = summary if isinstance(summary, dict) else {}
    period = summary.get("period") if isinstance(summary.get("period"), dict) else {}
    parties = [
        {
            "organisation": str(p.get("organisation", "")),
            "signatory": str(p.get("signatory", "")),
            "position": str(p.get("position", "")),
            "signed_at": _when(p.get("signed_at")),
        }
        for p in summary.get("parties") or []
        if isinstance(p, dict)
    ]
    details = [
        (str(row[0]), str(row[1]))
        for row in summary.get("details") or []
        if isinstance(row, list | tuple) and len(row) == 2
    ]
    return {
        "network": str(summary.get("network", "")),
        "period_start": _when(period.get("start")),
        "period_end": _when(period.get("end")),
        "parties": parties,
        "details": details,
    }


def _sealed(code: str) -> SealedDocument:
    # A reserved code whose PDF is not stored yet is not public.
    return get_object_or_404(SealedDocument, code=code, sealed_at__isnull=False)


# The size-limit handler must be in place before anything reads the body, and the
# CSRF check reads it: so the view is csrf_exempt outside and csrf_protect inside
# (the pattern Django documents for changing upload handlers).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if request.method == "POST":
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
    return render(
        request,
        "core/verify.html",
        {
            "document": document,
            "summary": _summary_view(document.summary),
            "form": form,
            "result": result,
        },
        status=status,
    )


@require_GET
def verify_pdf(request: HttpRequest, code: str) -> FileResponse:
    document = _sealed(code)
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{document.code}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
