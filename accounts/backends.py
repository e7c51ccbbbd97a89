"""Email login through allauth, by an address the account has proved only.

allauth looks an email up among every EmailAddress row, verified or not. Here the
only unverified row an account can have is the address it asked to change to and
has not confirmed yet (ACCOUNT_CHANGE_EMAIL): logging in by it would make the
change before the address's owner agreed to it, and would answer for someone
else's address. So an address logs in only as the account's own sign-in email
(User.email) or as a verified address of it.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from core import compiled


def _user_query(pk):
    return get_user_model()._default_manager.filter(pk=pk)


class AuthenticationBackend(AllauthBackend):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        email = (credentials.get("email") or "").strip().lower()
        if user is None or not email:
            return user
        if (user.email or "").lower() == email:
            return user
        if EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
            return user
        return None

    def get_user(self, user_id):
        """ModelBackend's answer (the active user with this id, else None), with the
        read compiled once per process (core.compiled): every logged-in request makes
        it, and building the query cost more than running it. allauth's login stores
        this backend in the session, so this is the read of every logged-in page."""
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if pk is None:
            return None
        found = compiled.objects(_user_query, pk=pk)
        if not found or not self.user_can_authenticate(found[0]):
            return None
        return found[0]
