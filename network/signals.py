"""Signals the hub sends so other apps can react without network importing them.

Receivers only call their own app's service; the rule lives in the service.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that creates a network: kwargs network.
network_created = Signal()
