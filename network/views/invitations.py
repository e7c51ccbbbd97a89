"""A network's invitations, and the public page the emailed link opens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.responses import render_form
from network import selectors
from network.forms import AcceptNewAccountForm, InvitationForm
from network.models import Invitation
from network.permissions import network_access, object_access
from network.services import invitations as invitation_services


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = InvitationForm(
        request.POST or None,
        network=network,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitation_services.invitation_create(
                network=network, invited_by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            for message in error.messages:
                form.add_error("organisation", message)
        else:
            messages.success(
                request,
                _("The invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return redirect("network:invitations", network.slug)
    return render_form(
        request,
        "network/invitations.html",
        {"form": form, "network": network, "invitations": selectors.invitations_recent(network)},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation, access = object_access(
        request,
        Invitation.objects.select_related("network"),
        manage=True,
        pk=pk,
        network__slug=slug,
    )
    invitation_services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation link no longer works."))
    return redirect("network:invitations", access.network.slug)


def _in_invitation_language(request: HttpRequest, invitation: Invitation) -> None:
    """An invitee who has chosen nothing yet is answered in the language the email was
    written in. LanguageMiddleware deactivates after the response, so this lasts for
    this request only."""
    if not request.user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the link in the email. Forged, used, revoked and expired links change nothing."""
    invitation = selectors.invitation_find(token=token)
    if invitation is None:
        return render(request, "network/invitation_invalid.html", {"reason": "unknown"}, status=404)
    _in_invitation_language(request, invitation)
    reason = selectors.invitation_unusable(invitation)
    if reason:
        return render(
            request,
            "network/invitation_invalid.html",
            {"reason": reason, "invitation": invitation},
            status=410,
        )
    account = selectors.account_for_email(invitation.email)
    user = request.user if request.user.is_authenticated else None
    login_url = f"{reverse('account_login')}?next={request.path}"
    form = None
    if account is None and user is None:
        form = AcceptNewAccountForm(
            request.POST or None,
            email=invitation.email,
            initial={"full_name": invitation.full_name},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        if account is not None and user is None:
            return redirect(login_url)
        try:
            accepted_by = invitation_services.invitation_accept(
                invitation=invitation,
                user=user,
                password=form.cleaned_data["password1"] if form else "",
                full_name=form.cleaned_data["full_name"] if form else "",
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if user is None:
                login(request, accepted_by, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome to %(network)s.") % {"network": invitation.network.name}
            )
            return redirect("network:detail", invitation.network.slug)
    return render_form(
        request,
        "network/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "account": account,
            "wrong_account": user is not None and user.email.lower() != invitation.email,
            "login_url": login_url,
        },
    )
