"""A coordinator's "remind now" on a late report.

Rows of kind ``manual:<n>`` in the claim-once dispatch table, sent like any reminder:
at most one round per report every 24 hours and three per report (one report per
organisation and period). What the page shows about it is
reports.selectors.reminders.remind_state.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import format_datetime
from core.errors import ServiceError
from core.queue import enqueue
from reports.models import ProgressReport, Reminder
from reports.selectors.reminders import (
    MANUAL,
    REMIND_NOW_PER_REPORT,
    RemindState,
    remind_state,
    remindable,
)
from reports.selectors.reports import reporter_ids


class RemindRefused(ServiceError):
    """Why no reminder goes now, in the user's language."""

    code = "remind_refused"


def _refusal(report: ProgressReport, state: RemindState, now: dt.datetime) -> str | None:
    """Why no round may go now (in the user's language), or None when one may."""
    if not report.is_editable:
        return _("This report has been submitted: there is nothing to remind.")
    if not remindable(report, timezone.localdate(now)):
        return _("This report is not late yet: the scheduled reminders will go out.")
    if state.rounds >= REMIND_NOW_PER_REPORT:
        return ngettext(
            "The representatives have already been reminded %(n)d time for this "
            "report, the most there may be.",
            "The representatives have already been reminded %(n)d times for this "
            "report, the most there may be.",
            state.rounds,
        ) % {"n": state.rounds}
    if state.next_at and now < state.next_at:
        return _(
            "The representatives were reminded on %(last)s. You can remind them "
            "again from %(next)s."
        ) % {"last": format_datetime(state.last_at), "next": format_datetime(state.next_at)}
    return None


def report_remind_now(*, report: ProgressReport, user, now: dt.datetime | None = None) -> int:
    """Remind the organisation's representatives of a late report now; returns how many.

    Raises ``RemindRefused`` (nothing changed) when the report is not late, when the
    last round was under 24 hours ago, when three rounds have gone, or when nobody
    can be reminded. The report row is locked, so two coordinators clicking at once
    make one round, not two.
    """
    now = now or timezone.now()
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related("period__network", "organisation")
            .get(pk=report.pk)
        )
        state = remind_state(report=report)
        refusal = _refusal(report, state, now)
        if refusal:
            raise RemindRefused(refusal)
        recipients = set(reporter_ids(report.period.network_id, report.organisation_id))
        if not recipients:
            raise RemindRefused(
                _("Nobody at this organisation has an account to receive a reminder.")
            )
        kind = f"{MANUAL}:{state.rounds + 1}"
        Reminder.objects.bulk_create(
            [
                Reminder(report=report, kind=kind, recipient_id=uid, due_at=now)
                for uid in recipients
            ],
            ignore_conflicts=True,
        )
        for reminder_id in Reminder.objects.filter(
            report=report, kind=kind, status=Reminder.Status.PENDING
        ).values_list("id", flat=True):
            # After commit; a broker that is down loses nothing: the sweep sends it.
            enqueue("reports.tasks.reminder_send", reminder_id)
    return len(recipients)
