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
  request to join (``selectors.organisations_attachable`` is the rule); its page lists
  only the people of networks the viewer can see (``organisation_people_visible``).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from . import access_reads
from .access_reads import ReadQuerySet, access_network_read, access_roles_read, object_read
from .models import Invitation, JoinRequest, Membership, Network, Organisation, Person, Role

MANAGE_ROLES = frozenset({Role.Kind.COORDINATOR})
OVERSIGHT_ROLES = frozenset({Role.Kind.COORDINATOR, Role.Kind.CHAIR, Role.Kind.COMMITTEE})
# A person of an organisation holding one of these roles anywhere speaks for it
# (Role.SPEAKING_KINDS, as a set for the apps that test membership in it).
SPEAKING_ROLES = frozenset(Role.SPEAKING_KINDS)


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


def _access(user, network: Network, rows) -> Access:
    """Access from the user's (kind, organisation id) rows in the network."""
    return Access(
        network=network,
        roles=frozenset(kind for kind, _org in rows),
        organisation_ids=frozenset(org for kind, org in rows if kind in Role.SPEAKING_KINDS),
        is_site_admin=user.is_superuser,
    )


def access_for(user, network: Network) -> Access:
    """One query: the user's roles in the network and the organisations they represent."""
    if not user.is_authenticated:  # no roles; AnonymousUser.is_superuser is False
        return _access(user, network, [])
    return _access(user, network, access_roles_read(network_id=network.pk, user_id=user.pk))


def _check(access: Access, *, manage: bool, write: bool, oversee: bool = False) -> Access:
    if not access.can_view:
        raise Http404
    if (manage or write) and access.network.is_dissolved:
        deny(_("This network has been dissolved and is read-only."))
    if manage and not access.can_manage:
        deny(_("Only the network's coordinators may do this."))
    if oversee and not access.can_oversee:
        deny(_("This is for the network's coordinators and committee."))
    return access


def deny(message: str) -> None:
    """A 403 with a reason the user can read: every app refuses the same way."""
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
    # One query: the network and access_for's rows (none: _check's 404; anonymous is 0).
    user = request.user
    found = access_network_read(slug=slug, user_id=user.pk if user.is_authenticated else 0)
    if found is None:
        raise Http404
    network, rows = found
    return _check(_access(user, network, rows), manage=manage, write=write, oversee=oversee)


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
    queryset: QuerySet | ReadQuerySet,
    *,
    network_path: str = "network",
    manage: bool = False,
    write: bool = False,
    oversee: bool = False,
    **lookup,
):
    """Fetch one object through its network's rules: (object, Access).

    ``network_path`` is the lookup from the object to its network, e.g.
    ``"activity__step__network"``; a function in place of the queryset is compiled
    once per process (``access_reads.object_read``)."""
    obj = object_read(request.user, queryset, scoped, network_path=network_path, lookup=lookup)
    if obj is None:
        raise Http404
    network = attrgetter(network_path.replace("__", "."))(obj)
    access = _check(access_for(request.user, network), manage=manage, write=write, oversee=oversee)
    return obj, access


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Organisations in the user's networks, plus the user's own organisation."""
    if not user.is_authenticated or user.pk is None:  # user_id=None would be IS NULL
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    networks = Network.objects.visible_to(user).values("id")
    members = Membership.objects.filter(network__in=networks).order_by().values("organisation_id")
    own = Person.objects.filter(user_id=user.pk).order_by().values("organisation_id")
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
    managed = Role.objects.coordinators().filter(person__user=user).values("network_id")
    beyond = set(
        Role.objects.filter(person_id__in=others)
        .exclude(network_id__in=managed)
        .values_list("person_id", flat=True)
    )
    return own | (set(others) - beyond)


def require_site_admin(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_superuser):
        deny(_("Only a site administrator may do this."))


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
    live = Role.objects.in_live_networks().filter(person__user=user)
    own = live.speaking_for().filter(person__organisation=organisation)
    member_of = Membership.objects.current().filter(organisation=organisation).values("network_id")
    coordinates = live.coordinators().filter(network_id__in=member_of)
    return (own | coordinates).exists()  # one query: the two filters ORed


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
        deny(_("Only the organisation's own representatives may edit it."))
    return organisation, can_edit


# --- who speaks for an organisation ------------------------------------------------
def representatives(organisation_ids) -> QuerySet[Person]:
    """The organisations' representatives: a person of one of them, with a login,
    who holds a partner representative's or coordinator's role in any network."""
    return Person.objects.filter(
        organisation_id__in=organisation_ids,
        user__isnull=False,
        user__is_active=True,
        roles__kind__in=Role.SPEAKING_KINDS,
    ).distinct()


def organisations_represented_by(user) -> QuerySet:
    """Ids of the organisations the user speaks for (see ``representatives``)."""
    if not user.is_authenticated:
        return Organisation.objects.none().values("id")
    return (
        Person.objects.filter(user=user, roles__kind__in=Role.SPEAKING_KINDS)
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
                user__isnull=False, user__is_active=True, roles__kind__in=Role.SPEAKING_KINDS
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
    if not user.is_authenticated or user.pk is None:
        return Person.objects.none()
    if user.is_superuser:
        return Person.objects.all()
    visible = Network.objects.visible_to(user).values("id")
    holders = Role.objects.filter(network__in=visible).order_by().values("person_id")
    own = Person.objects.filter(user_id=user.pk).order_by().values("organisation_id")
    colleagues = Person.objects.filter(organisation_id__in=own).order_by().values("id")
    # One IN over a UNION, as in organisations_visible_to: an OR of two IN
    # subqueries would defeat the indexes.
    return Person.objects.filter(id__in=holders.union(colleagues))


def networks_coordinated_by(user) -> QuerySet:
    """Ids of the networks this user coordinates."""
    if not user.is_authenticated:
        return Network.objects.none().values("id")
    return Role.objects.coordinators().filter(person__user=user).order_by().values("network_id")


# --- getters and rules the network's pages ask ----------------------------------------
def network_reopen_access(request: HttpRequest, slug: str) -> Access:
    """Reopening a dissolved network: a site admin's; 403 for anyone else in it."""
    access = network_access(request, slug)
    require_site_admin(request)
    return access


def network_person(access: Access, pk: int) -> Person | None:
    """A person of one of the network's current member organisations (only they can
    hold a role in it); None for anyone else, so another network's person stays hidden."""
    return (
        Person.objects.of_members(access.network)
        .select_related("organisation", "user")
        .filter(pk=pk)
        .first()
    )


def person_for_edit(request: HttpRequest, slug: str, pk: int) -> tuple[Person, Access]:
    """A person the user may correct in this network (``people_editable``): 404 for a
    person outside its member organisations; 403, saying who may, for anyone else."""
    access = network_access(request, slug, write=True)
    person = network_person(access, pk)
    if person is None:
        raise Http404
    if person.pk not in people_editable(request.user, access, [person]):
        deny(
            _(
                "This person also holds a role in a network you do not coordinate: its "
                "coordinators, or the person, can correct their details."
            )
            if access.can_manage
            else _("Only the network's coordinators or the person may do this.")
        )
    return person, access


def person_may_move(access: Access) -> bool:
    """Moving a person to another member organisation is for those who manage the
    network: a person editing their own record would speak for another organisation."""
    return access.can_manage


def invitations_waiting(access: Access) -> QuerySet[Invitation]:
    """Invitations still waiting for an answer, for those who manage the network;
    nobody else is shown who has been asked."""
    if not access.can_manage:
        return Invitation.objects.none()
    return access.network.invitations.pending().order_by("created_at")


def join_requests_waiting(access: Access) -> list[JoinRequest]:
    """The network's requests to join still waiting, for those who manage it: only the
    organisation's name (not a member: its requester sees nothing more until it accepts)."""
    if not access.can_manage:
        return []
    return access_reads.join_requests_waiting_read(network_id=access.network.pk)


def emails_shown(user, people: list[Person]) -> set[int]:
    """Ids of the listed people whose address this user sees (as the people page shows
    them): a site admin all; others those with a role in a network they coordinate.
    Each person carries ``visible_roles`` (their roles in networks the user sees)."""
    if not people:
        return set()
    if user.is_superuser:
        return {person.pk for person in people if person.email}
    coordinated = set(networks_coordinated_by(user).values_list("network_id", flat=True))
    return {
        person.pk
        for person in people
        if person.email and any(role.network_id in coordinated for role in person.visible_roles)
    }
