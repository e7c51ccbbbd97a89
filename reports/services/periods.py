"""Making a schedule's periods and opening their reports: the plan, applied.

reports.selectors.plan works out what the periods should become; this applies exactly
that plan inside the transaction that holds the schedule's row lock. The hourly beat
(``periods_open``) adds what is missing for every confirmed schedule; it never deletes
a period or moves a due date (only a confirmed change does, reports.services.schedules).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from network.models import Network
from reports.models import ProgressReport, Reminder, ReportingPeriod, ReportingSchedule
from reports.selectors.agreement_reads import agreement_start
from reports.selectors.plan import Plan, schedule_plan
from reports.selectors.reminders import claim_stale_after

# Reminders about an open report's due date: these move with it (decision notices do not).
_DUE_DATE_KINDS = r"^(before|due|after|escalation|escalation_chair)(:|$)"


def locked_schedule(network: Network) -> ReportingSchedule | None:
    """The network's schedule, its row locked until the transaction ends."""
    return ReportingSchedule.objects.select_for_update().filter(network=network).first()


def plan_apply(*, network: Network, plan: Plan) -> Plan:
    """Do exactly what ``plan`` says (the caller holds the schedule's row lock)."""
    if plan.replaced:
        # Their reports are untouched (else the period would be kept): they, their
        # reminders and notices go with the period.
        ReportingPeriod.objects.filter(pk__in=[p.pk for p in plan.replaced]).delete()
    for period, name_th, name_en in plan.renamed:
        period.name_th, period.name_en = name_th, name_en
        period.save(update_fields=["name_th", "name_en"])
    if plan.moved:
        for move in plan.moved:
            move.period.due_on = move.new_due
            move.period.save(update_fields=["due_on"])
        plan.reminders_replanned = _unplan_reminders([m.period.pk for m in plan.moved])
    fresh: list[ProgressReport] = []
    for new in plan.created:
        period = ReportingPeriod.objects.create(
            network=network,
            starts_on=new.starts_on,
            ends_on=new.ends_on,
            due_on=new.due_on,
            name_th=new.name_th,
            name_en=new.name_en,
        )
        if new.starts_on <= plan.today:
            fresh += [
                ProgressReport(period=period, organisation_id=org)
                for org, joined in plan.members.items()
                if joined <= new.ends_on
            ]
    for period_id, orgs in plan.owed.items():
        fresh += [ProgressReport(period_id=period_id, organisation_id=org) for org in orgs]
    ProgressReport.objects.bulk_create(fresh, ignore_conflicts=True)
    return plan


def _unplan_reminders(period_ids: list[int]) -> int:
    """Remove the reminders planned for the old due dates that have not gone out.

    The dispatch table holds one row per (report, kind, recipient), ever: a row left
    with its old time would either go out at the old time or block the reminder for
    the new date. Rows already sent (or skipped, or digested) stay, so nobody gets
    the same reminder twice; rows a worker holds right now (a fresh claim) stay too
    and go out once. The sweep plans the rest again from the new due date.
    """
    stale = timezone.now() - claim_stale_after()
    rows = Reminder.objects.filter(
        report__period_id__in=period_ids,
        sent_at__isnull=True,
        status__in=(Reminder.Status.PENDING, Reminder.Status.DIGEST),
        kind__regex=_DUE_DATE_KINDS,
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
    _total, by_model = rows.delete()
    return by_model.get(Reminder._meta.label, 0)


@transaction.atomic
def periods_generate(*, schedule: ReportingSchedule, today: dt.date) -> Plan | None:
    """The beat's work for one confirmed schedule: add missing periods, open reports."""
    locked = locked_schedule(schedule.network)
    if locked is None or not locked.is_confirmed:
        return None
    plan = schedule_plan(
        schedule=locked, today=today, agreement_from=agreement_start(schedule.network)
    )
    return plan_apply(network=schedule.network, plan=plan)


def period_open_for(*, schedule: ReportingSchedule, today: dt.date) -> int:
    """Make one confirmed schedule's missing periods; returns reports opened."""
    plan = periods_generate(schedule=schedule, today=today)
    return plan.reports_opened if plan else 0


def periods_open(*, today: dt.date | None = None) -> int:
    """Make every confirmed schedule's missing periods (a year ahead) and open the
    reports of those that have started; returns reports created.

    Idempotent: the planner adds only what is missing, under each schedule's row lock.
    """
    today = today or timezone.localdate()
    confirmed = ReportingSchedule.objects.filter(status=ReportingSchedule.Status.CONFIRMED).exclude(
        network__status=Network.Status.DISSOLVED
    )
    return sum(
        period_open_for(schedule=schedule, today=today)
        for schedule in confirmed.select_related("network")
    )
