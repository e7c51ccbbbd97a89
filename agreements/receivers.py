"""Reactions to the hub's signals. Receivers only call a service."""

from __future__ import annotations

from django.dispatch import receiver

from network.models import Person
from network.signals import person_moving

from .services import signatory_move_reason


@receiver(person_moving, dispatch_uid="agreements_keep_open_signatories")
def keep_open_signatories(sender, person: Person, **kwargs) -> str | None:
    return signatory_move_reason(person=person)
