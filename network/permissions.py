"""The permission rules every app asks. Views fetch objects only through these.

The rules, in one place:
- a user sees a network only if they hold a role in it (a site admin sees all);
  any other network, and anything in it, is a 404 — its existence is not revealed;
- inside a visible network, an action the role does not allow is a 403;
- coordinators (and site admins) manage; chairs, committee and partners read;
  partner representatives also update what their own organisation owns;
- a dissolved network is read-only for everyone; only a site admin reopens it;
- an organisation speaks for itself through its representatives (``representatives``):
  it joins a network someone else runs only when they (or a site admin) accept a
  request to join (``services.organisations_attachable`` is the rule); its page lists
  only the people of networks the viewer can see (``organisation_people_visible``).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from core.thai_names import split_title

from .models import JoinRequest, Membership, Network, Organisation, Person, Role

MANAGE_ROLES = frozenset({Role.Kind.COORDINATOR})
OVERSIGHT_ROLES = frozenset({Role.Kind.COORDINATOR, Role.Kind.CHAIR, Role.Kind.COMMITTEE})
# A person of an organisation holding one of these roles anywhere speaks for it.
SPEAKING_ROLES = frozenset({Role.Kind.PARTNER_REP, Role.Kind.COORDINATOR})


@dataclass(frozen=True)
class Access:
    """What one user may do in one network."""

    network: Network
    roles: frozenset[str]
    organisation_ids: frozenset[int]
    is_site_admin: bool = False

    @property
    def can_view(self) -> bool:
        return self.is_site_admin or bool(self.roles)

    @property
    def can_manage(self) -> bool:
        return self.is_site_admin or bool(self.roles & MANAGE_ROLES)

    @property
    def can_oversee(self) -> bool:
        """Coordinators, the chair and the committee see the whole network's detail."""
        return self.is_site_admin or bool(self.roles & OVERSIGHT_ROLES)

    @property
    def is_coordinator(self) -> bool:
        return Role.Kind.COORDINATOR in self.roles

    @property
    def is_chair(self) -> bool:
        return Role.Kind.CHAIR in self.roles

    @property
    def is_partner(self) -> bool:
        return Role.Kind.PARTNER_REP in self.roles

    def represents(self, organisation_id: int | None) -> bool:
        """True when the user speaks for this organisation in this network."""
        return organisation_id is not None and organisation_id in self.organisation_ids

    def can_update_for(self, organisation_ids) -> bool:
        """Coordinators update anything; partners what one of these organisations owns."""
        if self.network.is_dissolved:
            return False
        return self.can_manage or any(self.represents(org_id) for org_id in organisation_ids)


def access_for(user, network: Network) -> Access:
    """One query: the user's roles in the network and the organisations they represent."""
    if not user.is_authenticated:
        return Access(network=network, roles=frozenset(), organisation_ids=frozenset())
    rows = list(
        Role.objects.filter(network=network, person__user=user).values_list(
            "kind", "person__organisation_id"
        )
    )
    roles = frozenset(kind for kind, _org in rows)
    orgs = frozenset(org for kind, org in rows if kind in Role.SPEAKING_KINDS)
    return Access(
        network=network,
        roles=roles,
        organisation_ids=orgs,
        is_site_admin=user.is_superuser,
    )


def _check(access: Access, *, manage: bool, write: bool, oversee: bool = False) -> Access:
    if not access.can_view:
        raise Http404
    if (manage or write) and access.network.is_dissolved:
        raise PermissionDenied(_("This network has been dissolved and is read-only."))
    if manage and not access.can_manage:
        raise PermissionDenied(_("Only the network's coordinators may do this."))
    if oversee and not access.can_oversee:
        raise PermissionDenied(_("This is for the network's coordinators and committee."))
    return access


def deny(message: str) -> None:
    """Refuse with a 403 and a reason the user can read (the one raise every app's
    permission module uses, so a refusal looks the same everywhere)."""
    raise PermissionDenied(message)


def network_access(
    request: HttpRequest,
    slug: str,
    *,
    manage: bool = False,
    write: bool = False,
    oversee: bool = False,
) -> Access:
    """The network named by ``slug`` as the request's user may use it.

    404 when the user is not in it; 403 when ``manage`` is asked of a non-coordinator,
    ``oversee`` of someone who is neither coordinator nor chair nor committee, or
    anything is to be written in a dissolved network.
    """
    queryset = Network.objects.visible_to(request.user).select_related("lead_organisation")
    network = queryset.filter(slug=slug).first()
    if network is None:
        raise Http404
    return _check(access_for(request.user, network), manage=manage, write=write, oversee=oversee)


def scoped(queryset: QuerySet, user, *, network_path: str = "network") -> QuerySet:
    """Limit a queryset to objects in networks the user can see."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    visible = Network.objects.visible_to(user).values("id")
    return queryset.filter(**{f"{network_path}__in": visible})


def object_access(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    network_path: str = "network",
    manage: bool = False,
    write: bool = False,
    oversee: bool = False,
    **lookup,
):
    """Fetch one object through its network's rules: (object, Access).

    ``network_path`` is the lookup from the object to its network, e.g.
    ``"activity__step__network"``.
    """
    obj = scoped(queryset, request.user, network_path=network_path).filter(**lookup).first()
    if obj is None:
        raise Http404
    network = attrgetter(network_path.replace("__", "."))(obj)
    access = _check(access_for(request.user, network), manage=manage, write=write, oversee=oversee)
    return obj, access


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Organisations in the user's networks, plus the user's own organisation."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    networks = Network.objects.visible_to(user).values("id")
    members = Membership.objects.filter(network__in=networks).order_by().values("organisation_id")
    own = Person.objects.filter(user=user).order_by().values("organisation_id")
    # One IN over a UNION: PostgreSQL cannot use an index for an OR of two IN
    # subqueries and would scan every organisation in the country.
    return Organisation.objects.filter(id__in=members.union(own))


def people_editable(user, access: Access, people: list[Person]) -> set[int]:
    """Ids of those people whose record this user may edit in access.network (one
    query at most).

    Everyone their own; coordinators (and site admins) also anyone whose roles all
    lie in networks they coordinate. A person is shared by every network of their
    organisation: if the coordinator of one network could change the email of a
    person without a login who coordinates another network, an invitation to that
    address would hand them the other network's person, and moving the person
    would change whom they speak for there. A dissolved network edits nobody.
    """
    if access.network.is_dissolved:
        return set()
    own = {p.pk for p in people if p.user_id is not None and p.user_id == user.id}
    if not access.can_manage:
        return own
    others = [p.pk for p in people if p.pk not in own]
    if not others:
        return own
    if user.is_superuser:
        return own | set(others)
    managed = Role.objects.filter(person__user=user, kind__in=MANAGE_ROLES).values("network_id")
    beyond = set(
        Role.objects.filter(person_id__in=others)
        .exclude(network_id__in=managed)
        .values_list("person_id", flat=True)
    )
    return own | (set(others) - beyond)


def require_site_admin(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_superuser):
        raise PermissionDenied(_("Only a site administrator may do this."))


def organisation_can_edit(user, organisation: Organisation) -> bool:
    """Who may edit an organisation's profile.

    Its own representatives (a person of it who is a partner representative or a
    coordinator) and the coordinators of a network it belongs to, as long as that
    network is not dissolved; and site admins.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    live = Role.objects.filter(person__user=user).exclude(network__status=Network.Status.DISSOLVED)
    own = Q(
        person__organisation=organisation,
        kind__in=Role.SPEAKING_KINDS,
    )
    coordinates = Q(
        kind=Role.Kind.COORDINATOR,
        network__memberships__organisation=organisation,
        network__memberships__left_on__isnull=True,
    )
    return live.filter(own | coordinates).exists()


def organisation_access(
    request: HttpRequest, pk: int, *, write: bool = False
) -> tuple[Organisation, bool]:
    """An organisation the user may see: (organisation, may edit).

    404 when it is outside the user's networks; 403 when ``write`` is asked by
    someone who does not speak for it.
    """
    organisation = organisations_visible_to(request.user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    can_edit = organisation_can_edit(request.user, organisation)
    if write and not can_edit:
        raise PermissionDenied(_("Only the organisation's own representatives may edit it."))
    return organisation, can_edit


# --- who speaks for an organisation ------------------------------------------------
def representatives(organisation_ids) -> QuerySet[Person]:
    """The organisations' representatives: a person of one of them, with a login,
    who holds a partner representative's or coordinator's role in any network."""
    return Person.objects.filter(
        organisation_id__in=organisation_ids,
        user__isnull=False,
        user__is_active=True,
        roles__kind__in=SPEAKING_ROLES,
    ).distinct()


def organisations_represented_by(user) -> QuerySet:
    """Ids of the organisations the user speaks for (see ``representatives``)."""
    if not user.is_authenticated:
        return Organisation.objects.none().values("id")
    return (
        Person.objects.filter(user=user, roles__kind__in=SPEAKING_ROLES)
        .order_by()
        .values("organisation_id")
    )


def join_requests_answerable_by(user) -> QuerySet[JoinRequest]:
    """Requests to join that this user may accept or decline: those for an
    organisation they represent; a site admin any (they answer for organisations
    that have no representative)."""
    if not user.is_authenticated:
        return JoinRequest.objects.none()
    if user.is_superuser:
        return JoinRequest.objects.all()
    return JoinRequest.objects.filter(organisation_id__in=organisations_represented_by(user))


def join_requests_addressed_to(user) -> QuerySet[JoinRequest]:
    """The list page's requests: for organisations the user represents, and for a
    site admin also those of organisations with nobody to represent them."""
    if not user.is_authenticated:
        return JoinRequest.objects.none()
    mine = Q(organisation_id__in=organisations_represented_by(user))
    if user.is_superuser:
        spoken_for = (
            Person.objects.filter(
                user__isnull=False, user__is_active=True, roles__kind__in=SPEAKING_ROLES
            )
            .order_by()
            .values("organisation_id")
        )
        mine |= ~Q(organisation_id__in=spoken_for)
    return JoinRequest.objects.filter(mine)


def join_request_access(request: HttpRequest, pk: int) -> JoinRequest:
    """A request to join this user may answer; anyone else gets a 404."""
    join_request = (
        join_requests_answerable_by(request.user)
        .select_related("network", "organisation", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if join_request is None:
        raise Http404
    return join_request


def organisation_people_visible(user, organisation: Organisation) -> QuerySet[Person]:
    """The people of an organisation this user may see listed on its page.

    Those holding a role in a network the user can see; everyone of the user's own
    organisation; everyone for a site admin. A person whose roles all lie in other
    networks is not listed: being in the directory does not publish who works
    with whom elsewhere.
    """
    people = organisation.people.all()
    if not user.is_authenticated:
        return people.none()
    if user.is_superuser or Person.objects.filter(user=user, organisation=organisation).exists():
        return people
    visible = Network.objects.visible_to(user).values("id")
    return people.filter(
        id__in=Role.objects.filter(network__in=visible).order_by().values("person_id")
    )


def people_with_a_role(network: Network) -> QuerySet[Person]:
    """People who hold a role in the network: they accepted it (a login joins only by
    accepting an invitation). Other apps choose whom to ask anything of (a signatory,
    a reminder) among these, not among every person of a member organisation."""
    return Person.objects.filter(
        id__in=Role.objects.filter(network=network).order_by().values("person_id")
    )


# --- finding people ------------------------------------------------------------------
def people_visible_to(user) -> QuerySet[Person]:
    """Everyone this user may find in the directory: people holding a role in a
    network the user can see, and everyone of the user's own organisation; everyone
    for a site admin. The rule of an organisation's page (``organisation_people_visible``)
    across all organisations: whom someone works with elsewhere stays unpublished."""
    if not user.is_authenticated:
        return Person.objects.none()
    if user.is_superuser:
        return Person.objects.all()
    visible = Network.objects.visible_to(user).values("id")
    holders = Role.objects.filter(network__in=visible).order_by().values("person_id")
    own = Person.objects.filter(user=user).order_by().values("organisation_id")
    colleagues = Person.objects.filter(organisation_id__in=own).order_by().values("id")
    # One IN over a UNION, as in organisations_visible_to: an OR of two IN
    # subqueries would defeat the indexes.
    return Person.objects.filter(id__in=holders.union(colleagues))


def networks_coordinated_by(user) -> QuerySet:
    """Ids of the networks this user coordinates."""
    if not user.is_authenticated:
        return Network.objects.none().values("id")
    return (
        Role.objects.filter(person__user=user, kind__in=MANAGE_ROLES)
        .order_by()
        .values("network_id")
    )


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
