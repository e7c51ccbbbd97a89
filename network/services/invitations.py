"""Invitations: a single-use, expiring link that asks someone to take a role.

Only the SHA-256 of the token is stored (``selectors.token_hash``); the raw token
travels once, to the task that writes the email (started by name, claimed once).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.delivery import claim_once
from core.mail import email_send
from core.queue import enqueue
from network.models import Invitation, Network, Organisation, Person, Role
from network.selectors import chair_refusal, organisation_is_member, token_hash

from .errors import InvitationError
from .membership import role_grant

INVITATION_DAYS = 7


@transaction.atomic
def invitation_create(
    *,
    network: Network,
    organisation: Organisation,
    email: str,
    full_name: str,
    invited_by,
    role: str = Role.Kind.PARTNER_REP,
    title: str = "",
    position: str = "",
    category: str = "",
    language: str = "",
    days: int = INVITATION_DAYS,
) -> tuple[Invitation, str]:
    """Invite someone by email; returns the invitation and its one-time token.

    Re-inviting the same address to the same network revokes the earlier link,
    so only the newest email works. The email goes out after the commit.
    """
    if network.is_dissolved:
        raise InvitationError(_("This network has been dissolved."))
    if not organisation_is_member(network, organisation.pk):
        # Inviting someone for an organisation makes them its person: only for a
        # member, which joined by its own consent (organisation_attach).
        raise InvitationError(
            _("%(org)s is not a member of this network.") % {"org": organisation.name}
        )
    refusal = chair_refusal(network, role)
    if refusal:
        raise InvitationError(refusal)
    email = email.strip().lower()
    now = timezone.now()
    for old in Invitation.objects.select_for_update().filter(
        network=network, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    existing_user = get_user_model().objects.filter(email__iexact=email).first()
    language = (existing_user.language if existing_user else "") or language or "th"
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        network=network,
        organisation=organisation,
        email=email,
        title=title.strip(),
        full_name=full_name.strip(),
        position=position.strip(),
        category=category,
        role=role,
        language=language,
        token_hash=token_hash(token),
        invited_by=invited_by,
        expires_at=now + dt.timedelta(days=days),
    )
    # The raw token exists only here and in the email; the task needs it to
    # write the link, and the database keeps only its hash.
    enqueue("network.tasks.invitation_send_task", invitation.id, token)
    return invitation, token


@transaction.atomic
def invitation_send(*, invitation_id: int, token: str) -> bool:
    """Email the invitation once. The claim (a conditional UPDATE of ``sent_at``)
    commits with the send, so a task run twice sends one email and a failed send is
    not marked sent; a link revoked before the worker got to it is not sent."""
    claimed = claim_once(
        Invitation.objects.filter(
            id=invitation_id,
            revoked_at__isnull=True,
            accepted_at__isnull=True,
            token_hash=token_hash(token),
        ),
        field="sent_at",
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("network", "organisation", "invited_by").get(
        id=invitation_id
    )
    email_send(
        template="network_invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "network": invitation.network,
            "organisation": invitation.organisation,
            "accept_path": reverse("network:invitation_accept", args=[token]),
            "expires_at": invitation.expires_at,
            # An existing login accepts by logging in, not by choosing a password.
            "has_account": get_user_model().objects.filter(email__iexact=invitation.email).exists(),
        },
        language=invitation.language,
    )
    return True


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.state == Invitation.State.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _account(invitation: Invitation, user, *, password: str, full_name: str):
    """The login that accepts: the one signed in (it must be the invited address), or
    a new one with ``password`` when the address has none yet."""
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(_("An account with this email exists: log in to accept."))
        return User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=(full_name or invitation.full_name).strip(),
            language=invitation.language,
        )
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that account to accept it.")
            % {"email": invitation.email}
        )
    return user


def _person(invitation: Invitation, user, *, full_name: str) -> Person:
    """The login's person: its own, or the invited organisation's record of the
    address that has no login yet, or a new one (not saved yet)."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = (
            Person.objects.filter(
                organisation=invitation.organisation,
                email__iexact=invitation.email,
                user__isnull=True,
            )
            .order_by("id")
            .first()
        )
    if person is None:
        person = Person(organisation=invitation.organisation, email=invitation.email)
    elif person.organisation_id != invitation.organisation_id:
        raise InvitationError(
            _("Your account already belongs to a person of another organisation.")
        )
    person.user = user
    person.full_name = person.full_name or (full_name or invitation.full_name).strip()
    person.title = person.title or invitation.title
    person.position = person.position or invitation.position
    person.category = person.category or invitation.category
    return person


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user=None, password: str = "", full_name: str = ""
):
    """Accept: create or link the account, then the person, the membership and the role.

    ``user`` is the logged-in account when the address already has one; otherwise
    a new account is created with ``password``. Returns the user. Nothing changes
    unless the invitation is still pending when the row lock is taken, so two
    clicks on one link accept it once.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != Invitation.State.PENDING:
        raise InvitationError(_("This invitation can no longer be used."))
    if invitation.network.is_dissolved:
        raise InvitationError(_("This network has been dissolved."))
    user = _account(invitation, user, password=password, full_name=full_name)
    person = _person(invitation, user, full_name=full_name)
    if not organisation_is_member(invitation.network, invitation.organisation_id):
        # Acceptance never attaches an organisation: it must still be a member.
        raise InvitationError(
            _("%(org)s is no longer a member of this network.")
            % {"org": invitation.organisation.name}
        )
    refusal = chair_refusal(invitation.network, invitation.role, person if person.pk else None)
    if refusal:
        raise InvitationError(refusal)  # someone else became chair since the invitation
    person.save()
    role_grant(network=invitation.network, person=person, kind=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
