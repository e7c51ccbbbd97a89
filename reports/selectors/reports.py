"""Reads about schedules and progress reports: what pages, emails and services ask.

The rules about one report's data live here once (``report_is_writable``,
``report_is_reviewable``): the services refuse with them and reports.permissions
adds who may act.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Network, Role
from reports.models import ProgressReport, ReportingSchedule

from .roadmap_reads import Subject, activities, steps


def schedule_for(*, network: Network) -> ReportingSchedule:
    """The network's schedule, or an unsaved default one to start the form from."""
    schedule = ReportingSchedule.objects.filter(network=network).first()
    if schedule is None:
        schedule = ReportingSchedule(
            network=network, starts_on=network.founded_on or timezone.localdate()
        )
    return schedule


def standing_labels() -> dict[str, str]:
    """``ProgressReport.standing`` in words, in the active language."""
    return {
        "submitted": _("Submitted"),
        "late": _("Submitted late"),
        "missing": _("Missing"),
        "open": _("Not yet due"),
    }


def report_url(report: ProgressReport) -> str:
    """The report's page, as a full address for emails and calendars."""
    return settings.SITE_URL + reverse(
        "reports:report", args=[report.period.network.slug, report.pk]
    )


def report_subjects(*, report: ProgressReport) -> list[Subject]:
    """The steps of the roadmap and the activities this organisation owns."""
    network = report.period.network
    return steps(network) + activities(network, [report.organisation_id])


def report_is_writable(report: ProgressReport) -> bool:
    """Open for its writers: a draft, or returned for changes (submitted and accepted
    reports are read-only)."""
    return report.is_editable


def report_is_reviewable(report: ProgressReport) -> bool:
    """Waiting for a decision: submitted, in a network that is not dissolved."""
    return (
        report.status == ProgressReport.Status.SUBMITTED and not report.period.network.is_dissolved
    )


# --- who is told ----------------------------------------------------------------------
def coordinator_ids(network_id: int) -> list[int]:
    """The logins of the network's coordinators."""
    return list(
        Role.objects.coordinators()
        .filter(network_id=network_id, person__user__isnull=False)
        .values_list("person__user_id", flat=True)
    )


def reporter_ids(network_id: int, organisation_id: int) -> list[int]:
    """The logins of the people who speak for this organisation in this network."""
    return list(
        Role.objects.speaking_for()
        .filter(
            network_id=network_id,
            person__organisation_id=organisation_id,
            person__user__isnull=False,
        )
        .values_list("person__user_id", flat=True)
        .distinct()
    )
