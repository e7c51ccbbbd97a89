"""How the hub's services say no: one ServiceError subclass per kind of rule.

Each carries a stable ``code`` (for tests and logs) and messages already translated
for the user; views show ``.messages`` beside the form or as a page message.
"""

from __future__ import annotations

from core.errors import ServiceError


class FoundingError(ServiceError):
    """The network cannot be founded so; the message says why, in the user's language."""

    code = "founding_refused"


class AttachError(ServiceError):
    """The organisation can be neither attached nor asked; the message says why."""

    code = "attach_refused"


class JoinError(ServiceError):
    """The request cannot be answered so; the message says why, in the user's language."""

    code = "join_refused"


class PersonError(ServiceError):
    """The person (or their role) cannot be changed so; the message says why, in the
    user's language."""

    code = "person_refused"


class LastCoordinator(PersonError):
    """The role is the network's last coordinator: a network keeps at least one."""

    code = "last_coordinator"


class MembershipError(ServiceError):
    """The membership cannot end; the message says why."""

    code = "membership_refused"


class InvitationError(ServiceError):
    """The invitation cannot be made or accepted; the message says why, in the user's
    language."""

    code = "invitation_refused"


class NotDissolved(ServiceError):
    """Only a dissolved network is reopened."""

    code = "not_dissolved"
