"""The sign-in email page: allauth's, with two guarantees of our own."""

from __future__ import annotations

from allauth.account.views import email as allauth_email
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .services import sign_in_address_verify


@login_required
def email(request: HttpRequest) -> HttpResponse:
    """A new address replaces the sign-in email only through the link sent to it.

    The account's current address is recorded as verified first (an account without
    a verified address would let allauth make an unverified one primary), and
    "make primary" is refused outright: with ACCOUNT_CHANGE_EMAIL the verification
    link is the only way a pending address takes over.
    """
    sign_in_address_verify(user=request.user)
    if request.method == "POST" and "action_primary" in request.POST:
        messages.error(
            request,
            _(
                "The new address becomes your sign-in email only when you open the link "
                "we sent to it."
            ),
        )
        return redirect("account_email")
    return allauth_email(request)
