"""Reactions to the hub's signals. Receivers only call a service."""

from __future__ import annotations

from django.dispatch import receiver

from network.models import Network
from network.signals import network_created

from .services.steps import roadmap_create


@receiver(network_created, dispatch_uid="roadmap_on_network_created")
def on_network_created(sender, network: Network, **kwargs) -> None:
    roadmap_create(network=network)
