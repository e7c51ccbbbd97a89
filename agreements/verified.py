"""An organisation's verified state, as agreements, their PDFs and the verify page say it.

A site admin verifies an organisation (optionally against an official code such as the
Ministry's school code), so a look-alike record cannot pass as the real school: every
place an organisation is a party says which it is.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from network.models import Organisation


def verified_label(*, verified: bool, official_code: str = "") -> str:
    """The state in the active language: "ตรวจสอบแล้ว (รหัส …)" or "not yet verified"."""
    if not verified:
        return _("Not yet verified by a site administrator")
    if official_code:
        return _("Verified (code %(code)s)") % {"code": official_code}
    return _("Verified")


def organisation_verified_label(organisation: Organisation) -> str:
    return verified_label(
        verified=organisation.is_verified, official_code=organisation.official_code
    )
