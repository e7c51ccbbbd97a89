"""One's own side of reporting: notifications, reminder settings, the calendar address
and the calendar itself (public by design: its token is the credential)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.responses import render_form
from reports.forms import PreferenceForm
from reports.permissions import calendar_owner, notification_for
from reports.selectors.pages import (
    calendar_token_get,
    digest_consent,
    notification_list,
    reminder_mode,
)
from reports.services.calendar import calendar_ics, calendar_token_rotate
from reports.services.notices import digest_withdraw, notification_mark_read, preference_save


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    notices = notification_list(user=request.user)
    return render(request, "reports/notifications.html", {"notices": notices})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notification_for(request, pk)
    notification_mark_read(user=request.user, notification_id=notice.pk)
    return redirect("reports:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("reports:notifications")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, initial={"mode": reminder_mode(user=request.user)})
    if request.method == "POST" and form.is_valid():
        preference_save(user=request.user, mode=form.cleaned_data["mode"])
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reports:preferences")
    token = calendar_token_get(user=request.user)
    context = {"form": form, "token": token, "digest_since": digest_consent(user=request.user)}
    return render_form(request, "reports/preferences.html", context)


@login_required
@require_POST
def digest_stop(request: HttpRequest) -> HttpResponse:
    if digest_withdraw(user=request.user):
        messages.success(request, _("The weekly digest is stopped: you get every reminder again."))
    return redirect("reports:preferences")


@login_required
@require_POST
def calendar_rotate(request: HttpRequest) -> HttpResponse:
    calendar_token_rotate(user=request.user)
    messages.success(request, _("New calendar address made; the old one no longer works."))
    return redirect("reports:preferences")


def calendar(request: HttpRequest, token: str) -> HttpResponse:
    """Public by design: the unguessable token is the credential (calendar apps cannot log in)."""
    user = calendar_owner(token)
    response = HttpResponse(calendar_ics(user=user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
