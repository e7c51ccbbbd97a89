"""Coordinators' pages for a version: the draft's text, duties, resources and parties;
sending it for signature, withdrawing it, amending a version into a new draft."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import selectors
from agreements.forms import DutyForm, PartyForm, ResourceForm, VersionForm, WithdrawForm
from agreements.permissions import duty_for, party_to_remove_for, resource_for, version_for
from agreements.services import drafting, signing
from core.errors import ServiceError
from core.responses import render_form

from .common import client_of, flash, refuse, to_version


@login_required
def edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = version_for(request, slug, number, manage=True, write=True)
    if not version.is_draft:
        messages.error(request, _("Only a draft can be edited. Amend the agreement instead."))
        return to_version(version)
    network = version.agreement.network
    form = VersionForm(initial=VersionForm.initial_for(version))
    if request.method == "POST":
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                drafting.version_update(version=version, user=request.user, data=form.cleaned_data)
            except ServiceError as refusal:
                refuse(form, refusal)
            else:
                messages.success(request, _("The draft is saved."))
                return to_version(version, "agreements:edit")
    organisations = selectors.member_organisations(network=network)
    return render_form(
        request,
        "agreements/edit.html",
        {
            "network": network,
            "access": access,
            "version": version,
            "form": form,
            **selectors.draft_display(version=version),
            "duty_form": DutyForm(organisations=organisations),
            "resource_form": ResourceForm(organisations=organisations),
        },
    )


def _line_refused(request: HttpRequest, template: str, version, access, form) -> HttpResponse:
    """A duty or resource the edit page posted, refused: the form again, on its own page."""
    return render_form(
        request,
        template,
        {"network": version.agreement.network, "access": access, "version": version, "form": form},
    )


def _line_add(request: HttpRequest, slug: str, number: int, *, form_class, add, template: str):
    """A duty or resource posted from the edit page: added, or the form again (422)."""
    version, access = version_for(request, slug, number, manage=True, write=True)
    organisations = selectors.member_organisations(network=version.agreement.network)
    form = form_class(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            add(version=version, **form.cleaned_data)
        except ServiceError as refusal:
            refuse(form, refusal)
        else:
            return to_version(version, "agreements:edit")
    return _line_refused(request, template, version, access, form)


@login_required
@require_POST
def duty_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _line_add(
        request,
        slug,
        number,
        form_class=DutyForm,
        add=drafting.duty_add,
        template="agreements/duty_add.html",
    )


@login_required
@require_POST
def duty_remove(request: HttpRequest, slug: str, number: int, duty_id: int) -> HttpResponse:
    duty = duty_for(request, slug, number, duty_id)
    try:
        drafting.duty_remove(duty=duty)
    except ServiceError as refusal:
        flash(request, refusal)
    return to_version(duty.version, "agreements:edit")


@login_required
@require_POST
def resource_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _line_add(
        request,
        slug,
        number,
        form_class=ResourceForm,
        add=drafting.resource_add,
        template="agreements/resource_add.html",
    )


@login_required
@require_POST
def resource_remove(request: HttpRequest, slug: str, number: int, item_id: int) -> HttpResponse:
    item = resource_for(request, slug, number, item_id)
    try:
        drafting.resource_remove(item=item)
    except ServiceError as refusal:
        flash(request, refusal)
    return to_version(item.version, "agreements:edit")


@login_required
def parties(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    posted = request.method == "POST"
    version, access = version_for(request, slug, number, manage=True, write=posted)
    signatories = selectors.signatory_choices(network=version.agreement.network)
    form = PartyForm(signatories=signatories)
    if posted:
        form = PartyForm(request.POST, signatories=signatories)
        if form.is_valid():
            try:
                drafting.party_add(version=version, **form.cleaned_data)
            except ServiceError as refusal:
                refuse(form, refusal)
            else:
                messages.success(request, _("The party is added."))
                return to_version(version, "agreements:parties")
    return render_form(
        request,
        "agreements/parties.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            "parties": selectors.parties_as_sent(version=version),
            "form": form,
        },
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, slug: str, number: int, party_id: int) -> HttpResponse:
    party = party_to_remove_for(request, slug, number, party_id)
    try:
        drafting.party_remove(party=party)
    except ServiceError as refusal:
        flash(request, refusal)
    return to_version(party.version, "agreements:parties")


@login_required
def send(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = version_for(request, slug, number, manage=True, write=True)
    if request.method == "POST":
        try:
            signing.version_send(version=version, user=request.user, **client_of(request))
        except ServiceError as refusal:
            flash(request, refusal)  # shown on the page below, answered with 422
        else:
            messages.success(request, _("Sent for signature. Every signatory receives an email."))
            return to_version(version)
    return render_form(
        request,
        "agreements/send.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            "parties": list(version.parties.select_related("organisation", "signatory")),
        },
    )


@login_required
def withdraw(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = version_for(request, slug, number, manage=True, write=True)
    if not version.can_withdraw:
        messages.error(
            request, _("Only a draft or a version waiting for signatures can be withdrawn.")
        )
        return to_version(version)
    form = WithdrawForm()
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                signing.version_withdraw(
                    version=version,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    **client_of(request),
                )
            except ServiceError as refusal:
                refuse(form, refusal)
            else:
                messages.info(request, _("The version is withdrawn."))
                return to_version(version)
    return render_form(
        request,
        "agreements/withdraw.html",
        {"network": version.agreement.network, "access": access, "version": version, "form": form},
    )


@login_required
@require_POST
def amend(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, _access = version_for(request, slug, number, manage=True, write=True)
    try:
        new = drafting.version_amend(version=version, user=request.user)
    except ServiceError as refusal:
        flash(request, refusal)
        return to_version(version)
    messages.success(
        request, _("Version %(number)s is a new draft copying this one.") % {"number": new.number}
    )
    return to_version(new, "agreements:edit")
