"""Reports' rows of My tasks (network.tasks_registry): the progress reports the
person's organisation owes, open (draft or returned), late first; a late report that
has already been escalated to the coordinator or the chair says so."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from network.models import Role
from network.tasks_registry import RESPONDENT_ROLES, Asker, OwedTask

from .models import ProgressReport, Reminder

ESCALATIONS = ("escalation", "escalation_chair")


def reports(asker: Asker) -> list[OwedTask]:
    pairs = sorted(asker.pairs(RESPONDENT_ROLES))
    if not pairs:
        return []
    scope = reduce(or_, [Q(period__network_id=n, organisation_id=o) for n, o in pairs])
    escalated = Reminder.objects.filter(
        report=OuterRef("pk"), kind__in=ESCALATIONS, sent_at__isnull=False
    )
    rows = (
        ProgressReport.objects.open()
        .filter(scope)
        .annotate(escalated=Exists(escalated))
        .select_related("period__network", "organisation")
    )
    tasks = []
    for report in rows:
        period = report.period
        tasks.append(
            OwedTask(
                kind="report",
                title=period.label,
                url=reverse("reports:report", args=[period.network.slug, report.pk]),
                network_name=period.network.name,
                due_on=period.due_on,
                late=period.due_on < asker.today,
                escalated=report.escalated,
                detail=report.organisation.name,
                item=report,
            )
        )
    return tasks


def duties_to_plan(asker: Asker) -> list[OwedTask]:
    """For coordinators: the signed agreement's duties not yet in the roadmap (one row
    per network, to the list in reports.duty_views); four queries for any number of
    networks."""
    from agreements.models import AgreementVersion, Duty
    from roadmap.models import Activity

    from .duties import duty_key

    networks = asker.networks([Role.Kind.COORDINATOR])
    if not networks:
        return []
    versions = {
        v.pk: v.agreement.network
        for v in AgreementVersion.objects.signed()
        .filter(agreement__network_id__in=networks)
        .select_related("agreement__network")
    }
    if not versions:
        return []
    duties = list(Duty.objects.filter(version_id__in=versions))
    linked = dict(
        Activity.objects.filter(
            step__network_id__in=networks, source_duty_id__isnull=False
        ).values_list("source_duty_id", "step__network_id")
    )
    planned = {(linked[d.pk], *duty_key(d)) for d in Duty.objects.filter(pk__in=linked)}
    counts: dict[int, int] = {}
    for duty in duties:
        network = versions[duty.version_id]
        if (network.pk, *duty_key(duty)) not in planned:
            counts[duty.version_id] = counts.get(duty.version_id, 0) + 1
    tasks = []
    for version_id, n in counts.items():
        network = versions[version_id]
        tasks.append(
            OwedTask(
                kind="duties",
                title=ngettext(
                    "%(n)s duty of the signed agreement is not yet in the roadmap",
                    "%(n)s duties of the signed agreement are not yet in the roadmap",
                    n,
                )
                % {"n": n},
                url=reverse("reports:duties", args=[network.slug]),
                network_name=network.name,
                due_on=None,
                late=False,
            )
        )
    return tasks
