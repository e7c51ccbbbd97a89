"""Thai for the allauth strings our account pages and emails show where allauth's
own Thai is missing the point ("Current email" read "current email password",
"Password Changed" read "password (again)", the password-reset email mixed English
into Thai, and more).

The strings are listed here so `scripts/messages.py project` keeps them in the
project catalogue (locale/ comes first in LOCALE_PATHS, so these translations win),
as core/django_gaps.py does for Django's. Nothing calls this module at run time.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop


def _strings() -> None:  # pragma: no cover - read by xgettext, never run
    # The sign-in email page (account/email_change.html).
    gettext_noop("Current email")
    gettext_noop("Changing to")
    gettext_noop("Change to")
    gettext_noop("Change Email")
    gettext_noop("Your email address is still pending verification.")
    gettext_noop("Re-send Verification")
    gettext_noop("Cancel Change")
    gettext_noop("Confirmation email sent to %(email)s.")
    gettext_noop("You cannot remove your primary email address (%(email)s).")
    gettext_noop("Your primary email address must be verified.")
    # The page the verification link opens (account/email_confirm.html).
    gettext_noop("Confirm Email Address")
    gettext_noop("You have confirmed %(email)s.")
    # Password again before a sensitive change (account/reauthenticate.html).
    gettext_noop("Confirm Access")
    gettext_noop("Please reauthenticate to safeguard your account.")
    gettext_noop("Enter your password:")
    gettext_noop("Incorrect password.")
    # Emails: the verification link, and notices to the account's address.
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email "
        "address to register an account on %(site_domain)s."
    )
    gettext_noop("Email Changed")
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s.")
    gettext_noop("Email Confirmation")
    gettext_noop("Your email has been confirmed.")
    gettext_noop("Email Removed")
    gettext_noop("Password Changed")
    gettext_noop("Password Set")
    gettext_noop("Your password has been set.")
    gettext_noop("Password Reset")
    gettext_noop("Your password has been reset.")
    # Password reset: the link that also lifts the account-wide login limit.
    gettext_noop("Password Reset Email")
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password "
        "reset for your user account.\nIt can be safely ignored if you did not request a "
        "password reset. Click the link below to reset your password."
    )
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    )
    gettext_noop("Bad Token")
