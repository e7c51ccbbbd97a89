"""Organisations in the directory: created, corrected, verified by a site admin."""

from __future__ import annotations

from django.utils import timezone

from network.models import Organisation

ORGANISATION_EDITABLE = ("name_th", "name_en", "kind", "province", "address", "phone", "email")


def organisation_create(*, details: dict) -> Organisation:
    """A new organisation in the directory, from the organisation form's fields."""
    for field in details:
        if field not in (*ORGANISATION_EDITABLE, "website"):
            raise ValueError(f"{field} is not an organisation detail")
    return Organisation.objects.create(**details)


def organisation_verify(*, organisation: Organisation, user, verified: bool = True) -> bool:
    """A site admin marks the organisation verified (checked to be the real one,
    optionally against ``official_code``), or takes the mark away. Saved through
    ``save()`` so the history says who and when. Returns whether anything changed."""
    if not (user is not None and user.is_authenticated and user.is_superuser):
        raise PermissionError("only a site admin verifies an organisation")
    if organisation.is_verified == verified:
        return False
    organisation.verified_at = timezone.now() if verified else None
    organisation.verified_by = user if verified else None
    organisation.save(update_fields=["verified_at", "verified_by", "updated_at"])
    return True


def organisation_update(*, organisation: Organisation, changes: dict) -> Organisation:
    for field, value in changes.items():
        if field not in (*ORGANISATION_EDITABLE, "website"):
            raise ValueError(f"{field} is not editable here")
        setattr(organisation, field, value)
    organisation.save()
    return organisation
