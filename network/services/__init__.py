"""The hub's writes, by sub-domain (HackSoft style: ``<thing>_<verb>(*, keyword_only)``).

Modules:

- ``errors``: the ServiceError subclasses the services raise (FoundingError,
  AttachError, JoinError, PersonError and LastCoordinator, MembershipError,
  InvitationError, NotDissolved).
- ``organisations``: an organisation made, corrected, verified.
- ``membership``: the writes alone: a membership made or ended, a role given or
  revoked (a network keeps one coordinator, checked under a row lock).
- ``joining``: ``organisation_attach`` (the one way in) and requests to join, their
  answers and their emails.
- ``founding``: a network founded (its address, lead, first coordinator).
- ``invitations``: invitations made, sent once, revoked, accepted.
- ``roles``: roles given with consent (``role_offer``, ``role_add``).
- ``people``: people added and corrected.
- ``lifecycle``: the network's facts and charter, activation, dissolution, reopening.

Reads live in ``network.selectors``. Tasks are started by name
(``core.queue.enqueue("network.tasks.…")``): no module here imports ``network.tasks``.

The names below are re-exported for the other apps, tests and benchmarks that import
them from ``network.services``; modules of this app import from the submodule.
"""

from __future__ import annotations

from network.selectors import (
    invitation_find,
    join_request_recipients,
    organisations_attachable,
    person_login_email_locked,
)

from .errors import (
    AttachError,
    FoundingError,
    InvitationError,
    JoinError,
    LastCoordinator,
    MembershipError,
    NotDissolved,
    PersonError,
)
from .founding import RESERVED_SLUGS, network_create, network_found
from .invitations import (
    INVITATION_DAYS,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    invitation_send,
)
from .joining import (
    MAX_PENDING_JOIN_REQUESTS,
    join_request_accept,
    join_request_decision_send,
    join_request_decline,
    join_request_file,
    join_request_notice_send,
    join_request_withdraw,
    member_organisation_add,
    organisation_attach,
)
from .lifecycle import (
    NETWORK_EDITABLE,
    charter_update,
    network_activate,
    network_dissolve,
    network_reopen,
    network_update,
)
from .membership import membership_add, membership_end, role_grant, role_revoke
from .organisations import (
    ORGANISATION_EDITABLE,
    organisation_create,
    organisation_update,
    organisation_verify,
)
from .people import account_elsewhere_message, person_add, person_update
from .roles import role_add, role_offer

__all__ = [
    "INVITATION_DAYS",
    "MAX_PENDING_JOIN_REQUESTS",
    "NETWORK_EDITABLE",
    "ORGANISATION_EDITABLE",
    "RESERVED_SLUGS",
    "AttachError",
    "FoundingError",
    "InvitationError",
    "JoinError",
    "LastCoordinator",
    "MembershipError",
    "NotDissolved",
    "PersonError",
    "account_elsewhere_message",
    "charter_update",
    "invitation_accept",
    "invitation_create",
    "invitation_find",
    "invitation_revoke",
    "invitation_send",
    "join_request_accept",
    "join_request_decision_send",
    "join_request_decline",
    "join_request_file",
    "join_request_notice_send",
    "join_request_recipients",
    "join_request_withdraw",
    "member_organisation_add",
    "membership_add",
    "membership_end",
    "network_activate",
    "network_create",
    "network_dissolve",
    "network_found",
    "network_reopen",
    "network_update",
    "organisation_attach",
    "organisation_create",
    "organisation_update",
    "organisation_verify",
    "organisations_attachable",
    "person_add",
    "person_login_email_locked",
    "person_update",
    "role_add",
    "role_grant",
    "role_offer",
    "role_revoke",
]
