"""Writing, submitting and reviewing a progress report; keeping reported activities.

A report is written by its organisation's people while it is open (draft or returned)
and read-only once submitted; a coordinator accepts it or returns it with a comment.
Each step tells the other side through a decision notice (reports.services.notices).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ServiceError
from reports.models import ProgressReport, ReportNarrative
from reports.selectors.reports import (
    coordinator_ids,
    report_is_reviewable,
    report_is_writable,
    report_subjects,
    reporter_ids,
)
from reports.selectors.roadmap_reads import activity_update_days

from .notices import notices_queue


class ReportLocked(ServiceError):
    """The report is not open for this: submitted or accepted (read-only), or not
    waiting for a decision."""

    code = "report_locked"


@transaction.atomic
def report_save(
    *,
    report: ProgressReport,
    user,
    problems: str,
    help_needed: str,
    narratives: dict[tuple[str, int], str],
    submit: bool,
) -> ProgressReport:
    """Save the partner's draft; with ``submit``, hand it in (then it is read-only)."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report_is_writable(report):
        raise ReportLocked(_("This report is read-only."))
    report.problems = problems
    report.help_needed = help_needed
    titles = {(s.kind, s.id): s.title for s in report_subjects(report=report)}
    # One INSERT … ON CONFLICT for all the narratives (a submission carries one per
    # step and activity: a dozen SELECT … FOR UPDATE and INSERTs, each in its savepoint,
    # were most of a deadline-day submission's queries). The report row is locked
    # above, so no other save of this report runs meanwhile.
    ReportNarrative.objects.bulk_create(
        [
            ReportNarrative(
                report=report,
                subject_kind=kind,
                subject_id=subject_id,
                text=text,
                title=titles[(kind, subject_id)][:300],
            )
            for (kind, subject_id), text in narratives.items()
            # Not a subject of this report: ignored rather than stored.
            if (kind, subject_id) in titles
        ],
        update_conflicts=True,
        unique_fields=["report", "subject_kind", "subject_id"],
        update_fields=["text", "title"],
    )
    if submit:
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = user
    report.save()
    if submit:
        notices_queue(
            report=report,
            kind=f"submitted:{report.review_round + 1}",
            recipients=coordinator_ids(report.period.network_id),
        )
    return report


@transaction.atomic
def report_review(*, report: ProgressReport, user, accept: bool, comment: str) -> ProgressReport:
    """Accept a submitted report, or return it with a comment; the partner is told."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("period__network")
        .get(pk=report.pk)
    )
    if not report_is_reviewable(report):
        raise ReportLocked(_("Only a submitted report can be accepted or returned."))
    report.review_round += 1
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    report.review_comment = comment
    report.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
    report.save()
    notices_queue(
        report=report,
        kind=f"{'accepted' if accept else 'returned'}:{report.review_round}",
        recipients=reporter_ids(report.period.network_id, report.organisation_id),
    )
    return report


def activity_report_reason(*, activity) -> str | None:
    """Why an activity must stay: a sent (submitted or accepted) progress report
    includes its progress updates. Reports read the updates live, so deleting the
    activity would change a report already sent. None when no such report exists."""
    rows = activity_update_days(activity)
    if not rows:
        return None
    reports = ProgressReport.objects.filter(
        period__network_id=activity.step.network_id,
        organisation_id__in={organisation for organisation, _day in rows},
    )
    if connection.in_atomic_block:
        # Inside the deletion: lock the reports of every status, so that a report
        # being submitted waits for the deletion (and then no longer includes the
        # updates), and a deletion waits for a submission in progress (and then
        # sees it sent). report_save locks its report row the same way.
        reports = reports.select_for_update(of=("self",))
    sent = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.ACCEPTED)
    for report in reports.select_related("period", "organisation").order_by(
        "period__starts_on", "id"
    ):
        period = report.period
        if report.status not in sent:
            continue  # locked above all the same: it may be being submitted right now
        if any(
            organisation == report.organisation_id and period.starts_on <= day <= period.ends_on
            for organisation, day in rows
        ):
            return _(
                "The progress report of %(organisation)s for %(period)s has been sent and "
                "includes this activity's progress updates, so the activity stays. "
                "Change its status instead."
            ) % {"organisation": report.organisation.name, "period": period.label}
    return None
