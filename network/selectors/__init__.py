"""Reads of the hub: functions that only query, never write.

Services (``network.services``) change things; these answer questions: which
organisations a user may attach, who is asked a request to join, what a page lists.
Pages ask these after ``network.permissions`` has said who may see what; the rules
of who sees what stay in permissions, and selectors call them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from core.thai_names import split_title
from network.catalogue import BENEFITS
from network.models import Invitation, JoinRequest, Membership, Network, Organisation, Person, Role
from network.permissions import (
    Access,
    join_requests_addressed_to,
    networks_coordinated_by,
    organisation_people_visible,
    organisations_visible_to,
    people_editable,
    people_visible_to,
    representatives,
)


# --- who may attach, who is asked --------------------------------------------------------
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
        .in_live_networks()
        .filter(person__user=user)
        .values("network_id")
    )
    shared = set(
        Membership.objects.current()
        .filter(network_id__in=coordinated, organisation_id__in=rest - spoken_for)
        .values_list("organisation_id", flat=True)
    )
    return own | shared


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


def organisation_is_member(network: Network, organisation_id: int) -> bool:
    return (
        Membership.objects.current()
        .filter(network=network, organisation_id=organisation_id)
        .exists()
    )


def chair_refusal(network: Network, kind: str, person: Person | None = None) -> str:
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


# --- invitations ----------------------------------------------------------------------
def token_hash(token: str) -> str:
    """What the database keeps of an invitation's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation a link names, or None for a forged or mistyped link."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("network", "organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_unusable(invitation: Invitation) -> str:
    """Why the link no longer works: its state ("accepted", "revoked", "expired") or
    "dissolved" for its network; empty while it can be accepted."""
    state = invitation.state
    if state != Invitation.State.PENDING:
        return state
    return "dissolved" if invitation.network.is_dissolved else ""


def account_for_email(email: str):
    """The login signing in with this address (any case), or None."""
    return get_user_model().objects.filter(email__iexact=email).first()


def invitations_recent(network: Network, *, limit: int = 100) -> QuerySet[Invitation]:
    return network.invitations.select_related("organisation").order_by("-created_at")[:limit]


# --- the network's pages ----------------------------------------------------------------
def networks_of(user) -> tuple[list[Network], list[Network]]:
    """My networks: (live, dissolved), by Thai name."""
    networks = list(
        Network.objects.visible_to(user).select_related("lead_organisation").order_by("name_th")
    )
    return (
        [n for n in networks if not n.is_dissolved],
        [n for n in networks if n.is_dissolved],
    )


def members_by_organisation(network: Network, *, user, access: Access) -> list[dict]:
    """Current member organisations, lead first, each with its people and their roles;
    each person flagged ``editable`` when this user may open their record."""
    memberships = list(
        network.memberships.current()
        .select_related("organisation")
        .order_by("place", "organisation__name_th")
    )
    people: dict[int, dict[int, dict]] = defaultdict(dict)
    for role in Role.objects.filter(network=network).select_related("person"):
        entry = people[role.person.organisation_id].setdefault(
            role.person_id, {"person": role.person, "roles": []}
        )
        entry["roles"].append(role)
    groups = [
        {
            "membership": m,
            "organisation": m.organisation,
            "people": sorted(
                people.get(m.organisation_id, {}).values(), key=lambda e: e["person"].full_name
            ),
        }
        for m in memberships
    ]
    listed = [entry["person"] for group in groups for entry in group["people"]]
    editable = people_editable(user, access, listed)
    for group in groups:
        for entry in group["people"]:
            entry["editable"] = entry["person"].pk in editable
    return groups


def invitations_by_organisation(groups: list[dict], invitations) -> list[dict]:
    """Put each invitation waiting for an answer under its organisation's group
    (``invited``), in the order given."""
    waiting: dict[int, list[Invitation]] = defaultdict(list)
    for invitation in invitations:
        waiting[invitation.organisation_id].append(invitation)
    for group in groups:
        group["invited"] = waiting.get(group["organisation"].pk, [])
    return groups


def network_benefits(network: Network) -> list:
    return [b for b in BENEFITS if b.code in (network.benefits or [])]


def person_of(user) -> Person | None:
    """The login's own person (with its organisation); None for a login with no person."""
    return Person.objects.select_related("organisation").filter(user=user).first()


# --- the directory ------------------------------------------------------------------------
def people_matching(user, text: str) -> QuerySet[Person]:
    """People this user may see whose name, title or position contains the text, in
    Thai or English; a fragment from the middle of a Thai name (ใจงาม in
    วิไลวรรณ ใจงาม) is found. The email address counts too, but only for people in a
    network the user coordinates (everyone for a site admin): the people page shows
    addresses to coordinators, so searching by them reveals nothing new, and
    nobody else can learn who is behind an address by searching for it.

    On PostgreSQL the trigram GIN indexes of network migration 0006 serve these
    ILIKE '%…%' lookups; SQLite scans.
    """
    people = people_visible_to(user)
    text = " ".join(text.split())
    if not text:
        return people
    match = Q(full_name__icontains=text) | Q(title__icontains=text) | Q(position__icontains=text)
    title, rest = split_title(text)
    if title and rest:
        # "นายสมชาย", "ผศ.ดร. วิไลวรรณ": the title may sit in its own field.
        match |= Q(full_name__icontains=rest)
    if user.is_superuser:
        match |= Q(email__icontains=text)
    else:
        coordinated = Role.objects.filter(network__in=networks_coordinated_by(user))
        match |= Q(email__icontains=text, id__in=coordinated.order_by().values("person_id"))
    return people.filter(match)


def directory_organisations(user, query: str) -> QuerySet[Organisation]:
    """Organisations the user may see, matching the search, each with its current
    memberships of networks the user sees (``current_memberships``)."""
    visible = Network.objects.visible_to(user).values("id")
    return (
        organisations_visible_to(user)
        .search(query)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .filter(network__in=visible)
                .select_related("network")
                .order_by("network__name_th"),
                to_attr="current_memberships",
            )
        )
        .order_by("name_th")
    )


def directory_people(user, query: str) -> QuerySet[Person]:
    """People the user may find (``people_matching``), each with their roles in
    networks the user sees (``visible_roles``) and whether their organisation's page
    is open to the user (``organisation_visible``). A fixed number of queries."""
    visible = Network.objects.visible_to(user).values("id")
    return (
        people_matching(user, query)
        .select_related("organisation")
        .annotate(
            organisation_visible=Exists(
                organisations_visible_to(user).filter(pk=OuterRef("organisation_id"))
            )
        )
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.filter(network__in=visible)
                .select_related("network")
                .order_by("network__name_th", "network_id", "kind"),
                to_attr="visible_roles",
            )
        )
        .order_by("full_name", "pk")
    )


def organisation_page(user, organisation: Organisation) -> dict:
    """An organisation's memberships of networks the user sees, and its people the
    user may see, each with their roles there."""
    visible = Network.objects.visible_to(user).values("id")
    memberships = (
        organisation.memberships.filter(network__in=visible)
        .select_related("network")
        .order_by("left_on", "network__name_th")
    )
    people_rows = organisation_people_visible(user, organisation).prefetch_related(
        Prefetch(
            "roles",
            queryset=Role.objects.filter(network__in=visible).select_related("network"),
            to_attr="visible_roles",
        )
    )
    return {"memberships": memberships, "people": people_rows}


def join_requests_page(user) -> dict:
    """Requests to join addressed to the user: the waiting ones and the latest answered."""
    rows = (
        join_requests_addressed_to(user)
        .select_related("network", "organisation", "requested_by", "decided_by")
        .order_by("-created_at")
    )
    return {
        "pending": list(rows.filter(state=JoinRequest.State.PENDING)[:200]),
        "answered": list(rows.exclude(state=JoinRequest.State.PENDING)[:50]),
    }


def join_requests_waiting_count(user) -> int:
    return join_requests_addressed_to(user).pending().count()
