"""What the network app holds about a person (read by privacy/registry.py).

A person's entry in the directory and their roles are theirs; an erasure anonymises the
entry (the neutral name, contact details blank, no login) and ends the roles. The
entry itself stays, because signed agreements and the roadmap point at it. Plain data
and functions only: this module imports nothing from privacy.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import Invitation, JoinRequest, Membership, Network, Organisation, Person, Role


def _people(subject):
    return Person.objects.filter(pk__in=subject.person_ids)


def _person_erase(subject) -> int:
    """The neutral name in place of theirs, contact details blank, the login unlinked;
    each entry through save() (the change history records it), then every earlier
    copy in that history anonymised too."""
    changed = 0
    for person in _people(subject):
        person.title = ""
        person.full_name = subject.placeholder
        person.position = ""
        person.category = ""
        person.email = ""
        person.phone = ""
        person.user = None
        person.save()
        changed += 1
    Person.history.filter(id__in=subject.person_ids).update(
        title="",
        full_name=subject.placeholder,
        position="",
        category="",
        email="",
        phone="",
        user=None,
    )
    return changed


def _roles(subject):
    return Role.objects.filter(person_id__in=subject.person_ids)


def _roles_end(subject) -> int:
    ended = 0
    for role in _roles(subject):
        role.delete()  # through the model: the change history records the end
        ended += 1
    return ended


def _invitations(subject):
    to_them = Q(pk__in=[])
    for email in subject.emails:
        to_them |= Q(email__iexact=email)
    if subject.user_id:
        to_them |= Q(accepted_by_id=subject.user_id)
    return Invitation.objects.filter(to_them)


def _invitations_erase(subject) -> int:
    ids = []
    now = timezone.now()
    for invitation in _invitations(subject):
        invitation.email = ""
        invitation.title = ""
        invitation.full_name = subject.placeholder
        invitation.position = ""
        if invitation.accepted_at is None and invitation.revoked_at is None:
            invitation.revoked_at = now  # an invitation to nobody cannot be accepted
        invitation.save()
        ids.append(invitation.pk)
    Invitation.history.filter(id__in=ids).update(
        email="", title="", full_name=subject.placeholder, position=""
    )
    return len(ids)


HOLDINGS = (
    {
        "model": Person,
        "rows": _people,
        "fields": (
            "organisation__name_th",
            "title",
            "full_name",
            "position",
            "category",
            "email",
            "phone",
            "created_at",
        ),
        "erase": _person_erase,
    },
    {
        "model": Person.history.model,
        "rows": lambda subject: Person.history.filter(id__in=subject.person_ids),
        "fields": ("history_date", "title", "full_name", "position", "email", "phone"),
        "kept": "change_history",
    },
    {
        "model": Role,
        "rows": _roles,
        "fields": ("network__name_th", "kind", "created_at"),
        "erase": _roles_end,
    },
    {"model": Role.history.model, "kept": "change_history"},
    {
        "model": Invitation,
        "rows": _invitations,
        "fields": (
            "network__name_th",
            "organisation__name_th",
            "email",
            "full_name",
            "role",
            "created_at",
            "accepted_at",
        ),
        "erase": _invitations_erase,
    },
    {"model": Invitation.history.model, "kept": "change_history"},
    {
        "model": JoinRequest,
        "rows": lambda subject: JoinRequest.objects.filter(requested_by_id=subject.user_id),
        "fields": ("network__name_th", "organisation__name_th", "message", "state", "created_at"),
        "kept": "network_record",
    },
    {"model": JoinRequest.history.model, "kept": "change_history"},
    {"model": Organisation, "kept": "organisation"},
    {"model": Organisation.history.model, "kept": "organisation"},
    {"model": Network.history.model, "kept": "change_history"},
    {"model": Membership.history.model, "kept": "change_history"},
)
