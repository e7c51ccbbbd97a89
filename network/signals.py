"""Signals the hub sends so other apps can react without network importing them.

Receivers only call their own app's service; the rule lives in the service.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that creates a network: kwargs network.
network_created = Signal()

# Sent inside person_update, before a person moves to another organisation: kwargs
# person, organisation (the new one). A receiver answers with a reason (a short,
# translated sentence) when the person must stay where they are, or None; any reason
# refuses the move.
person_moving = Signal()

# Sent inside network_dissolve's transaction, once the network is saved as dissolved:
# kwargs network (its dissolved_on and dissolution_reason set) and record_id, the id of
# the network's history row that records this dissolution. The date and reason stay
# in that row after a reopening clears them from the network, so work that runs later
# (the close-out report) reads them from there. Receivers write in the transaction or
# start tasks with transaction.on_commit.
network_dissolved = Signal()
