"""Organisations join by consent: attached directly where the rule allows, else asked.

``organisation_attach`` is the one way an organisation becomes a member (founding,
adding a member, the import, the admin, an accepted request); the rule it asks is
``selectors.organisations_attachable``. Anything else files a ``JoinRequest`` that
the organisation's representatives (a site admin when it has none) answer. Their
emails are claimed once (``core.delivery.claim_once``) by the tasks this module
starts by name.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.delivery import claim_once
from core.notify import Kind, person_notify
from core.queue import enqueue
from network.models import JoinRequest, Membership, Network, Organisation
from network.permissions import join_requests_answerable_by
from network.selectors import join_request_recipients, organisations_attachable

from .errors import AttachError, JoinError
from .membership import membership_add
from .organisations import organisation_create

# Requests waiting at once per network: enough for any real network, and a ceiling
# on the emails a stranger could have sent to other organisations' representatives.
MAX_PENDING_JOIN_REQUESTS = 100


@transaction.atomic
def organisation_attach(
    *,
    network: Network,
    organisation: Organisation,
    user,
    created: bool = False,
    place: str = Membership.Place.PARTNER,
    joined_on: dt.date | None = None,
    message: str = "",
) -> Membership | JoinRequest:
    """Make the organisation a member of the network, or ask it to join.

    Returns the current Membership when it is (or already was) a member, or the
    pending JoinRequest when the rule (``organisations_attachable``) says the
    organisation must consent first. ``created`` is True only for an organisation
    the caller made in this same action.
    """
    if network.is_dissolved:
        raise AttachError(_("This network has been dissolved."))
    current = (
        Membership.objects.current().filter(network=network, organisation=organisation).first()
    )
    if current is not None:
        return current
    if created or organisation.pk in organisations_attachable(
        user=user, organisations=[organisation]
    ):
        return membership_add(
            network=network, organisation=organisation, joined_on=joined_on, place=place
        )
    return join_request_file(
        network=network, organisation=organisation, requested_by=user, message=message
    )


@transaction.atomic
def member_organisation_add(
    *,
    network: Network,
    user,
    existing: Organisation | None = None,
    details: dict | None = None,
    message: str = "",
) -> Membership | JoinRequest:
    """Bring an existing organisation (by its consent, see ``organisation_attach``)
    or a new one made from ``details`` into the network."""
    if existing is not None:
        return organisation_attach(
            network=network, organisation=existing, user=user, message=message
        )
    organisation = organisation_create(details=details or {})
    return organisation_attach(network=network, organisation=organisation, user=user, created=True)


@transaction.atomic
def join_request_file(
    *, network: Network, organisation: Organisation, requested_by, message: str = ""
) -> JoinRequest:
    """Ask an organisation to join; its representatives are told by email after the
    commit. A pending request for the same pair is returned as it is (one at a
    time, a named unique constraint holds it even against a concurrent insert)."""
    pending = JoinRequest.objects.pending().filter(network=network, organisation=organisation)
    existing = pending.first()
    if existing is not None:
        return existing
    if JoinRequest.objects.pending().filter(network=network).count() >= MAX_PENDING_JOIN_REQUESTS:
        raise AttachError(
            _(
                "This network already waits for %(n)s answers to requests to join. "
                "Withdraw some, or wait for answers, before asking more organisations."
            )
            % {"n": MAX_PENDING_JOIN_REQUESTS}
        )
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                network=network,
                organisation=organisation,
                requested_by=requested_by,
                message=message.strip()[:2000],
            )
    except IntegrityError:
        # Another request for the same pair won the race: that one stands.
        return pending.get()
    enqueue("network.tasks.join_request_notice_task", join_request.id)
    return join_request


def _join_request_locked(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("network", "organisation")
        .get(pk=join_request.pk)
    )
    if not locked.is_pending:
        raise JoinError(
            _("This request has already been answered (%(state)s).")
            % {"state": locked.get_state_display()}
        )
    return locked


def _answerable(join_request: JoinRequest, user) -> None:
    if not join_requests_answerable_by(user).filter(pk=join_request.pk).exists():
        raise JoinError(_("Only the organisation's representatives can answer this request."))


@transaction.atomic
def join_request_accept(*, join_request: JoinRequest, user) -> Membership:
    """A representative of the organisation (or a site admin) accepts: it joins."""
    join_request = _join_request_locked(join_request)
    _answerable(join_request, user)
    if join_request.network.is_dissolved:
        raise JoinError(_("This network has been dissolved."))
    result = organisation_attach(
        network=join_request.network, organisation=join_request.organisation, user=user
    )
    if not isinstance(result, Membership):  # the rule changed under us: never attach
        raise JoinError(_("Only the organisation's representatives can answer this request."))
    _join_request_decide(join_request, user=user, state=JoinRequest.State.ACCEPTED)
    return result


@transaction.atomic
def join_request_decline(*, join_request: JoinRequest, user) -> JoinRequest:
    join_request = _join_request_locked(join_request)
    _answerable(join_request, user)
    return _join_request_decide(join_request, user=user, state=JoinRequest.State.DECLINED)


def _join_request_decide(join_request: JoinRequest, *, user, state: str) -> JoinRequest:
    join_request.state = state
    join_request.decided_by = user
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["state", "decided_by", "decided_at"])
    enqueue("network.tasks.join_request_decision_task", join_request.id)
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user) -> JoinRequest:
    """The network's coordinators take their request back (no email)."""
    join_request = _join_request_locked(join_request)
    join_request.state = JoinRequest.State.WITHDRAWN
    join_request.decided_by = user
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["state", "decided_by", "decided_at"])
    return join_request


@transaction.atomic
def join_request_notice_send(*, join_request_id: int) -> int:
    """Tell the organisation's representatives once. The claim (a conditional UPDATE
    of ``notice_sent_at``) commits with the sends, so a task run twice sends nothing
    more and a send that fails leaves the notice unclaimed. Returns the emails sent."""
    claimed = claim_once(
        JoinRequest.objects.filter(id=join_request_id, state=JoinRequest.State.PENDING),
        field="notice_sent_at",
    )
    if not claimed:
        return 0
    join_request = JoinRequest.objects.select_related(
        "network", "organisation", "requested_by"
    ).get(id=join_request_id)
    sent = 0
    for user in join_request_recipients(join_request):
        person_notify(
            user=user,
            kind=Kind.NOTICE,
            topic=f"network:join_request:{join_request.pk}",
            template="network_join_request",
            url=f"{settings.SITE_URL}{reverse('network:join_requests')}",
            context={
                "recipient": user,
                "join_request": join_request,
                "network": join_request.network,
                "organisation": join_request.organisation,
                "requester": join_request.requested_by,
                "answer_path": reverse("network:join_requests"),
            },
        )
        sent += 1
    return sent


@transaction.atomic
def join_request_decision_send(*, join_request_id: int) -> bool:
    """Tell the requester the answer, once (claimed like the notice)."""
    claimed = claim_once(
        JoinRequest.objects.filter(
            id=join_request_id,
            state__in=(JoinRequest.State.ACCEPTED, JoinRequest.State.DECLINED),
        ),
        field="decision_sent_at",
    )
    if not claimed:
        return False
    join_request = JoinRequest.objects.select_related(
        "network", "organisation", "requested_by"
    ).get(id=join_request_id)
    user = join_request.requested_by
    if user is None or not user.email or not user.is_active:
        return False
    person_notify(
        user=user,
        kind=Kind.NOTICE,
        topic=f"network:join_decided:{join_request.pk}",
        template="network_join_decided",
        url=f"{settings.SITE_URL}{reverse('network:detail', args=[join_request.network.slug])}",
        context={
            "recipient": user,
            "join_request": join_request,
            "network": join_request.network,
            "organisation": join_request.organisation,
            "accepted": join_request.state == JoinRequest.State.ACCEPTED,
            "network_path": reverse("network:detail", args=[join_request.network.slug]),
        },
    )
    return True
