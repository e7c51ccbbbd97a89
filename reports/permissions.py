"""Who may see and do what in reports: the getters reports' views ask.

network.permissions holds the rules (a network outside one's roles is a 404, an action
the role does not allow a 403, a dissolved network read-only) and ``deny()``; this
module applies them to reports' objects, in the spirit of healthchecks'
``_get_rw_check_for_user``: each getter fetches one object through
``object_access`` (scoped to the user's networks) and returns it with the user's
``Access``, or refuses. Reports' views make no decision of their own: every 403 of a
reports page is raised here, with the reason the user reads on the 403 page.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from agreements.models import Duty
from network.permissions import Access, deny, network_access, object_access
from reports.models import CalendarToken, CommitteeReport, Notification, ProgressReport
from reports.selectors.agreement_reads import duty_get
from reports.selectors.reminders import remindable
from reports.selectors.reports import report_is_reviewable, report_is_writable

# Pages over the whole network (coordinators, the chair and the committee): the reason
# a partner reads when refused. Per-period counts of late and missing reports name no
# one, but in a small network they point at a few partners: the trend follows the
# dashboard's rule.
OVERSIGHT_PAGES = {
    "dashboard": _("The dashboard is for coordinators and the committee."),
    "trend": _("The trend is for coordinators and the committee."),
    "committee": _("Committee reports are for coordinators and the committee."),
    "exports": _("Exports are for coordinators and the committee."),
}
NOT_THEIRS = _("Only this organisation's people and the committee see it.")
READ_ONLY = _("This report is read-only.")


def oversight_access(request: HttpRequest, slug: str, page: str, *, write: bool = False) -> Access:
    """The network of a page over the whole network (one of ``OVERSIGHT_PAGES``):
    a 404 outside one's networks, a 403 for those who do not oversee it."""
    access = network_access(request, slug, write=write)
    if not access.can_oversee:
        deny(OVERSIGHT_PAGES[page])
    return access


# --- progress reports ------------------------------------------------------------
def reports_visible(access: Access) -> QuerySet[ProgressReport]:
    """The network's reports this user may list: overseers every one, a partner only
    their own organisation's."""
    reports = ProgressReport.objects.filter(period__network=access.network)
    if not access.can_oversee:
        reports = reports.filter(organisation_id__in=access.organisation_ids)
    return reports


def _reports() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related("period__network", "organisation")


def report_for(
    request: HttpRequest,
    slug: str,
    pk: int,
    *,
    write: bool = False,
    review: bool = False,
    remind: bool = False,
) -> tuple[ProgressReport, Access]:
    """One report of the network ``slug``, as this user may use it.

    Reading: the report's own organisation's people and the network's overseers.
    ``write``: besides, the report is still open and the user may update it for its
    organisation (``report_can_write``). ``review`` (accept or return) and ``remind``
    (chase a late partner): coordinators only.
    """
    manage = review or remind
    report, access = object_access(
        request,
        _reports,  # a function: the query is compiled once (object_access)
        network_path="period__network",
        manage=manage,
        write=write,
        pk=pk,
        period__network__slug=slug,
    )
    if manage:
        return report, access
    if not (access.can_oversee or access.represents(report.organisation_id)):
        deny(NOT_THEIRS)
    if write and not report_can_write(report, access):
        deny(READ_ONLY)
    return report, access


def report_can_write(report: ProgressReport, access: Access) -> bool:
    """An open report (draft or returned), by its organisation's people or a coordinator,
    in a network that is not dissolved."""
    return report_is_writable(report) and access.can_update_for([report.organisation_id])


def report_can_review(report: ProgressReport, access: Access) -> bool:
    """A submitted report, by a coordinator, in a network that is not dissolved."""
    return access.can_manage and report_is_reviewable(report)


def report_can_remind(report: ProgressReport, access: Access, today) -> bool:
    """The "remind now" button: a coordinator, on a late report."""
    return access.can_manage and remindable(report, today)


def network_can_remind(access: Access) -> bool:
    """The list's "remind now" buttons: coordinators of a network that is not dissolved."""
    return access.can_manage and not access.network.is_dissolved


# --- committee reports -----------------------------------------------------------
def committee_job_for(request: HttpRequest, slug: str, pk: int) -> tuple[CommitteeReport, Access]:
    """A committee report (the job and its PDF) of the network ``slug``: overseers only."""
    job, access = object_access(
        request,
        CommitteeReport.objects.select_related("network", "period"),
        pk=pk,
        network__slug=slug,
    )
    if not access.can_oversee:
        deny(OVERSIGHT_PAGES["committee"])
    return job, access


# --- duties of the agreement -----------------------------------------------------
def duty_for(request: HttpRequest, slug: str, duty_id: int) -> tuple[Duty, Access]:
    """A duty of the network's agreement in force, to plan as an activity: coordinators
    only; a duty of any other version (or network) is a 404."""
    duty, access = object_access(
        request,
        Duty.objects.select_related("organisation", "version__agreement__network"),
        network_path="version__agreement__network",
        manage=True,
        write=True,
        pk=duty_id,
        version__agreement__network__slug=slug,
    )
    in_force = duty_get(network=access.network, duty_id=duty.pk)
    if in_force is None:
        raise Http404
    return in_force, access


# --- one's own notices and calendar ----------------------------------------------
def notification_for(request: HttpRequest, pk: int) -> Notification:
    """One of the user's own notices; anyone else's is a 404, like anything outside
    one's reach."""
    notice = Notification.objects.filter(user=request.user, pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def calendar_owner(token: str):
    """The user whose calendar address this is. Public by design: the unguessable
    token is the credential (calendar apps cannot log in); an unknown token or an
    inactive user is a 404."""
    row = CalendarToken.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active:
        raise Http404
    return row.user
