"""My networks, founding, a network's page, its facts, charter, dissolution, reopening
and map."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.responses import render_form
from network import selectors
from network.forms import (
    CharterForm,
    DissolveForm,
    FounderForm,
    NetworkEditForm,
    NetworkFoundForm,
    OrganisationChoiceForm,
)
from network.graph import map_build
from network.permissions import (
    join_requests_waiting,
    network_access,
    network_reopen_access,
    organisations_visible_to,
)
from network.selectors.network_page import network_page_body
from network.services import founding, lifecycle


@login_required
def my_networks(request: HttpRequest) -> HttpResponse:
    live, dissolved = selectors.networks_of(request.user)
    return render(
        request,
        "network/my_networks.html",
        {
            "networks": live,
            "dissolved": dissolved,
            "join_requests_waiting": selectors.join_requests_waiting_count(request.user),
        },
    )


def _founding_forms(request: HttpRequest, founder) -> tuple:
    """The network's form; for a login with no person yet, also who they are and which
    organisation leads (an existing one from their directory, or a new one)."""
    data = request.POST or None
    form = NetworkFoundForm(data)
    if founder is not None:
        return form, None, None
    person_form = FounderForm(data, prefix="founder", initial={"full_name": request.user.full_name})
    # Only organisations the user can already see: claiming any school in the
    # country would make a stranger its coordinator and editor of its profile.
    candidates = organisations_visible_to(request.user)
    org_form = OrganisationChoiceForm(
        data, prefix="org", candidates=candidates, offer_existing=candidates.exists()
    )
    return form, person_form, org_form


def _found(request: HttpRequest, founder, form, person_form, org_form):
    network_fields = {
        key: form.cleaned_data[key]
        for key in ("name_th", "name_en", "form", "founded_on", "benefits")
    }
    if founder is not None:
        return founding.network_create(
            **network_fields, lead_organisation=founder.organisation, coordinator=founder
        )
    return founding.network_found(
        **network_fields,
        user=request.user,
        full_name=person_form.cleaned_data["full_name"],
        title=person_form.cleaned_data["title"],
        position=person_form.cleaned_data["position"],
        organisation=org_form.cleaned_data.get("existing"),
        organisation_details=org_form.details(),
    )


@login_required
def network_found(request: HttpRequest) -> HttpResponse:
    """Found a network. A login that is not yet a person of an organisation also says
    who they are and which organisation leads (an existing one from their directory,
    or a new one); network_found makes all of it in one transaction."""
    founder = selectors.person_of(request.user)
    form, person_form, org_form = _founding_forms(request, founder)
    forms = [f for f in (form, person_form, org_form) if f is not None]
    if request.method == "POST" and all([f.is_valid() for f in forms]):
        try:
            network = _found(request, founder, form, person_form, org_form)
        except ServiceError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The network is founded. Now write its charter."))
            return redirect("network:charter_edit", network.slug)
    return render_form(
        request,
        "network/found.html",
        {"form": form, "founder": founder, "person_form": person_form, "org_form": org_form},
    )


@login_required
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    network = access.network
    return render(
        request,
        "network/detail.html",
        {
            "network": network,
            "access": access,
            # Header, charter, members, figures, benefits and recent changes: kept
            # while nothing they show changes.
            "body": network_page_body(network, user=request.user, access=access),
            "join_requests": join_requests_waiting(access),
        },
    )


@login_required
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    initial = {
        "name_th": network.name_th,
        "name_en": network.name_en,
        "form": network.form,
        "status": network.status,
        "founded_on": network.founded_on,
        "benefits": network.benefits,
        "lead_organisation": network.lead_organisation_id,
    }
    form = NetworkEditForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST" and form.is_valid():
        lifecycle.network_update(network=network, changes=form.cleaned_data)
        messages.success(request, _("The network is saved."))
        return redirect("network:detail", network.slug)
    return render_form(request, "network/edit.html", {"form": form, "network": network})


@login_required
def charter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    initial = {part.code: text for part, text in network.charter()}
    form = CharterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        lifecycle.charter_update(network=network, parts=form.cleaned_data)
        messages.success(request, _("The charter is saved."))
        return redirect("network:detail", network.slug)
    return render_form(request, "network/charter_edit.html", {"form": form, "network": network})


@login_required
def network_dissolve(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = DissolveForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        lifecycle.network_dissolve(
            network=network,
            reason=form.cleaned_data["reason"],
            dissolved_on=form.cleaned_data["dissolved_on"],
        )
        messages.success(
            request,
            _(
                "The network is dissolved. Its pages stay readable. A close-out report is "
                "being sealed, and every member will get an email about it."
            ),
        )
        return redirect("network:detail", network.slug)
    return render_form(request, "network/dissolve.html", {"form": form, "network": network})


@login_required
@require_POST
def network_reopen(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_reopen_access(request, slug)
    try:
        lifecycle.network_reopen(network=access.network)
    except ServiceError as error:
        messages.info(request, error.message)
    else:
        messages.success(request, _("The network is open again."))
    return redirect("network:detail", access.network.slug)


@login_required
def network_map(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    graph = map_build(network=access.network, user=request.user)
    return render(
        request,
        "network/map.html",
        {"network": access.network, "access": access, "graph": graph},
    )


@login_required
def network_map_data(request: HttpRequest, slug: str) -> JsonResponse:
    access = network_access(request, slug)
    graph = map_build(network=access.network, user=request.user)
    return JsonResponse(graph, json_dumps_params={"ensure_ascii": False})
