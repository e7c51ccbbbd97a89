"""Thai for the Django and allauth strings our pages show but Django's Thai lacks.

The strings are listed here so `scripts/messages.py` keeps them in the project
catalogue (locale/ comes first in LOCALE_PATHS, so these translations win).
Nothing calls this module at run time.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext


def _strings() -> None:  # pragma: no cover - read by xgettext, never run
    gettext_noop("Enter a valid integer.")
    gettext_noop("Null characters are not allowed.")
    gettext_noop("%(model_name)s with this %(field_labels)s already exists.")
    gettext_noop("Value %(value)r is not a valid choice.")
    gettext_noop("Enter a complete value.")
    gettext_noop("Year")
    gettext_noop("Month")
    gettext_noop("Day")
    gettext_noop("Date out of range")
    gettext_noop("CSRF verification failed. Request aborted.")
    gettext_noop(
        "You are seeing this message because this site requires a CSRF cookie when submitting "
        "forms. This cookie is required for security reasons, to ensure that your browser is not "
        "being hijacked by third parties."
    )
    gettext_noop(
        "If you have configured your browser to disable cookies, please re-enable them, at least "
        "for this site, or for “same-origin” requests."
    )
    gettext_noop("More information is available with DEBUG=True.")
    gettext_noop("Enter the same password as before, for verification.")
    gettext_noop("The password is too similar to the %(verbose_name)s.")
    gettext_noop("Your password can't be too similar to your other personal information.")
    gettext_noop("This password is too common.")
    gettext_noop("Your password can't be a commonly used password.")
    gettext_noop("This password is entirely numeric.")
    gettext_noop("Your password can't be entirely numeric.")
    gettext_noop("Password reset sent")
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    )
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        1,
    )
    ngettext(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        1,
    )
    ngettext(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        1,
    )
    ngettext(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        1,
    )
    ngettext(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        1,
    )
    ngettext(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        1,
    )
    ngettext(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        1,
    )
