"""The signatories' pages: read and sign, or decline with a reason. Only the person
named to sign for an organisation gets them (``permissions.party_for``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from agreements import selectors
from agreements.forms import DeclineForm, SignForm
from agreements.models import Party
from agreements.permissions import party_for
from agreements.services import signing
from core.errors import ServiceError
from core.responses import render_form

from .common import client_of, refuse, to_version


@login_required
def sign(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    party, version, access = party_for(request, slug, number)
    needs_totp = selectors.totp_required(request.user)
    form = SignForm(needs_totp=needs_totp)
    if request.method == "POST":
        form = SignForm(request.POST, needs_totp=needs_totp)
        if form.is_valid():
            try:
                signing.party_sign(
                    party=party,
                    user=request.user,
                    password=form.cleaned_data["password"],
                    typed_name=form.cleaned_data["typed_name"],
                    otp_code=form.cleaned_data.get("otp_code", ""),
                    **client_of(request),
                )
            except ServiceError as refusal:
                refuse(form, refusal)
            else:
                messages.success(request, _("Thank you. Your signature is recorded."))
                return to_version(version)
    else:
        signing.party_view_record(party=party, user=request.user, **client_of(request))
    # The party's heading ("Sign for …") too: the organisation as the version names it.
    shown = selectors.version_display(version=version, signer=party, with_events=False)
    return render_form(
        request,
        "agreements/sign.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            "party": party,
            "form": form,
            **shown,
        },
    )


@login_required
def decline(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    party, version, access = party_for(request, slug, number)
    if party.status != Party.Status.PENDING:
        # Signed or declined already: the signing page says which.
        return to_version(version, "agreements:sign")
    form = DeclineForm()
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                signing.party_decline(
                    party=party,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    **client_of(request),
                )
            except ServiceError as refusal:
                refuse(form, refusal)
            else:
                messages.info(request, _("You declined. The coordinators have been told."))
                return to_version(version)
    selectors.frozen_names_apply(version=version, parties=[party])
    return render_form(
        request,
        "agreements/decline.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            "party": party,
            "form": form,
        },
    )
