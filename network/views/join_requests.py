"""Requests to join: answered by the organisation's representatives, withdrawn by the
network that asked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.responses import render_form
from network import selectors
from network.forms import JoinDecisionForm
from network.models import JoinRequest
from network.permissions import join_request_access, object_access
from network.services import joining


@login_required
def join_requests(request: HttpRequest) -> HttpResponse:
    """Requests to join addressed to me: for the organisations I represent (a site
    admin also those of organisations with no representative)."""
    return render(request, "network/join_requests.html", selectors.join_requests_page(request.user))


def _answered(request: HttpRequest, join_request: JoinRequest, *, accept: bool) -> None:
    names = {"org": join_request.organisation.name, "network": join_request.network.name}
    if accept:
        messages.success(request, _("%(org)s joined %(network)s.") % names)
    else:
        messages.success(request, _("You declined: %(org)s does not join %(network)s.") % names)


def _join_answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    """The confirmation page, and the answer once confirmed. A request answered
    already is refused by the service (JoinError), which the page then says."""
    join_request = join_request_access(request, pk)
    form = JoinDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        answer = joining.join_request_accept if accept else joining.join_request_decline
        try:
            answer(join_request=join_request, user=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            _answered(request, join_request, accept=accept)
        return redirect("network:join_requests")
    return render_form(
        request,
        "network/join_request_answer.html",
        {"join_request": join_request, "form": form, "accept": accept},
    )


@login_required
def join_request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _join_answer(request, pk, accept=True)


@login_required
def join_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _join_answer(request, pk, accept=False)


@login_required
@require_POST
def join_request_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    join_request, access = object_access(
        request,
        JoinRequest.objects.select_related("network", "organisation"),
        manage=True,
        pk=pk,
        network__slug=slug,
    )
    try:
        joining.join_request_withdraw(join_request=join_request, user=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The request to %(org)s is withdrawn.") % {"org": join_request.organisation.name},
        )
    return redirect("network:detail", access.network.slug)
