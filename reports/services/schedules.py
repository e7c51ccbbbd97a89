"""Saving, proposing and changing a network's reporting schedule.

A first confirmation, or a change that leaves every period as it is (reminder times,
quiet hours…), is saved at once and its periods are made in the same request. A
change to how often, when or which periods are due waits until a coordinator has seen
its preview (reports.selectors.plan.schedule_preview) and confirmed it: then all of
it happens, as previewed, or (``PlanChanged``) nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ServiceError
from network.models import Network
from reports.frequency import frequency_reading
from reports.models import ReportingSchedule
from reports.selectors.agreement_reads import agreement_start, agreement_texts
from reports.selectors.plan import Plan, is_change, schedule_plan, with_values
from reports.selectors.reports import schedule_for

from .periods import locked_schedule, plan_apply

# The agreement's sections that may say how often partners report, in the order asked:
# IV-D (reporting), then IV-C (monitoring) only when IV-D does not
# ("ติดตามผลทุกภาคเรียน … รายงานผลประจำปี" is a yearly report).
PROPOSAL_SECTIONS = ("IV-D", "IV-C")


class PlanChanged(ServiceError):
    """What the coordinator confirmed is no longer what would happen (someone else
    changed the schedule, a report was written, the day turned): show it again."""

    code = "plan_changed"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Something changed since this preview was made. This is what the change "
                "would do now: check it and confirm again."
            )
        )


@dataclass
class Submitted:
    """What saving the schedule form did: applied now, or waiting for a preview."""

    outcome: str  # "saved" or "preview"
    plan: Plan | None = None


def _confirm(schedule: ReportingSchedule) -> None:
    """Confirmed as it now stands; no change is waiting any more."""
    schedule.status = ReportingSchedule.Status.CONFIRMED
    schedule.confirmed_at = timezone.now()
    schedule.pending_change, schedule.pending_by, schedule.pending_at = {}, None, None
    schedule.save()


@transaction.atomic
def schedule_submit(
    *, network: Network, values: dict, raw: dict, user, today: dt.date | None = None
) -> Submitted:
    """Save the coordinator's schedule form.

    A first confirmation, or a change that leaves every period as it is, is saved at
    once and its periods are made now. A change to how often, when or which periods
    are due waits (``raw``, the form's values) until a coordinator has seen its
    preview and confirmed it.
    """
    today = today or timezone.localdate()
    schedule = locked_schedule(network)
    if schedule is not None and schedule.is_confirmed and is_change(schedule, values):
        schedule.pending_change = raw
        schedule.pending_by = user
        schedule.pending_at = timezone.now()
        schedule.save(update_fields=["pending_change", "pending_by", "pending_at", "updated_at"])
        return Submitted("preview")
    if schedule is None:
        schedule = ReportingSchedule(network=network, starts_on=values["starts_on"])
    with_values(schedule, values)
    _confirm(schedule)
    plan = schedule_plan(schedule=schedule, today=today, agreement_from=agreement_start(network))
    return Submitted("saved", plan_apply(network=network, plan=plan))


def schedule_save(*, network: Network, values: dict, raw: dict, user) -> Submitted:
    """Save (and confirm) the schedule the coordinator filled in; a change that moves
    or replaces periods waits for its preview."""
    return schedule_submit(network=network, values=values, raw=raw, user=user)


@transaction.atomic
def schedule_change_confirm(
    *,
    network: Network,
    values: dict,
    raw: dict,
    expected: str,
    user,
    today: dt.date | None = None,
) -> Plan:
    """Do the waiting change the coordinator saw: all of it, or (PlanChanged) nothing.

    Under the schedule's row lock the plan is worked out again; if it is not what the
    preview showed (``expected``), nothing is written and the preview is shown anew.
    """
    today = today or timezone.localdate()
    schedule = locked_schedule(network)
    if schedule is None or not schedule.pending_change or schedule.pending_change != raw:
        raise PlanChanged
    with_values(schedule, values)
    plan = schedule_plan(
        schedule=schedule,
        today=today,
        mode="change",
        agreement_from=agreement_start(network),
        lock=True,
    )
    if plan.digest(raw) != expected:
        raise PlanChanged
    _confirm(schedule)
    return plan_apply(network=network, plan=plan)


@transaction.atomic
def schedule_change_discard(*, network: Network) -> bool:
    """Drop the waiting change; the schedule stays as it was."""
    schedule = locked_schedule(network)
    if schedule is None or not schedule.pending_change:
        return False
    schedule.pending_change, schedule.pending_by, schedule.pending_at = {}, None, None
    schedule.save(update_fields=["pending_change", "pending_by", "pending_at", "updated_at"])
    return True


@transaction.atomic
def schedule_propose_from_agreement(*, network: Network) -> ReportingSchedule | None:
    """Read how often partners report from the signed agreement (IV-C/IV-D).

    The result is a *proposed* schedule: nothing opens until the coordinator
    confirms it. A confirmed schedule is never overwritten by a proposal.
    """
    readings = (
        (section, frequency_reading(text))
        for section, text in zip(PROPOSAL_SECTIONS, agreement_texts(network), strict=True)
    )
    section, found = next(((s, r) for s, r in readings if r is not None), ("", None))
    if found is None:
        return None
    schedule = schedule_for(network=network)
    if schedule.pk and schedule.is_confirmed:
        return schedule
    schedule.frequency = found.frequency
    # The section and the sentence, as written: the page quotes them back
    # ("เสนอจากข้อตกลง หมวด IV-D: «…»") so the coordinator checks the reading.
    schedule.proposed_from = f"{section}: «{found.clause}»"
    schedule.status = ReportingSchedule.Status.PROPOSED
    schedule.save()
    return schedule


def schedules_propose_missing() -> int:
    """Propose a schedule for every active network that has none, from its agreement."""
    networks = Network.objects.active().filter(reporting_schedule__isnull=True)
    return sum(
        1 for network in networks if schedule_propose_from_agreement(network=network) is not None
    )
