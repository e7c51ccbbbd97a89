"""The network itself: its facts and charter, activation, dissolution and reopening."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from network.catalogue import CHARTER_PARTS
from network.models import JoinRequest, Membership, Network
from network.signals import network_dissolved

from .errors import NotDissolved

NETWORK_EDITABLE = ("name_th", "name_en", "form", "status", "lead_organisation", "founded_on")


@transaction.atomic
def network_update(*, network: Network, changes: dict) -> Network:
    """Save the basic facts and the benefits checklist; dissolution has its own service.

    A new lead organisation takes the lead place among the memberships and the
    previous lead becomes a partner, so the member list and the map agree.
    """
    previous_lead = network.lead_organisation_id
    for field, value in changes.items():
        if field not in (*NETWORK_EDITABLE, "benefits"):
            raise ValueError(f"{field} is not editable here")
        setattr(network, field, value)
    if network.is_dissolved:
        raise ValueError("use network_dissolve to dissolve a network")
    network.save()
    if network.lead_organisation_id != previous_lead:
        for membership in network.memberships.current():
            place = (
                Membership.Place.LEAD
                if membership.organisation_id == network.lead_organisation_id
                else Membership.Place.PARTNER
            )
            if membership.place != place:
                membership.place = place
                membership.save(update_fields=["place"])
    return network


def charter_update(*, network: Network, parts: dict[str, str]) -> Network:
    """Write the six parts of the charter; the history keeps every earlier wording."""
    allowed = {part.code for part in CHARTER_PARTS}
    for code, text in parts.items():
        if code not in allowed:
            raise ValueError(f"{code} is not a charter part")
        setattr(network, code, text.strip())
    network.save()
    return network


@transaction.atomic
def network_dissolve(*, network: Network, reason: str, dissolved_on: dt.date) -> Network:
    """Close a network (§7: networks dissolve when no longer needed); it becomes read-only.

    The other apps close out through ``network_dissolved``: the agreement ends on the
    date, and a close-out report is sealed and every member told after the commit."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.is_dissolved:
        # A second submit (two tabs, a double click) closes nothing twice.
        return network
    network.status = Network.Status.DISSOLVED
    network.dissolution_reason = reason.strip()
    network.dissolved_on = dissolved_on
    network.save()
    for invitation in network.invitations.pending():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    for join_request in network.join_requests.pending():
        join_request.state = JoinRequest.State.WITHDRAWN
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["state", "decided_at"])
    record_id = (
        Network.history.filter(id=network.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    network_dissolved.send(sender=Network, network=network, record_id=record_id)
    return network


@transaction.atomic
def network_activate(*, network: Network) -> Network:
    """A network being set up (forming) becomes active; called when its agreement is
    signed by every party. An active or dissolved network is left as it is."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.status == Network.Status.FORMING:
        network.status = Network.Status.ACTIVE
        network.save()
    return network


@transaction.atomic
def network_reopen(*, network: Network) -> Network:
    """Site admins only: the reason and date stay in the history, and the close-out
    report sealed at the dissolution stays as it is (its page says it was reopened).

    Only a dissolved network reopens (NotDissolved otherwise): a forming network
    stays forming."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if not network.is_dissolved:
        raise NotDissolved(_("The network is not dissolved."))
    network.status = Network.Status.ACTIVE
    network.dissolved_on = None
    network.dissolution_reason = ""
    network.save()
    return network
