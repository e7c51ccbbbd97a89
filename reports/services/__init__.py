"""Every write reports makes, by sub-domain. Keyword-only, typed, ``<thing>_<verb>``.

- ``schedules``: saving, proposing (from the agreement), changing a schedule.
- ``periods``: a schedule's periods made and their reports opened (the plan applied).
- ``progress_reports``: writing, submitting and reviewing a report.
- ``notices``: decision notices queued; notices read; reminder settings.
- ``reminder_plan``: the reminder rows that fell due (the 15-minute sweep's plan).
- ``reminders``: offering, claiming and sending each reminder once.
- ``digests``: the weekly digest.
- ``remind_now``: a coordinator's "remind now" on a late report.
- ``calendar``: a person's calendar address and feed.
- ``exports``: CSV and Excel exports.
- ``committee``: committee PDFs, built and sealed by a worker.
- ``closeout``: a dissolved network's sealed close-out and its notices.
- ``duties``: the agreement's duties made roadmap activities.

Reads live in ``reports.selectors``. Refusals are ``core.errors.ServiceError``
subclasses with a ``code``. Services start tasks by name (``core.queue.enqueue``),
never importing ``reports.tasks``. Code inside reports imports from the submodules;
the names below are re-exported for the tests, the benchmarks and older imports.
"""

from __future__ import annotations

from reports.selectors.committee import committee_context
from reports.selectors.reports import report_subjects, report_url, schedule_for, standing_labels

from .calendar import calendar_ics, calendar_token_for, calendar_token_rotate
from .closeout import closeout_build, closeout_notify, closeout_start
from .committee import (
    committee_pdf,
    committee_report_build,
    committee_report_request,
    committee_reports_stuck,
)
from .digests import digest_send, digests_plan
from .duties import DutyPlanned, duty_activity_create
from .exports import export_csv, export_rows, export_xlsx
from .notices import notices_queue, notification_mark_read, preference_save
from .periods import period_open_for, periods_generate, periods_open
from .progress_reports import ReportLocked, activity_report_reason, report_review, report_save
from .remind_now import RemindRefused, report_remind_now
from .reminder_plan import reminders_plan, reminders_plan_chunked, reminders_plan_sql
from .reminders import (
    reminder_claim,
    reminder_release,
    reminder_send,
    reminder_sweep,
    reminders_due_ids,
    reminders_unoffer,
)
from .schedules import (
    PlanChanged,
    Submitted,
    schedule_change_confirm,
    schedule_change_discard,
    schedule_propose_from_agreement,
    schedule_save,
    schedule_submit,
    schedules_propose_missing,
)

__all__ = [
    "DutyPlanned",
    "PlanChanged",
    "RemindRefused",
    "ReportLocked",
    "Submitted",
    "activity_report_reason",
    "calendar_ics",
    "calendar_token_for",
    "calendar_token_rotate",
    "closeout_build",
    "closeout_notify",
    "closeout_start",
    "committee_context",
    "committee_pdf",
    "committee_report_build",
    "committee_report_request",
    "committee_reports_stuck",
    "digest_send",
    "digests_plan",
    "duty_activity_create",
    "export_csv",
    "export_rows",
    "export_xlsx",
    "notices_queue",
    "notification_mark_read",
    "period_open_for",
    "periods_generate",
    "periods_open",
    "preference_save",
    "reminder_claim",
    "reminder_release",
    "reminder_send",
    "reminder_sweep",
    "reminders_due_ids",
    "reminders_plan",
    "reminders_plan_chunked",
    "reminders_plan_sql",
    "reminders_unoffer",
    "report_remind_now",
    "report_review",
    "report_save",
    "report_subjects",
    "report_url",
    "schedule_change_confirm",
    "schedule_change_discard",
    "schedule_for",
    "schedule_propose_from_agreement",
    "schedule_save",
    "schedule_submit",
    "schedules_propose_missing",
    "standing_labels",
]
