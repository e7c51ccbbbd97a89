"""Reactions to the hub's signals. Receivers only call a service."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from network.models import Network
from network.signals import network_created

from .services import roadmap_create


@receiver(network_created, dispatch_uid="roadmap_on_network_created")
def on_network_created(sender, network: Network, **kwargs) -> None:
    roadmap_create(network=network)


@receiver(post_save, sender=Network, dispatch_uid="roadmap_on_network_saved")
def on_network_saved(sender, instance: Network, created: bool, raw: bool = False, **kwargs) -> None:
    # Networks made outside network_create (the admin, fixtures' factories) get their
    # steps too; roadmap_create is idempotent, so the double call is harmless.
    if created and not raw:
        roadmap_create(network=instance)
