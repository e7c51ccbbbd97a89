"""Pages of the written agreement. Each view parses input, calls one service, then
redirects or renders; objects come only through network.permissions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.client_ip import client_ip
from network.models import Organisation
from network.permissions import network_access, object_access

from . import services
from .forms import (
    DeclineForm,
    DutyForm,
    PartyForm,
    ReminderPolicyForm,
    ResourceForm,
    SignForm,
    StartForm,
    VersionForm,
    WithdrawForm,
)
from .models import Agreement, AgreementVersion, Party


def _client(request: HttpRequest) -> dict:
    # The client as core.client_ip trusts it: X-Forwarded-For only as written by the
    # TRUSTED_PROXY_COUNT proxies in front, never as the client typed it.
    return {
        "ip": client_ip(request) or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:500],
    }


def _version(request: HttpRequest, slug: str, number: int, *, manage=False, write=False):
    return object_access(
        request,
        AgreementVersion.objects.select_related(
            "agreement__network__lead_organisation", "sealed_document", "sealed_document_en"
        ),
        network_path="agreement__network",
        manage=manage,
        write=write,
        agreement__network__slug=slug,
        number=number,
    )


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in _errors(exc):
        messages.error(request, message)


def _to_version(version: AgreementVersion, name: str = "agreements:version"):
    return redirect(name, slug=version.agreement.network.slug, number=version.number)


def _frozen_parties(version: AgreementVersion) -> list:
    """The parties with the names they were sent with (a draft: today's names)."""
    parties = list(version.parties.select_related("organisation", "signatory"))
    services.frozen_names_apply(version=version, parties=parties)
    return parties


def _member_organisations(network):
    return Organisation.objects.filter(
        memberships__network=network, memberships__left_on__isnull=True
    ).order_by("name_th")


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    network = access.network
    agreement = Agreement.objects.filter(network=network).first()
    versions = []
    if agreement is not None:
        versions = list(
            agreement.versions.annotate(
                party_count=Count("parties"),
                signed_count=Count("parties", filter=Q(parties__status=Party.Status.SIGNED)),
            ).order_by("-number")
        )
    current = next((v for v in versions if v.is_signed), None)
    open_version = next((v for v in versions if v.status in ("draft", "sent")), None)
    my_party = None
    if open_version is not None and open_version.is_sent:
        my_party = services.party_for_signing(version=open_version, user=request.user)
    return render(
        request,
        "agreements/index.html",
        {
            "network": network,
            "access": access,
            "agreement": agreement,
            "versions": versions,
            "current": current,
            "open_version": open_version,
            "my_party": my_party,
            "reminder_form": ReminderPolicyForm(
                initial={
                    "every_days": agreement.reminder_every_days,
                    "max_count": agreement.reminder_max,
                }
            )
            if agreement
            else None,
            "start_form": StartForm(
                initial={"title": _("Agreement of %(network)s") % {"network": network.name}}
            ),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the agreement a title."))
        return redirect("agreements:index", slug=slug)
    try:
        version = services.agreement_start(
            network=access.network, user=request.user, title=form.cleaned_data["title"]
        )
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("agreements:index", slug=slug)
    messages.success(request, _("The first draft is ready. Write the five sections."))
    return _to_version(version, "agreements:edit")


@login_required
@require_POST
def reminders(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    agreement = get_object_or_404(Agreement, network=access.network)
    form = ReminderPolicyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("agreements:index", slug=slug)
    services.agreement_reminders_set(agreement=agreement, **form.cleaned_data)
    messages.success(request, _("The reminder settings are saved."))
    return redirect("agreements:index", slug=slug)


@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = _version(request, slug, number)
    parties = list(version.parties.select_related("organisation", "signatory"))
    resources = list(version.resources.select_related("organisation"))
    duties = list(version.duties.select_related("organisation"))
    events = list(version.events.select_related("party__organisation", "user"))
    services.frozen_names_apply(
        version=version, parties=parties, duties=duties, resources=resources, events=events
    )
    return render(
        request,
        "agreements/version.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            "sections": services.version_sections(version=version),
            "duties_by_org": services.duties_by_organisation(duties),
            "resources": resources,
            "totals": services.totals_of(resources),
            "parties": parties,
            "events": events,
            "my_party": next((p for p in parties if p.signatory.user_id == request.user.pk), None),
        },
    )


@login_required
def edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = _version(request, slug, number, manage=True, write=True)
    if not version.is_draft:
        messages.error(request, _("Only a draft can be edited. Amend the agreement instead."))
        return _to_version(version)
    network = version.agreement.network
    if request.method == "POST":
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                services.version_update(version=version, user=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("The draft is saved."))
                return _to_version(version, "agreements:edit")
    else:
        form = VersionForm(initial=VersionForm.initial_for(version))
    organisations = _member_organisations(network)
    resources = list(version.resources.select_related("organisation"))
    return render(
        request,
        "agreements/edit.html",
        {
            "network": network,
            "access": access,
            "version": version,
            "form": form,
            "duties": list(version.duties.select_related("organisation")),
            "resources": resources,
            "totals": services.totals_of(resources),
            "duty_form": DutyForm(organisations=organisations),
            "resource_form": ResourceForm(organisations=organisations),
        },
    )


@login_required
@require_POST
def duty_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, _access = _version(request, slug, number, manage=True, write=True)
    form = DutyForm(request.POST, organisations=_member_organisations(version.agreement.network))
    if not form.is_valid():
        messages.error(request, _("Choose an organisation and describe the duty."))
        return _to_version(version, "agreements:edit")
    try:
        services.duty_add(version=version, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    return _to_version(version, "agreements:edit")


@login_required
@require_POST
def duty_remove(request: HttpRequest, slug: str, number: int, duty_id: int) -> HttpResponse:
    version, _access = _version(request, slug, number, manage=True, write=True)
    duty = get_object_or_404(version.duties, pk=duty_id)
    try:
        services.duty_remove(duty=duty)
    except ValidationError as exc:
        _flash(request, exc)
    return _to_version(version, "agreements:edit")


@login_required
@require_POST
def resource_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, _access = _version(request, slug, number, manage=True, write=True)
    form = ResourceForm(
        request.POST, organisations=_member_organisations(version.agreement.network)
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _to_version(version, "agreements:edit")
    try:
        services.resource_add(version=version, **form.cleaned_data)
    except ValidationError as exc:
        _flash(request, exc)
    return _to_version(version, "agreements:edit")


@login_required
@require_POST
def resource_remove(request: HttpRequest, slug: str, number: int, item_id: int) -> HttpResponse:
    version, _access = _version(request, slug, number, manage=True, write=True)
    item = get_object_or_404(version.resources, pk=item_id)
    try:
        services.resource_remove(item=item)
    except ValidationError as exc:
        _flash(request, exc)
    return _to_version(version, "agreements:edit")


@login_required
def parties(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = _version(request, slug, number, manage=True, write=request.method == "POST")
    network = version.agreement.network
    signatories = services.signatory_choices(network=network)
    form = PartyForm(signatories=signatories)
    if request.method == "POST":
        form = PartyForm(request.POST, signatories=signatories)
        if form.is_valid():
            try:
                services.party_add(version=version, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The party is added."))
                return _to_version(version, "agreements:parties")
    return render(
        request,
        "agreements/parties.html",
        {
            "network": network,
            "access": access,
            "version": version,
            "parties": _frozen_parties(version),
            "form": form,
        },
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, slug: str, number: int, party_id: int) -> HttpResponse:
    version, _access = _version(request, slug, number, manage=True, write=True)
    party = get_object_or_404(version.parties, pk=party_id)
    try:
        services.party_remove(party=party)
    except ValidationError as exc:
        _flash(request, exc)
    return _to_version(version, "agreements:parties")


@login_required
def send(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = _version(request, slug, number, manage=True, write=True)
    if request.method == "POST":
        try:
            services.version_send(version=version, user=request.user, **_client(request))
        except ValidationError as exc:
            _flash(request, exc)
            return _to_version(version, "agreements:send")
        messages.success(request, _("Sent for signature. Every signatory receives an email."))
        return _to_version(version)
    return render(
        request,
        "agreements/send.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            "parties": list(version.parties.select_related("organisation", "signatory")),
        },
    )


def _my_party(request: HttpRequest, version: AgreementVersion) -> Party:
    """The caller's party in this version; anyone else gets a 404, not a hint."""
    party = services.party_for_signing(version=version, user=request.user)
    if party is None:
        raise Http404
    return party


@login_required
def sign(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = _version(request, slug, number, write=True)
    party = _my_party(request, version)
    needs_totp = services.totp_required(request.user)
    form = SignForm(needs_totp=needs_totp)
    if request.method == "POST":
        form = SignForm(request.POST, needs_totp=needs_totp)
        if form.is_valid():
            try:
                services.party_sign(
                    party=party,
                    user=request.user,
                    password=form.cleaned_data["password"],
                    typed_name=form.cleaned_data["typed_name"],
                    otp_code=form.cleaned_data.get("otp_code", ""),
                    **_client(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you. Your signature is recorded."))
                return _to_version(version)
    else:
        services.party_view_record(party=party, user=request.user, **_client(request))
    resources = list(version.resources.select_related("organisation"))
    duties = list(version.duties.select_related("organisation"))
    # The party's heading ("Sign for …") too: the organisation as the version names it.
    services.frozen_names_apply(
        version=version, parties=[party], duties=duties, resources=resources
    )
    return render(
        request,
        "agreements/sign.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            "party": party,
            "form": form,
            "sections": services.version_sections(version=version),
            "duties_by_org": services.duties_by_organisation(duties),
            "resources": resources,
            "totals": services.totals_of(resources),
            "parties": _frozen_parties(version),
        },
    )


@login_required
def decline(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = _version(request, slug, number, write=True)
    party = _my_party(request, version)
    form = DeclineForm()
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                services.party_decline(
                    party=party,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    **_client(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.info(request, _("You declined. The coordinators have been told."))
                return _to_version(version)
    services.frozen_names_apply(version=version, parties=[party])
    return render(
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


@login_required
def withdraw(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = _version(request, slug, number, manage=True, write=True)
    form = WithdrawForm()
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.version_withdraw(
                    version=version,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    **_client(request),
                )
            except ValidationError as exc:
                _flash(request, exc)
            else:
                messages.info(request, _("The version is withdrawn."))
            return _to_version(version)
    return render(
        request,
        "agreements/withdraw.html",
        {"network": version.agreement.network, "access": access, "version": version, "form": form},
    )


@login_required
@require_POST
def amend(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, _access = _version(request, slug, number, manage=True, write=True)
    try:
        new = services.version_amend(version=version, user=request.user)
    except ValidationError as exc:
        _flash(request, exc)
        return _to_version(version)
    messages.success(
        request, _("Version %(number)s is a new draft copying this one.") % {"number": new.number}
    )
    return _to_version(new, "agreements:edit")


@login_required
def pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The sealed PDF, served only through this permission-checked view (media is private)."""
    version, _access = _version(request, slug, number)
    language = "en" if request.GET.get("lang") == "en" else "th"
    document = version.sealed_document_en if language == "en" else version.sealed_document
    if document is None or not document.file:
        raise Http404
    filename = f"agreement-{slug}-v{version.number}-{language}.pdf"
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=filename,
    )
