"""Writes about logins that are ours rather than allauth's."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction


def sign_in_address_verify(*, user) -> None:
    """Record the account's sign-in address (User.email) as its only verified one.

    User.email is set only where the address is proved or trusted: the invitation
    that reached it (network.invitation_accept), a site admin, the demo, or allauth's
    change-email flow once the link sent to the new address was opened. allauth lets
    an unverified address be made primary whenever no verified one exists, which
    would skip that check; with this row one always exists. Nothing changes when
    another account already holds the address verified (it cannot be verified twice).
    """
    email = (user.email or "").strip().lower()
    if not email or not user.pk:
        return
    mine = EmailAddress.objects.filter(user=user, email__iexact=email)
    if mine.filter(verified=True, primary=True).exists():
        return
    if EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(user=user).exists():
        return
    with transaction.atomic():
        # One sign-in address per account (ACCOUNT_CHANGE_EMAIL): a verified address
        # it had before (a site admin changed it) no longer logs in. A pending,
        # unverified change stays pending.
        EmailAddress.objects.filter(user=user, verified=True).exclude(email__iexact=email).delete()
        EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=email).update(
            primary=False
        )
        row = mine.select_for_update().first()
        if row is None:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        else:
            row.verified = True
            row.primary = True
            row.save(update_fields=["verified", "primary"])
