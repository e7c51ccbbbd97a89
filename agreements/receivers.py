"""Reactions to the hub's signals. Receivers only call a service."""

from __future__ import annotations

from django.dispatch import receiver

from network.models import Network, Person
from network.signals import network_dissolved, person_moving

from .selectors import signatory_move_reason
from .services.signing import agreement_end


@receiver(person_moving, dispatch_uid="agreements_keep_open_signatories")
def keep_open_signatories(sender, person: Person, **kwargs) -> str | None:
    return signatory_move_reason(person=person)


@receiver(network_dissolved, dispatch_uid="agreements_end_on_dissolution")
def end_on_dissolution(sender, network: Network, **kwargs) -> None:
    agreement_end(network=network, ended_on=network.dissolved_on, reason=network.dissolution_reason)
