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
