"""Demo reporting: a semester schedule, past periods with submitted, late and missing
reports, notices, and a committee PDF for the last closed period. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from network.models import Network, Role

from . import services
from .models import (
    CommitteeReport,
    Notification,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)

PROBLEMS = "ครูบางส่วนติดภารกิจสอบปลายภาค ทำให้กิจกรรมค่ายรักการอ่านเลื่อนออกไปสองสัปดาห์"
HELP = "ต้องการวิทยากรด้านการสอนอ่านแบบแจกลูกสะกดคำ 1 ท่าน"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def load(*, stdout=None) -> None:
    network = Network.objects.filter(slug="sansai-reading").first()
    if network is None:
        return
    today = timezone.localdate()
    ReportingSchedule.objects.get_or_create(
        network=network,
        defaults={
            "frequency": ReportingSchedule.Frequency.SEMESTER,
            "due_day": 15,
            "starts_on": network.founded_on or dt.date(2025, 5, 16),
            "status": ReportingSchedule.Status.CONFIRMED,
            "proposed_from": "รายงานความก้าวหน้าทุกภาคเรียน",
            "confirmed_at": _at(network.founded_on or dt.date(2025, 5, 16)),
        },
    )
    services.periods_open(today=today)
    coordinators = list(
        Role.objects.filter(network=network, kind=Role.Kind.COORDINATOR).values_list(
            "person__user_id", flat=True
        )
    )
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
                for uid in coordinators:
                    Notification.objects.get_or_create(
                        user_id=uid, network=network, report=report, kind="escalation"
                    )
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
            for uid in coordinators:
                Notification.objects.get_or_create(
                    user_id=uid,
                    network=network,
                    report=report,
                    kind="submitted",
                    defaults={"created_at": report.submitted_at},
                )
    if closed:
        _committee_pdf(network, closed[-1], coordinators)
    if stdout:
        stdout.write("reports: semester schedule, periods, reports and notices ready")


def _committee_pdf(network: Network, period: ReportingPeriod, coordinators: list[int]) -> None:
    """Build the last closed period's committee PDF once, in this process."""
    if CommitteeReport.objects.filter(network=network, period=period).exists():
        return
    try:
        import weasyprint  # noqa: F401 — no PDF layer, no demo PDF
    except ImportError:
        return
    job = CommitteeReport.objects.create(
        network=network,
        period=period,
        language="th",
        requested_by_id=coordinators[0] if coordinators else None,
    )
    services.committee_report_build(committee_report_id=job.pk)
