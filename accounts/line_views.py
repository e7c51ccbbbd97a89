"""The person's LINE page (``/accounts/line/``): link by a one-time code, choose channels, unlink.

Shown only when LINE is configured (``core.line.line_enabled``); otherwise a 404.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.line import line_enabled
from core.line_services import channel_choices_save, line_code_issue, line_unlink
from core.models import ChannelChoice, LineLink, LineLinkCode
from core.notify import channel_choices_of
from core.responses import render_form


class ChannelChoicesForm(forms.Form):
    """One choice per kind of message: email, LINE, or both."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for value, label in ChannelChoice.Kind.choices:
            self.fields[value] = forms.ChoiceField(
                label=label, choices=ChannelChoice.Channel.choices
            )


def add_friend_url() -> str:
    basic_id = settings.LINE_BOT_BASIC_ID
    return f"https://line.me/R/ti/p/{basic_id}" if basic_id else ""


def qr_svg(url: str) -> str:
    """The add-friend QR as inline SVG, drawn on the server (no script, no style)."""
    if not url:
        return ""
    import qrcode  # noqa: PLC0415 - qrcode and lxml load for the LINE page only
    import qrcode.image.svg  # noqa: PLC0415

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))


def _act(request: HttpRequest, action: str) -> bool:
    """The page's two buttons that are not the form; True when one was pressed."""
    if action == "code":
        line_code_issue(user=request.user)
        return True
    if action == "unlink":
        if line_unlink(user=request.user):
            messages.success(request, _("LINE is unlinked. Messages come by email."))
        return True
    return False


@login_required
def line_page(request: HttpRequest) -> HttpResponse:
    if not line_enabled():
        raise Http404
    user = request.user
    form = ChannelChoicesForm(initial=channel_choices_of(user=user))
    if request.method == "POST":
        if _act(request, request.POST.get("action", "")):
            return redirect("line_account")
        form = ChannelChoicesForm(request.POST)
        if form.is_valid():
            channel_choices_save(user=user, choices=form.cleaned_data)
            messages.success(request, _("Your choices are saved."))
            return redirect("line_account")
    code = (
        LineLinkCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    url = add_friend_url()
    context = {
        "form": form,
        "link": LineLink.objects.filter(user=user).first(),
        "code": code,
        "add_friend_url": url,
        "qr": qr_svg(url),
    }
    return render_form(request, "account/line.html", context)
