"""Recent changes in a network, read from django-simple-history.

A fixed number of queries (one per audited model, each limited), merged in Python;
what changed in the network row is found by comparing neighbouring history rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from .models import Invitation, Membership, Network, Role

TRACKED_NETWORK_FIELDS = (
    "name_th",
    "name_en",
    "form",
    "status",
    "lead_organisation_id",
    "founded_on",
    "benefits",
    "purpose",
    "principle",
    "capability",
    "concept",
    "structure",
    "practice",
    "dissolved_on",
    "dissolution_reason",
)


@dataclass
class Change:
    at: datetime
    who: str
    what: str


def _who(record) -> str:
    user = record.history_user
    return str(user) if user else _("the system")


def _network_changes(network: Network, limit: int) -> list[Change]:
    """The network row's own history: what changed between neighbouring records."""
    changes: list[Change] = []
    rows = list(
        Network.history.filter(id=network.id)
        .select_related("history_user")
        .order_by("-history_date")[: limit + 1]
    )
    field_names = {f.name: f for f in Network._meta.fields}
    for newer, older in zip(rows, [*rows[1:], None], strict=False):
        if newer.history_type == "+" or older is None:
            what = _("Network founded")
        else:
            changed = [
                str(field_names[f.removesuffix("_id") if f.endswith("_id") else f].verbose_name)
                for f in TRACKED_NETWORK_FIELDS
                if getattr(newer, f) != getattr(older, f)
            ]
            if not changed:
                continue
            what = _("Changed: %(fields)s") % {"fields": ", ".join(changed)}
        changes.append(Change(newer.history_date, _who(newer), what))
    return changes


def _membership_changes(network: Network, limit: int) -> list[Change]:
    changes: list[Change] = []
    for record in (
        Membership.history.filter(network_id=network.id)
        .select_related("history_user", "organisation")
        .order_by("-history_date")[:limit]
    ):
        name = record.organisation.name if record.organisation else "?"
        if record.history_type == "+":
            what = _("%(org)s joined") % {"org": name}
        elif record.left_on:
            what = _("%(org)s left") % {"org": name}
        else:
            what = _("Membership of %(org)s updated") % {"org": name}
        changes.append(Change(record.history_date, _who(record), what))
    return changes


def _role_changes(network: Network, limit: int) -> list[Change]:
    changes: list[Change] = []
    kinds = dict(Role.Kind.choices)
    for record in (
        Role.history.filter(network_id=network.id)
        .select_related("history_user", "person")
        .order_by("-history_date")[:limit]
    ):
        params = {
            "person": record.person.display_name if record.person else "?",
            "role": kinds.get(record.kind, record.kind),
        }
        if record.history_type == "-":
            what = _("%(person)s is no longer %(role)s") % params
        else:
            what = _("%(person)s became %(role)s") % params
        changes.append(Change(record.history_date, _who(record), what))
    return changes


def _invitation_changes(network: Network, limit: int) -> list[Change]:
    changes: list[Change] = []
    for record in (
        Invitation.history.filter(network_id=network.id)
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    ):
        params = {"email": record.email}
        if record.history_type == "+":
            what = _("Invitation sent to %(email)s") % params
        elif record.accepted_at:
            what = _("%(email)s accepted the invitation") % params
        elif record.revoked_at:
            what = _("Invitation to %(email)s revoked") % params
        else:
            continue
        changes.append(Change(record.history_date, _who(record), what))
    return changes


def recent_changes(*, network: Network, limit: int = 10) -> list[Change]:
    changes = [
        *_network_changes(network, limit),
        *_membership_changes(network, limit),
        *_role_changes(network, limit),
        *_invitation_changes(network, limit),
    ]
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
