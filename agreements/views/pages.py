"""The agreement of a network: its index, starting it, the reminder policy, a version
and its sealed PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agreements import selectors
from agreements.forms import ReminderPolicyForm, StartForm
from agreements.permissions import agreement_for, network_for, version_for
from agreements.services import drafting
from core.errors import ServiceError
from core.responses import render_form

from .common import refuse, to_version


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_for(request, slug)
    network = access.network
    overview = selectors.agreement_overview(network=network, user=request.user)
    agreement = overview["agreement"]
    reminder_form = None
    if agreement is not None:
        reminder_form = ReminderPolicyForm(
            initial={
                "every_days": agreement.reminder_every_days,
                "max_count": agreement.reminder_max,
            }
        )
    return render(
        request,
        "agreements/index.html",
        {
            "network": network,
            "access": access,
            **overview,
            "reminder_form": reminder_form,
            "start_form": StartForm(
                initial={"title": _("Agreement of %(network)s") % {"network": network.name}}
            ),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """The index's start button; a title refused comes back on a page of its own."""
    access = network_for(request, slug, manage=True, write=True)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            version = drafting.agreement_start(
                network=access.network, user=request.user, title=form.cleaned_data["title"]
            )
        except ServiceError as refusal:
            refuse(form, refusal)
        else:
            messages.success(request, _("The first draft is ready. Write the five sections."))
            return to_version(version, "agreements:edit")
    return render_form(
        request,
        "agreements/start.html",
        {"network": access.network, "access": access, "form": form},
    )


@login_required
@require_POST
def reminders(request: HttpRequest, slug: str) -> HttpResponse:
    """The index's reminder policy; values refused come back on a page of their own."""
    agreement, access = agreement_for(request, slug, manage=True, write=True)
    form = ReminderPolicyForm(request.POST)
    if form.is_valid():
        try:
            drafting.agreement_reminders_set(agreement=agreement, **form.cleaned_data)
        except ServiceError as refusal:
            refuse(form, refusal)
        else:
            messages.success(request, _("The reminder settings are saved."))
            return redirect("agreements:index", slug=slug)
    return render_form(
        request,
        "agreements/reminders.html",
        {"network": agreement.network, "access": access, "form": form},
    )


@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version, access = version_for(request, slug, number)
    shown = selectors.version_display(version=version)
    return render(
        request,
        "agreements/version.html",
        {
            "network": version.agreement.network,
            "access": access,
            "version": version,
            **shown,
            "my_party": next(
                (p for p in shown["parties"] if p.signatory.user_id == request.user.pk), None
            ),
        },
    )


@login_required
def pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The sealed PDF, served only through this permission-checked view (media is private)."""
    version, _access = version_for(request, slug, number)
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
