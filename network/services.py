from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.mail import email_send
from core.tasks import enqueue

from .catalogue import CHARTER_PARTS
from .models import Invitation, JoinRequest, Membership, Network, Organisation, Person, Role
from .permissions import join_requests_answerable_by, representatives
from .signals import network_created, network_dissolved, person_moving

# Paths under /networks/ that are pages, not networks.
RESERVED_SLUGS = frozenset({"new"})


def _romanized(text: str) -> str:
    """Thai letters in the Royal Institute's romanisation, word by word, so a network
    named only in Thai gets a readable address (``/networks/kheruekhai-ban-na/``)
    rather than the bare fallback. PyThaiNLP's royin engine and its newmm word list
    ship inside the package: nothing is downloaded. Any other script passes through."""
    try:
        from pythainlp.tokenize import word_tokenize
        from pythainlp.transliterate import romanize
    except ImportError:  # pragma: no cover - the package is a dependency
        return text
    words = word_tokenize(text, engine="newmm", keep_whitespace=False)
    return " ".join(romanize(word, engine="royin") for word in words if word.strip())


def _unique_slug(base: str) -> str:
    slug = slugify(base)[:60].strip("-")
    if not slug:
        # slugify drops Thai letters: romanise them, and number what is still empty.
        slug = slugify(_romanized(base))[:60].strip("-") or "network"
    candidate, n = slug, 2
    while candidate in RESERVED_SLUGS or Network.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def network_create(
    *,
    name_th: str,
    form: str,
    lead_organisation: Organisation,
    coordinator: Person,
    name_en: str = "",
    slug: str = "",
    founded_on: dt.date | None = None,
    benefits: list[str] | None = None,
) -> Network:
    """Found a network: the lead organisation joins it and the founder coordinates it.

    The lead joins through ``organisation_attach``'s rule with the founder as the
    acting user: their own organisation (or, for a site admin, any). Anything
    else raises FoundingError before a row is written.
    """
    if lead_organisation.pk not in organisations_attachable(
        user=coordinator.user, organisations=[lead_organisation]
    ):
        raise FoundingError(
            _("A network is led by the founder's own organisation: %(org)s is not yours.")
            % {"org": lead_organisation.name}
        )
    network = Network.objects.create(
        name_th=name_th,
        name_en=name_en,
        slug=slug or _unique_slug(name_en or name_th),
        form=form,
        lead_organisation=lead_organisation,
        founded_on=founded_on or timezone.localdate(),
        benefits=benefits or [],
    )
    organisation_attach(
        network=network,
        organisation=lead_organisation,
        user=coordinator.user,
        place=Membership.Place.LEAD,
        joined_on=network.founded_on,
    )
    Role.objects.create(network=network, person=coordinator, kind=Role.Kind.COORDINATOR)
    network_created.send(sender=Network, network=network)
    return network


class FoundingError(Exception):
    """The network cannot be founded so; the message says why, in the user's language."""


@transaction.atomic
def network_found(
    *,
    user,
    full_name: str,
    name_th: str,
    form: str,
    organisation: Organisation | None = None,
    organisation_details: dict | None = None,
    title: str = "",
    position: str = "",
    name_en: str = "",
    founded_on: dt.date | None = None,
    benefits: list[str] | None = None,
) -> Network:
    """Found a network as a login that is not yet a person of any organisation.

    In one transaction: the organisation (an existing one, or a new one made from
    ``organisation_details``), the user's own person in it (their email is the
    login's), then ``network_create`` with that organisation leading and the new
    person coordinating. A user who already is a person founds through
    ``network_create`` directly; asking here raises FoundingError.
    """
    # Lock the login's row so a double-submitted form makes one person, not an error.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if Person.objects.filter(user=user).exists():
        raise FoundingError(_("Your account already belongs to a person of an organisation."))
    if (organisation is None) == (organisation_details is None):
        raise ValueError("give either an existing organisation or the details of a new one")
    if organisation is not None and organisation.pk not in organisations_attachable(
        user=user, organisations=[organisation]
    ):
        # Becoming its person would make the user speak for it: only a site admin
        # founds with an organisation that is not already theirs.
        raise FoundingError(
            _("You cannot lead a network with %(org)s: you do not speak for it.")
            % {"org": organisation.name}
        )
    organisation = organisation or organisation_create(details=organisation_details or {})
    founder = Person.objects.create(
        organisation=organisation,
        user=user,
        full_name=full_name.strip(),
        title=title.strip(),
        position=position.strip(),
        email=user.email.lower(),
    )
    return network_create(
        name_th=name_th,
        name_en=name_en,
        form=form,
        founded_on=founded_on,
        benefits=benefits,
        lead_organisation=organisation,
        coordinator=founder,
    )


def membership_add(
    *,
    network: Network,
    organisation: Organisation,
    joined_on: dt.date | None = None,
    place: str = Membership.Place.PARTNER,
) -> Membership:
    """The write alone: the organisation's current membership, made if missing.

    Callers in the app go through ``organisation_attach``, which decides whether
    this organisation may be attached at all.
    """
    membership, _created = Membership.objects.get_or_create(
        network=network,
        organisation=organisation,
        left_on=None,
        defaults={"joined_on": joined_on or timezone.localdate(), "place": place},
    )
    return membership


# --- organisations join by consent -------------------------------------------------
class AttachError(Exception):
    """The organisation can be neither attached nor asked; the message says why."""


# Requests waiting at once per network: enough for any real network, and a ceiling
# on the emails a stranger could have sent to other organisations' representatives.
MAX_PENDING_JOIN_REQUESTS = 100


def organisations_attachable(*, user, organisations) -> set[int]:
    """Ids of those organisations the user may attach to a network directly.

    The rule (one place; every path asks it: founding, adding a member, the
    import, the admin, and accepting a request to join):

    An organisation belongs to itself. It is attached directly only when
    - the acting user is a site admin; or
    - it is created in this very action (``organisation_attach(created=True)``); or
    - the acting user is a person of it (their login is linked to one of its
      people: they speak for it); or
    - the acting user coordinates a network that is not dissolved where it is a
      current member, and it has no representative with a login (a person of it
      holding a partner representative's or coordinator's role anywhere), so
      nobody else speaks for it.
    Otherwise it is never attached silently: ``organisation_attach`` files a
    JoinRequest that a representative (a site admin when it has none) accepts or
    declines. Until then it is not a member: it cannot be a party to an
    agreement, nobody can be invited for it, and the requester sees only its name.

    Refinements: an inactive login attaches nothing; coordinating a dissolved
    network gives nothing (it is read-only); a person without a login never
    counts as a representative (nobody could answer as them).
    """
    organisations = list(organisations)
    ids = {o.pk for o in organisations if o.pk is not None}
    if not ids or user is None or not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return ids
    own = set(
        Person.objects.filter(user=user, organisation_id__in=ids).values_list(
            "organisation_id", flat=True
        )
    )
    rest = ids - own
    if not rest:
        return own
    spoken_for = set(representatives(rest).values_list("organisation_id", flat=True))
    coordinated = (
        Role.objects.coordinators()
        .filter(person__user=user)
        .exclude(network__status=Network.Status.DISSOLVED)
        .values("network_id")
    )
    shared = set(
        Membership.objects.current()
        .filter(
            network_id__in=coordinated,
            organisation_id__in=rest - spoken_for,
        )
        .values_list("organisation_id", flat=True)
    )
    return own | shared


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


class JoinError(Exception):
    """The request cannot be answered so; the message says why, in the user's language."""


@transaction.atomic
def join_request_file(
    *, network: Network, organisation: Organisation, requested_by, message: str = ""
) -> JoinRequest:
    """Ask an organisation to join; its representatives are told by email after the
    commit. A pending request for the same pair is returned as it is (one at a
    time, a named unique constraint holds it even against a concurrent insert)."""
    from .tasks import join_request_notice_task

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
    enqueue(join_request_notice_task, join_request.id)
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


@transaction.atomic
def join_request_accept(*, join_request: JoinRequest, user) -> Membership:
    """A representative of the organisation (or a site admin) accepts: it joins."""
    join_request = _join_request_locked(join_request)
    if not join_requests_answerable_by(user).filter(pk=join_request.pk).exists():
        raise JoinError(_("Only the organisation's representatives can answer this request."))
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
    if not join_requests_answerable_by(user).filter(pk=join_request.pk).exists():
        raise JoinError(_("Only the organisation's representatives can answer this request."))
    return _join_request_decide(join_request, user=user, state=JoinRequest.State.DECLINED)


def _join_request_decide(join_request: JoinRequest, *, user, state: str) -> JoinRequest:
    from .tasks import join_request_decision_task

    join_request.state = state
    join_request.decided_by = user
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["state", "decided_by", "decided_at"])
    enqueue(join_request_decision_task, join_request.id)
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


def join_request_recipients(join_request: JoinRequest) -> list:
    """Who is asked: the organisation's representatives; site admins when it has none."""
    User = get_user_model()
    users = list(
        User.objects.filter(
            person__in=representatives([join_request.organisation_id]), is_active=True
        )
        .exclude(email="")
        .distinct()
    )
    if not users:
        users = list(User.objects.filter(is_superuser=True, is_active=True).exclude(email=""))
    return users


def join_request_notice_send(*, join_request_id: int) -> int:
    """Tell the organisation's representatives once; a conditional UPDATE claims the
    notice, so a task run twice sends nothing more. Returns the emails sent."""
    claimed = JoinRequest.objects.filter(
        id=join_request_id, notice_sent_at__isnull=True, state=JoinRequest.State.PENDING
    ).update(notice_sent_at=timezone.now())
    if not claimed:
        return 0
    join_request = JoinRequest.objects.select_related(
        "network", "organisation", "requested_by"
    ).get(id=join_request_id)
    sent = 0
    for user in join_request_recipients(join_request):
        email_send(
            template="network_join_request",
            to=[user.email],
            context={
                "recipient": user,
                "join_request": join_request,
                "network": join_request.network,
                "organisation": join_request.organisation,
                "requester": join_request.requested_by,
                "answer_path": reverse("network:join_requests"),
            },
            language=user.language,
        )
        sent += 1
    return sent


def join_request_decision_send(*, join_request_id: int) -> bool:
    """Tell the requester the answer, once (claimed like the notice)."""
    claimed = JoinRequest.objects.filter(
        id=join_request_id,
        decision_sent_at__isnull=True,
        state__in=(JoinRequest.State.ACCEPTED, JoinRequest.State.DECLINED),
    ).update(decision_sent_at=timezone.now())
    if not claimed:
        return False
    join_request = JoinRequest.objects.select_related(
        "network", "organisation", "requested_by"
    ).get(id=join_request_id)
    user = join_request.requested_by
    if user is None or not user.email or not user.is_active:
        return False
    email_send(
        template="network_join_decided",
        to=[user.email],
        context={
            "recipient": user,
            "join_request": join_request,
            "network": join_request.network,
            "organisation": join_request.organisation,
            "accepted": join_request.state == JoinRequest.State.ACCEPTED,
            "network_path": reverse("network:detail", args=[join_request.network.slug]),
        },
        language=user.language,
    )
    return True


def _is_member(network: Network, organisation_id: int) -> bool:
    return (
        Membership.objects.current()
        .filter(network=network, organisation_id=organisation_id)
        .exists()
    )


def _chair_taken(network: Network, kind: str, person: Person | None = None) -> str:
    """The refusal when ``kind`` is the chair and someone else already chairs the
    network (one chair per network: the Role constraint role_one_chair_per_network);
    empty when the role may be given."""
    if kind != Role.Kind.CHAIR:
        return ""
    chair = (
        Role.objects.filter(network=network, kind=Role.Kind.CHAIR)
        .exclude(person=person)
        .select_related("person")
        .first()
    )
    if chair is None:
        return ""
    return _(
        "This network already has a committee chair: %(name)s. "
        "Remove that role first, then give it to someone else."
    ) % {"name": chair.person.display_name}


def role_grant(*, network: Network, person: Person, kind: str) -> Role:
    """The write alone. A role belongs to a person of a current member organisation;
    the app's paths give roles through ``role_offer`` (consent first for a login).
    A second chair is refused (PersonError), here and by the database."""
    if not _is_member(network, person.organisation_id):
        raise ValueError("a role is given only to a person of a current member organisation")
    refusal = _chair_taken(network, kind, person)
    if refusal:
        raise PersonError(refusal)
    try:
        with transaction.atomic():
            role, _created = Role.objects.get_or_create(network=network, person=person, kind=kind)
    except IntegrityError:
        # Two chairs given at the same moment: the constraint keeps one.
        raise PersonError(
            _chair_taken(network, kind, person) or _("The role is not added.")
        ) from None
    return role


def role_add(*, network: Network, person: Person, kind: str, invited_by) -> Role | Invitation:
    """The people page's "add a role": a role the person already holds changes
    nothing and says so (PersonError); otherwise ``role_offer``. Imports keep
    calling ``role_offer``, for which a role already held is simply kept."""
    if Role.objects.filter(network=network, person=person, kind=kind).exists():
        raise PersonError(
            _("%(name)s already has this role: %(role)s.")
            % {"name": person.display_name, "role": Role.Kind(kind).label}
        )
    return role_offer(network=network, person=person, kind=kind, invited_by=invited_by)


def role_offer(*, network: Network, person: Person, kind: str, invited_by) -> Role | Invitation:
    """Give a role with the person's consent.

    A person without a login gets the role at once (nobody to ask, and nothing is
    sent to them). A login that already holds a role in this network has already
    accepted it: further roles there are given at once too. Any other login is
    invited (the same single-use link as ``invitation_create``) and gets the role
    only by accepting; until then they receive nothing from the network, cannot be
    asked to sign for it and do not see it. Returns the Role or the Invitation.
    """
    if not _is_member(network, person.organisation_id):
        raise PersonError(
            _("%(org)s is not a member of this network.") % {"org": person.organisation.name}
        )
    if person.user_id is None or Role.objects.filter(network=network, person=person).exists():
        return role_grant(network=network, person=person, kind=kind)
    refusal = _chair_taken(network, kind, person)
    if refusal:
        raise PersonError(refusal)  # before an invitation that could never be accepted
    user = person.user
    waiting = (
        Invitation.objects.pending()
        .filter(network=network, email__iexact=user.email, organisation=person.organisation_id)
        .filter(role=kind)
        .first()
    )
    if waiting is not None:
        return waiting  # asked already: no second email
    invitation, _token = invitation_create(
        network=network,
        organisation=person.organisation,
        email=user.email,
        full_name=person.full_name,
        title=person.title,
        position=person.position,
        category=person.category,
        role=kind,
        invited_by=invited_by,
        language=user.language,
    )
    return invitation


# --- the network itself ------------------------------------------------------------
NETWORK_EDITABLE = ("name_th", "name_en", "form", "status", "lead_organisation", "founded_on")


@transaction.atomic
def network_update(*, network: Network, changes: dict) -> Network:
    """Save the basic facts and the benefits checklist; dissolution has its own service.

    A new lead organisation takes the lead place among the memberships and the
    previous lead becomes a partner, so the member list and the map agree.
    """
    previous_lead = network.lead_organisation_id
    for field, value in changes.items():
        if field not in (*NETWORK_EDITABLE, "benefits"):
            raise ValueError(f"{field} is not editable here")
        setattr(network, field, value)
    if network.status == Network.Status.DISSOLVED:
        raise ValueError("use network_dissolve to dissolve a network")
    network.save()
    if network.lead_organisation_id != previous_lead:
        for membership in network.memberships.current():
            place = (
                Membership.Place.LEAD
                if membership.organisation_id == network.lead_organisation_id
                else Membership.Place.PARTNER
            )
            if membership.place != place:
                membership.place = place
                membership.save(update_fields=["place"])
    return network


def charter_update(*, network: Network, parts: dict[str, str]) -> Network:
    """Write the six parts of the charter; the history keeps every earlier wording."""
    allowed = {part.code for part in CHARTER_PARTS}
    for code, text in parts.items():
        if code not in allowed:
            raise ValueError(f"{code} is not a charter part")
        setattr(network, code, text.strip())
    network.save()
    return network


@transaction.atomic
def network_dissolve(*, network: Network, reason: str, dissolved_on: dt.date) -> Network:
    """Close a network (§7: networks dissolve when no longer needed); it becomes read-only.

    The other apps close out through ``network_dissolved``: the agreement ends on the
    date, and a close-out report is sealed and every member told after the commit."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.is_dissolved:
        # A second submit (two tabs, a double click) closes nothing twice.
        return network
    network.status = Network.Status.DISSOLVED
    network.dissolution_reason = reason.strip()
    network.dissolved_on = dissolved_on
    network.save()
    for invitation in network.invitations.pending():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    for join_request in network.join_requests.pending():
        join_request.state = JoinRequest.State.WITHDRAWN
        join_request.decided_at = timezone.now()
        join_request.save(update_fields=["state", "decided_at"])
    record_id = (
        Network.history.filter(id=network.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    network_dissolved.send(sender=Network, network=network, record_id=record_id)
    return network


@transaction.atomic
def network_activate(*, network: Network) -> Network:
    """A network being set up (forming) becomes active; called when its agreement is
    signed by every party. An active or dissolved network is left as it is."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    if network.status == Network.Status.FORMING:
        network.status = Network.Status.ACTIVE
        network.save()
    return network


@transaction.atomic
def network_reopen(*, network: Network) -> Network:
    """Site admins only: the reason and date stay in the history, and the close-out
    report sealed at the dissolution stays as it is (its page says it was reopened)."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    network.status = Network.Status.ACTIVE
    network.dissolved_on = None
    network.dissolution_reason = ""
    network.save()
    return network


# --- organisations and people ------------------------------------------------------
ORGANISATION_EDITABLE = ("name_th", "name_en", "kind", "province", "address", "phone", "email")


def organisation_create(*, details: dict) -> Organisation:
    """A new organisation in the directory, from the organisation form's fields."""
    for field in details:
        if field not in (*ORGANISATION_EDITABLE, "website"):
            raise ValueError(f"{field} is not an organisation detail")
    return Organisation.objects.create(**details)


def organisation_verify(*, organisation: Organisation, user, verified: bool = True) -> bool:
    """A site admin marks the organisation verified (checked to be the real one,
    optionally against ``official_code``), or takes the mark away. Saved through
    ``save()`` so the history says who and when. Returns whether anything changed."""
    if not (user is not None and user.is_authenticated and user.is_superuser):
        raise PermissionError("only a site admin verifies an organisation")
    if organisation.is_verified == verified:
        return False
    organisation.verified_at = timezone.now() if verified else None
    organisation.verified_by = user if verified else None
    organisation.save(update_fields=["verified_at", "verified_by", "updated_at"])
    return True


def organisation_update(*, organisation: Organisation, changes: dict) -> Organisation:
    for field, value in changes.items():
        if field not in (*ORGANISATION_EDITABLE, "website"):
            raise ValueError(f"{field} is not editable here")
        setattr(organisation, field, value)
    organisation.save()
    return organisation


@transaction.atomic
def person_add(
    *,
    network: Network,
    organisation: Organisation,
    full_name: str,
    kind: str,
    invited_by=None,
    title: str = "",
    position: str = "",
    category: str = "",
    email: str = "",
    phone: str = "",
) -> Person | Invitation:
    """A person of a current member organisation, with a role in the network.

    An address that already signs in to an account is not copied into a new
    record: that login is asked (``role_offer``; an Invitation is returned), and
    one belonging to a person of another organisation is refused (PersonError).
    Otherwise the person is created with the role at once.
    """
    if not _is_member(network, organisation.pk):
        raise PersonError(
            _("%(org)s is not a member of this network.") % {"org": organisation.name}
        )
    refusal = _chair_taken(network, kind)
    if refusal:
        raise PersonError(refusal)  # before a person is created for a role they cannot have
    email = email.strip().lower()
    account = get_user_model().objects.filter(email__iexact=email).first() if email else None
    if account is not None:
        existing = Person.objects.filter(user=account).select_related("organisation").first()
        if existing is None:
            invitation, _token = invitation_create(
                network=network,
                organisation=organisation,
                email=account.email,
                full_name=full_name,
                title=title,
                position=position,
                category=category,
                role=kind,
                invited_by=invited_by,
                language=account.language,
            )
            return invitation
        if existing.organisation_id != organisation.pk:
            raise PersonError(account_elsewhere_message())
        return role_offer(network=network, person=existing, kind=kind, invited_by=invited_by)
    person = Person.objects.create(
        organisation=organisation,
        full_name=full_name.strip(),
        title=title.strip(),
        position=position.strip(),
        category=category,
        email=email,
        phone=phone.strip(),
    )
    role_grant(network=network, person=person, kind=kind)
    return person


def account_elsewhere_message() -> str:
    """Why an address cannot be added for this organisation (people page and import)."""
    return _(
        "This address signs in to an account of a person of another organisation. "
        "Add them with their own organisation, once it is a member."
    )


class PersonError(Exception):
    """The person cannot be changed so; the message says why, in the user's language."""


def person_login_email_locked(person: Person) -> bool:
    """True when the person's email is the address their login signs in with.

    The rule: this app never changes a login's email through a person's record.
    The sign-in address belongs to the account and is changed (with its own
    checks) by its owner on allauth's email page; if a coordinator could change it
    here, they could point someone else's login at their own mailbox and take it over with a
    password reset. So while the person's email *is* the login's, it stays as it
    is here. A contact email that already differs from the login's is only a
    contact address and may be corrected freely; the login is untouched either way.
    """
    return bool(
        person.user_id and person.email and person.email.lower() == person.user.email.lower()
    )


@transaction.atomic
def person_update(
    *,
    person: Person,
    full_name: str,
    organisation: Organisation | None = None,
    title: str = "",
    position: str = "",
    category: str = "",
    email: str = "",
    phone: str = "",
) -> Person:
    """Correct a person's details; saved through ``save()`` so the history keeps
    the earlier version. ``organisation=None`` keeps the current one.

    Raises PersonError (and changes nothing) when the email is the login's sign-in
    address (see ``person_login_email_locked``), or when the new organisation is
    not a current member of every network the person holds a role in: a role in a
    network belongs to a member organisation's person.
    """
    # Lock the person alone: the login is LEFT JOINed and PostgreSQL will not lock
    # the nullable side of an outer join.
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    email = email.strip().lower()
    if person_login_email_locked(person) and email != person.email.lower():
        raise PersonError(
            _(
                "This is the address %(name)s signs in with; they change it themselves from "
                "the menu under their name (Sign-in email), not here."
            )
            % {"name": person.display_name}
        )
    if organisation is not None and organisation.pk != person.organisation_id:
        stranded = (
            Network.objects.filter(roles__person=person)
            .exclude(
                id__in=Membership.objects.current()
                .filter(organisation=organisation)
                .values("network_id")
            )
            .distinct()
        )
        names = sorted(network.name for network in stranded)
        if names:
            raise PersonError(
                _(
                    "%(org)s is not a member of every network this person has a role in "
                    "(%(networks)s)."
                )
                % {"org": organisation.name, "networks": ", ".join(names)}
            )
        reasons = [
            str(reason)
            for _receiver, reason in person_moving.send(
                sender=Person, person=person, organisation=organisation
            )
            if reason
        ]
        if reasons:
            raise PersonError(reasons[0])
        person.organisation = organisation
    person.full_name = full_name.strip()
    person.title = title.strip()
    person.position = position.strip()
    person.category = category
    person.email = email
    person.phone = phone.strip()
    person.save()
    user = person.user
    if user is not None and user.full_name != person.full_name:
        # The login shows the person's name (menu, emails): a corrected name follows.
        user.full_name = person.full_name
        user.save(update_fields=["full_name"])
    return person


class MembershipError(Exception):
    """The membership cannot end; the message says why."""


@transaction.atomic
def membership_end(*, membership: Membership, left_on: dt.date | None = None) -> Membership:
    """An organisation leaves the network: its people lose their roles in it.

    The row stays (with its dates) so the network's history shows who was a member
    when; the lead organisation cannot leave until another organisation leads.
    """
    if membership.organisation_id == membership.network.lead_organisation_id:
        raise MembershipError(_("The lead organisation cannot leave. Choose another lead first."))
    membership.left_on = left_on or timezone.localdate()
    membership.save(update_fields=["left_on"])
    for role in Role.objects.filter(
        network=membership.network, person__organisation=membership.organisation
    ):
        role.delete()
    return membership


def role_revoke(*, role: Role) -> None:
    """Remove one role; deleting through the model keeps a history row."""
    role.delete()


# --- invitations ------------------------------------------------------------------
INVITATION_DAYS = 7


class InvitationError(Exception):
    """The invitation cannot be made or accepted; the message says why, in the user's
    language."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
    from .tasks import invitation_send_task

    if network.is_dissolved:
        raise InvitationError(_("This network has been dissolved."))
    if not _is_member(network, organisation.pk):
        # Inviting someone for an organisation makes them its person: only for a
        # member, which joined by its own consent (organisation_attach).
        raise InvitationError(
            _("%(org)s is not a member of this network.") % {"org": organisation.name}
        )
    refusal = _chair_taken(network, role)
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
        token_hash=_token_hash(token),
        invited_by=invited_by,
        expires_at=now + dt.timedelta(days=days),
    )
    # The raw token exists only here and in the email; the task needs it to
    # write the link, and the database keeps only its hash.
    enqueue(invitation_send_task, invitation.id, token)
    return invitation, token


def invitation_send(*, invitation_id: int, token: str) -> bool:
    """Email the invitation once. A conditional UPDATE claims it, so a task run
    twice sends one email; a link revoked before the worker got to it is not sent."""
    claimed = Invitation.objects.filter(
        id=invitation_id,
        sent_at__isnull=True,
        revoked_at__isnull=True,
        accepted_at__isnull=True,
        token_hash=_token_hash(token),
    ).update(sent_at=timezone.now())
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


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation a link names, or None for a forged or mistyped link."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("network", "organisation")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.state == Invitation.State.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


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
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(_("An account with this email exists: log in to accept."))
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=(full_name or invitation.full_name).strip(),
            language=invitation.language,
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation was sent to %(email)s. Log in with that account to accept it.")
            % {"email": invitation.email}
        )
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
    if not _is_member(invitation.network, invitation.organisation_id):
        # Acceptance never attaches an organisation: it must still be a member.
        raise InvitationError(
            _("%(org)s is no longer a member of this network.")
            % {"org": invitation.organisation.name}
        )
    refusal = _chair_taken(invitation.network, invitation.role, person if person.pk else None)
    if refusal:
        raise InvitationError(refusal)  # someone else became chair since the invitation
    person.save()
    role_grant(network=invitation.network, person=person, kind=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
