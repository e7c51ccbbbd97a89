"""Recent changes in a network, read from django-simple-history.

A fixed number of queries (one per audited model, each limited), merged in Python;
what changed in the network row is found by comparing neighbouring history rows.
The rows are read with ``values()`` (only the columns a line needs, no historical
model instances): the network page reads them on every view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from .catalogue import thai_active
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


_USER = ("history_user_id", "history_user__full_name", "history_user__email")


def _who(row: dict) -> str:
    """Who made the change, as ``str(user)`` prints a login (its full name, else its
    email); the system when no login did."""
    if row["history_user_id"] is None:
        return _("the system")
    return row["history_user__full_name"] or row["history_user__email"]


def _name(th: str | None, en: str | None) -> str:
    """An organisation's name as ``Organisation.name`` gives it, from a row."""
    if en and not thai_active():
        return en
    return th


def _person(row: dict) -> str:
    """A person's name as ``Person.display_name`` gives it, from a row; "?" when the
    person is gone."""
    title, full_name = row["person__title"], row["person__full_name"]
    if full_name is None:
        return "?"
    return f"{title}{full_name}" if title else full_name


def _network_changes(network: Network, limit: int) -> list[Change]:
    """The network row's own history: what changed between neighbouring records."""
    changes: list[Change] = []
    rows = list(
        Network.history.filter(id=network.id)
        .order_by("-history_date")
        .values("history_type", "history_date", *_USER, *TRACKED_NETWORK_FIELDS)[: limit + 1]
    )
    field_names = {f.name: f for f in Network._meta.fields}
    for newer, older in zip(rows, [*rows[1:], None], strict=False):
        if newer["history_type"] == "+" or older is None:
            what = _("Network founded")
        else:
            changed = [
                str(field_names[f.removesuffix("_id") if f.endswith("_id") else f].verbose_name)
                for f in TRACKED_NETWORK_FIELDS
                if newer[f] != older[f]
            ]
            if not changed:
                continue
            what = _("Changed: %(fields)s") % {"fields": ", ".join(changed)}
        changes.append(Change(newer["history_date"], _who(newer), what))
    return changes


def _membership_changes(network: Network, limit: int) -> list[Change]:
    changes: list[Change] = []
    for row in (
        Membership.history.filter(network_id=network.id)
        .order_by("-history_date")
        .values(
            "history_type",
            "history_date",
            "left_on",
            "organisation_id",
            "organisation__name_th",
            "organisation__name_en",
            *_USER,
        )[:limit]
    ):
        name = (
            _name(row["organisation__name_th"], row["organisation__name_en"])
            if row["organisation__name_th"] is not None
            else "?"
        )
        if row["history_type"] == "+":
            what = _("%(org)s joined") % {"org": name}
        elif row["left_on"]:
            what = _("%(org)s left") % {"org": name}
        else:
            what = _("Membership of %(org)s updated") % {"org": name}
        changes.append(Change(row["history_date"], _who(row), what))
    return changes


def _role_changes(network: Network, limit: int) -> list[Change]:
    changes: list[Change] = []
    kinds = dict(Role.Kind.choices)
    for row in (
        Role.history.filter(network_id=network.id)
        .order_by("-history_date")
        .values(
            "history_type", "history_date", "kind", "person__title", "person__full_name", *_USER
        )[:limit]
    ):
        params = {"person": _person(row), "role": kinds.get(row["kind"], row["kind"])}
        if row["history_type"] == "-":
            what = _("%(person)s is no longer %(role)s") % params
        else:
            what = _("%(person)s became %(role)s") % params
        changes.append(Change(row["history_date"], _who(row), what))
    return changes


def _invitation_changes(network: Network, limit: int) -> list[Change]:
    changes: list[Change] = []
    for row in (
        Invitation.history.filter(network_id=network.id)
        .order_by("-history_date")
        .values("history_type", "history_date", "email", "accepted_at", "revoked_at", *_USER)[
            :limit
        ]
    ):
        params = {"email": row["email"]}
        if row["history_type"] == "+":
            what = _("Invitation sent to %(email)s") % params
        elif row["accepted_at"]:
            what = _("%(email)s accepted the invitation") % params
        elif row["revoked_at"]:
            what = _("Invitation to %(email)s revoked") % params
        else:
            continue
        changes.append(Change(row["history_date"], _who(row), what))
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
