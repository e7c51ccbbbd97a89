"""The privacy notice, "My data" (its JSON and PDF downloads), erasure requests.

Each view parses input, asks privacy.permissions for what it may touch, calls one
selector or service, and redirects or renders.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import throttle
from core.errors import ServiceError
from core.responses import render_form

from . import permissions, selectors
from .forms import DecisionForm, ErasureRequestForm
from .pdf import my_data_pdf as render_my_data_pdf
from .services import erasure
from .services.retention import retention_days

# Building every section (and a PDF) is heavy: a few downloads an hour is plenty.
EXPORTS_ALLOWED = 20
EXPORT_WINDOW = 3600


def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/notice.html", {"retention_days": retention_days()})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/my_data.html",
        {
            "data": selectors.my_data(user=request.user),
            "pending": selectors.pending_request_of(request.user),
            "retention_days": retention_days(),
        },
    )


def _export_refused(request: HttpRequest) -> HttpResponse | None:
    """A 429 page once the person has downloaded their data too often this hour."""
    key = f"privacy-export:{request.user.pk}"
    if throttle.exceeded(key, allowed=EXPORTS_ALLOWED):
        response = render(
            request,
            "privacy/my_data.html",
            {
                "data": selectors.my_data(user=request.user),
                "throttled": True,
                "retention_days": retention_days(),
            },
            status=429,
        )
        response["Retry-After"] = str(EXPORT_WINDOW)
        return response
    throttle.record(key, window=EXPORT_WINDOW)
    return None


def _download(body: bytes, *, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"khruakhai-my-data-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def my_data_json(request: HttpRequest) -> HttpResponse:
    refused = _export_refused(request)
    if refused is not None:
        return refused
    body = selectors.personal_data_json(user=request.user)
    return _download(body, content_type="application/json; charset=utf-8", extension="json")


@never_cache
@login_required
def my_data_pdf(request: HttpRequest) -> HttpResponse:
    refused = _export_refused(request)
    if refused is not None:
        return refused
    language = (translation.get_language() or "th").split("-")[0]
    body = render_my_data_pdf(user=request.user, language=language)
    return _download(body, content_type="application/pdf", extension="pdf")


@login_required
def erasure_request(request: HttpRequest) -> HttpResponse:
    pending = selectors.pending_request_of(request.user)
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.erasure_request_file(user=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Your request was sent. A site administrator decides it."))
            return redirect("privacy:my_data")
    return render_form(request, "privacy/erasure.html", {"form": form, "pending": pending})


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    permissions.site_admin_only(request)
    return render(
        request,
        "privacy/requests.html",
        {"requests": selectors.erasure_requests(), "me": request.user.pk},
    )


def _request_page(request, erasure_request, **bound) -> HttpResponse:
    """The request; to a site admin who may decide it, the accept and decline forms
    (a bound one, refused, when a POST was invalid: 422)."""
    forms = {
        "accept_form": DecisionForm(prefix="accept", note_required=False),
        "decline_form": DecisionForm(prefix="decline"),
        **bound,
    }
    context = {
        "erasure_request": erasure_request,
        "may_decide": permissions.may_decide(request, erasure_request),
        **forms,
    }
    return render_form(request, "privacy/request.html", context)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, permissions.erasure_request_for(request, pk))


def _decided(request: HttpRequest, done: bool, when_done: str) -> HttpResponse:
    if done:
        messages.success(request, when_done)
    else:
        messages.info(request, _("This request was already decided; nothing more was done."))
    return redirect("privacy:requests")


@login_required
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = permissions.erasure_request_to_decide(request, pk)
    form = DecisionForm(request.POST, prefix="accept", note_required=False)
    if not form.is_valid():
        return _request_page(request, erasure_request, accept_form=form)
    done = erasure.erasure_accept(
        erasure_request=erasure_request, user=request.user, note=form.cleaned_data["note"]
    )
    return _decided(request, done, _("The person's data was erased and they are told by email."))


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    erasure_request = permissions.erasure_request_to_decide(request, pk)
    form = DecisionForm(request.POST, prefix="decline")
    if not form.is_valid():
        return _request_page(request, erasure_request, decline_form=form)
    done = erasure.erasure_decline(
        erasure_request=erasure_request, user=request.user, note=form.cleaned_data["note"]
    )
    return _decided(request, done, _("The request was declined and the person is told by email."))
