"""Who may do what in the roadmap: every decision its pages need, in one place.

Each getter fetches one object through its network's rules
(``network.permissions.object_access``: another network's object is a 404, an action
the role does not allow a 403, a dissolved network refuses every write) and adds the
roadmap's own rules with ``deny``. The ``*_may_*`` predicates say the same for a page
that only shows or hides a button. Views ask these and decide nothing themselves.
"""

from __future__ import annotations

from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _

from network.models import Role
from network.permissions import Access, deny, network_access, object_access

from .models import Activity, Evidence, HealthRound, ObstacleEntry, Step, Win

# Those who answer the health check: the roles that speak for an organisation.
RESPONDENT_ROLES = frozenset(Role.SPEAKING_KINDS)


# --- predicates ---------------------------------------------------------------------
def progress_may_record(access: Access, activity: Activity) -> bool:
    """Coordinators for any activity; partners for one their organisation owns."""
    return access.can_update_for([org.id for org in activity.owners.all()])


def win_may_record(access: Access) -> bool:
    return access.can_manage or access.is_partner


def win_may_delete(access: Access, win: Win, user) -> bool:
    """Its author or a coordinator (a dissolved network is refused before this)."""
    return access.can_manage or (win.recorded_by_id is not None and win.recorded_by_id == user.pk)


def wins_deletable(access: Access, wins, user) -> set[int]:
    """Ids of the wins whose delete link the user sees (none in a dissolved network)."""
    if access.network.is_dissolved:
        return set()
    return {win.pk for win in wins if win_may_delete(access, win, user)}


def health_is_respondent(access: Access) -> bool:
    return bool(access.roles & RESPONDENT_ROLES)


def health_may_answer(access: Access) -> bool:
    return health_is_respondent(access) and not access.network.is_dissolved


# --- getters ------------------------------------------------------------------------
def roadmap_access(
    request: HttpRequest, slug: str, *, manage: bool = False, write: bool = False
) -> Access:
    """The network's roadmap as a whole (its overview, lists and new rows)."""
    return network_access(request, slug, manage=manage, write=write)


def step_for(
    request: HttpRequest, slug: str, number: int, *, manage: bool = False, write: bool = False
) -> tuple[Step, Access]:
    return object_access(
        request,
        Step.objects.select_related("network__lead_organisation"),
        manage=manage,
        write=write,
        network__slug=slug,
        number=number,
    )


def _activities() -> QuerySet[Activity]:
    return Activity.objects.select_related(
        "step__network__lead_organisation", "responsible__organisation"
    )


def activity_for(
    request: HttpRequest, slug: str, pk: int, *, manage: bool = False, write: bool = False
) -> tuple[Activity, Access]:
    # A function, not a queryset: the query is compiled once (object_access).
    activity, access = object_access(
        request,
        _activities,
        network_path="step__network",
        manage=manage,
        write=write,
        pk=pk,
        step__network__slug=slug,
    )
    prefetch_related_objects([activity], "owners")
    return activity, access


def activity_progress_for(request: HttpRequest, slug: str, pk: int) -> tuple[Activity, Access]:
    """An activity whose progress the user may record (the owners' representatives and
    coordinators); 403 for anyone else in the network."""
    activity, access = activity_for(request, slug, pk, write=True)
    if not progress_may_record(access, activity):
        deny(_("Only the owning organisations' representatives may update this."))
    return activity, access


def evidence_for(request: HttpRequest, slug: str, pk: int) -> tuple[Evidence, Access]:
    return object_access(
        request,
        Evidence.objects.select_related("update__activity__step__network"),
        network_path="update__activity__step__network",
        pk=pk,
        update__activity__step__network__slug=slug,
    )


def win_recorder_access(request: HttpRequest, slug: str) -> Access:
    """The network, for someone who may record a win in it."""
    access = network_access(request, slug, write=True)
    if not win_may_record(access):
        deny(_("Only coordinators and partner representatives record wins."))
    return access


def win_for(
    request: HttpRequest, slug: str, pk: int, *, delete: bool = False
) -> tuple[Win, Access]:
    win, access = object_access(
        request,
        Win.objects.select_related("network__lead_organisation", "recorded_by"),
        write=delete,
        pk=pk,
        network__slug=slug,
    )
    if delete and not win_may_delete(access, win, request.user):
        deny(_("Only the person who recorded a win, or a coordinator, may delete it."))
    return win, access


def obstacle_for(
    request: HttpRequest, slug: str, pk: int, *, manage: bool = False, write: bool = False
) -> tuple[ObstacleEntry, Access]:
    return object_access(
        request,
        ObstacleEntry.objects.select_related("network__lead_organisation"),
        manage=manage,
        write=write,
        pk=pk,
        network__slug=slug,
    )


def health_round_for(
    request: HttpRequest,
    slug: str,
    pk: int,
    *,
    manage: bool = False,
    write: bool = False,
    respond: bool = False,
) -> tuple[HealthRound, Access]:
    """A round of the network; with ``respond`` only for those who answer the health
    check (partner representatives and coordinators), 403 for the others."""
    round_, access = object_access(
        request,
        HealthRound.objects.select_related("network__lead_organisation"),
        manage=manage,
        write=write or respond,
        pk=pk,
        network__slug=slug,
    )
    if respond and not health_is_respondent(access):
        deny(_("The health check is answered by partner representatives."))
    return round_, access
