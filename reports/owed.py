"""Reports' rows of My tasks (network.tasks_registry): the progress reports the
person's organisation owes, open (draft or returned), late first; a late report that
has already been escalated to the coordinator or the chair says so."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import ngettext

from core import compiled
from network.models import Role
from network.tasks_registry import RESPONDENT_ROLES, Asker, OwedTask, localised
from reports.models import ProgressReport, Reminder, ReportingPeriod
from reports.selectors.agreement_reads import duties_unplanned_counts

ESCALATIONS = ("escalation", "escalation_chair")


def _reports_query(*, groups):
    scope = reduce(
        or_, [Q(organisation_id=o, period__network__pk__in=networks) for o, networks in groups]
    )
    escalated = Reminder.objects.filter(
        report=OuterRef("pk"), kind__in=ESCALATIONS, sent_at__isnull=False
    )
    return (
        ProgressReport.objects.open()
        .filter(scope)
        .annotate(escalated=Exists(escalated))
        .values_list(
            "pk",
            "escalated",
            "period__name_th",
            "period__name_en",
            "period__starts_on",
            "period__ends_on",
            "period__due_on",
            "period__network__slug",
            "period__network__name_th",
            "period__network__name_en",
            "organisation__name_th",
            "organisation__name_en",
        )
    )


def reports(asker: Asker) -> list[OwedTask]:
    groups = asker.by_organisation(RESPONDENT_ROLES)
    if not groups:
        return []
    # Compiled once per shape of ``groups`` (core.compiled): the SQL is the ORM's.
    rows = compiled.rows(_reports_query, groups=groups)
    tasks = []
    for row in rows:
        pk, escalated_, name_th, name_en, starts_on, ends_on, due_on, slug, *names = row
        # An unsaved period, only for its label (its name, or its dates without one).
        period = ReportingPeriod(
            name_th=name_th, name_en=name_en, starts_on=starts_on, ends_on=ends_on
        )
        tasks.append(
            OwedTask(
                kind="report",
                title=period.label,
                url=reverse("reports:report", args=[slug, pk]),
                network_name=localised(names[0], names[1]),
                due_on=due_on,
                late=due_on < asker.today,
                escalated=escalated_,
                detail=localised(names[2], names[3]),
                id=pk,
            )
        )
    return tasks


def duties_to_plan(asker: Asker) -> list[OwedTask]:
    """For coordinators: the signed agreement's duties not yet in the roadmap (one row
    per network, to the list of duties); four queries for any number of networks."""
    networks = asker.networks([Role.Kind.COORDINATOR])
    if not networks:
        return []
    return [
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
        for network, n in duties_unplanned_counts(networks)
    ]
