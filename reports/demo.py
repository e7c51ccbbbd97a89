"""Demo reporting: a semester schedule, past periods with submitted, late and missing
reports, notices, and a committee PDF for the last closed period. Idempotent.

The demo's past notices go through the dispatch table as the real ones do: a sent
``Reminder`` row (report, kind, person) with its notice. The first real sweep then finds
them there and tells nobody a second time."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from network.demo import ORGANISATIONS as DEMO_ORGANISATIONS
from network.demo import PEOPLE as DEMO_PEOPLE
from network.models import Network, Role
from reports.selectors.reports import reporter_ids
from reports.services.committee import committee_report_build
from reports.services.periods import period_open_for
from reports.services.reminder_plan import kinds_due

from .models import (
    CommitteeReport,
    Notification,
    ProgressReport,
    Reminder,
    ReportingPeriod,
    ReportingSchedule,
)

PROBLEMS = "ครูบางส่วนติดภารกิจสอบปลายภาค ทำให้กิจกรรมค่ายรักการอ่านเลื่อนออกไปสองสัปดาห์"
User = get_user_model()
DEMO_COORDINATOR = "coordinator@khruakhai.example"
DEMO_EMAILS = [row[0] for row in DEMO_PEOPLE]
DEMO_ORGANISATION_NAMES = [row[1] for row in DEMO_ORGANISATIONS]
HELP = "ต้องการวิทยากรด้านการสอนอ่านแบบแจกลูกสะกดคำ 1 ท่าน"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(*, stdout=None) -> None:
    """Only when the demo network has no reporting schedule yet: one that has it was
    loaded before (or was given a schedule by its people), and its periods, reports and
    notices are theirs now. Notices go only to the demo's own logins, by their emails."""
    network = Network.objects.filter(slug="sansai-reading").first()
    if network is None:
        return
    if ReportingSchedule.objects.filter(network=network).exists():
        _attach_older_notices(network)
        return
    now = timezone.now()
    today = timezone.localdate(now)
    schedule = ReportingSchedule.objects.create(
        network=network,
        frequency=ReportingSchedule.Frequency.SEMESTER,
        due_day=15,
        starts_on=network.founded_on or dt.date(2025, 5, 16),
        status=ReportingSchedule.Status.CONFIRMED,
        proposed_from="รายงานความก้าวหน้าทุกภาคเรียน",
        confirmed_at=_at(network.founded_on or dt.date(2025, 5, 16)),
    )
    # This schedule's periods only: the sweep opens the others' on its own time.
    period_open_for(schedule=schedule, today=today)
    coordinators = list(User.objects.filter(email=DEMO_COORDINATOR).values_list("pk", flat=True))
    closed = list(
        ReportingPeriod.objects.filter(network=network, due_on__lt=today).order_by("starts_on")
    )
    for index, period in enumerate(closed):
        last = index == len(closed) - 1
        reports = ProgressReport.objects.filter(period=period).select_related("organisation")
        for n, report in enumerate(reports.order_by("organisation__name_th")):
            if report.status != ProgressReport.Status.DRAFT or report.submitted_at:
                continue  # already written by an earlier run (or by a person)
            # Older periods: everyone reported, one late. The last closed period shows
            # all three standings: on time, late, and missing.
            pattern = n % 3 if last else (1 if n == 1 else 0)
            if last and pattern == 2:
                _missing(report, now)
                continue
            late = pattern == 1
            report.submitted_at = _at(period.due_on + dt.timedelta(days=4 if late else -2))
            report.problems = PROBLEMS if n % 2 == 0 else ""
            report.help_needed = HELP if n % 2 == 0 else ""
            report.status = (
                ProgressReport.Status.SUBMITTED if last else ProgressReport.Status.ACCEPTED
            )
            if not last:
                report.review_round = 1
                report.reviewed_at = report.submitted_at + dt.timedelta(days=3)
            report.save()
            _told(report, "submitted:1", coordinators, report.submitted_at)
    if closed:
        _committee_pdf(network, closed[-1], coordinators)
    if stdout:
        stdout.write("reports: semester schedule, periods, reports and notices ready")


def _attach_older_notices(network: Network) -> None:
    """A demo loaded before notices had Reminder rows: tie its notices (the demo logins',
    on the demo organisations' reports) to the rows the sweep looks for, so the first
    sweep tells nobody twice. Creates no notice and touches nothing else."""
    older = Notification.objects.filter(
        network=network, reminder__isnull=True, user__email__in=DEMO_EMAILS
    ).exclude(report=None)
    report_ids = set(older.values_list("report_id", flat=True))
    if not report_ids:
        return
    now = timezone.now()
    coordinators = list(User.objects.filter(email=DEMO_COORDINATOR).values_list("pk", flat=True))
    reports = ProgressReport.objects.filter(
        pk__in=report_ids, organisation__name_th__in=DEMO_ORGANISATION_NAMES
    ).select_related("period__network__reporting_schedule")
    for report in reports:
        if report.submitted_at:
            _told(report, "submitted:1", coordinators, report.submitted_at, attach_only=True)
        else:
            _missing(report, now, attach_only=True)


def _missing(report: ProgressReport, now: dt.datetime, *, attach_only: bool = False) -> None:
    """A report never handed in: the reminders and escalations its schedule had sent by
    now (after the due date: the partner's, the coordinators', the chair's)."""
    network = report.period.network
    schedule = network.reporting_schedule
    today = timezone.localdate(now)
    for kind, when, role in kinds_due(schedule, report.period.due_on, now, today):
        if role is None:
            people = reporter_ids(network.pk, report.organisation_id)
        else:
            people = Role.objects.filter(
                network=network, kind=role, person__user__email__in=DEMO_EMAILS
            ).values_list("person__user_id", flat=True)
        _told(report, kind, set(people), when, attach_only=attach_only)


def _told(
    report: ProgressReport, kind: str, people, at: dt.datetime, *, attach_only: bool = False
) -> None:
    """Record a notice as sent at ``at``: the Reminder row the sweep would have made and
    sent, and its in-app notice (one an earlier demo made without a row is attached).
    ``attach_only``: only where such an earlier notice exists; nobody is told anew."""
    base = kind.split(":", 1)[0]
    for uid in people:
        if uid is None:  # a person without a login is told nothing
            continue
        if (
            attach_only
            and not Notification.objects.filter(
                user_id=uid, report=report, kind=base, reminder__isnull=True
            ).exists()
        ):
            continue
        row, _created = Reminder.objects.get_or_create(
            report=report,
            kind=kind,
            recipient_id=uid,
            defaults={"due_at": at, "status": Reminder.Status.SENT, "sent_at": at},
        )
        if Notification.objects.filter(reminder=row).exists():
            continue
        earlier = Notification.objects.filter(
            user_id=uid, report=report, kind=base, reminder__isnull=True
        ).first()
        if earlier is not None:
            earlier.reminder = row
            earlier.save(update_fields=["reminder"])
        else:
            Notification.objects.create(
                reminder=row,
                user_id=uid,
                network=report.period.network,
                report=report,
                kind=base,
                created_at=at,
            )


def _committee_pdf(network: Network, period: ReportingPeriod, coordinators: list[int]) -> None:
    """Build the last closed period's committee PDF once, in this process."""
    if CommitteeReport.objects.filter(network=network, period=period).exists():
        return
    job = CommitteeReport.objects.create(
        network=network,
        period=period,
        language="th",
        requested_by_id=coordinators[0] if coordinators else None,
    )
    committee_report_build(committee_report_id=job.pk)
