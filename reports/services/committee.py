"""Committee PDFs: requested from the page, built and sealed by a worker.

The page polls the job's progress; the beat picks up a job the broker lost (queued
for more than two minutes while no job moves) or whose worker died (running for more
than fifteen). The same report asked for twice while it waits is one job. A
second run of a finished job does nothing: a conditional UPDATE claims it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import sealing
from core.models import SealedDocument
from core.pdf import render_pdf_template
from core.queue import enqueue
from network.models import Network
from reports.models import CommitteeReport, ReportingPeriod
from reports.selectors.committee import committee_context, committee_seal_summary

log = logging.getLogger(__name__)

# A queued job the broker lost, and a running one whose worker died, are tried again.
QUEUED_STUCK_AFTER = dt.timedelta(minutes=2)
RUNNING_STUCK_AFTER = dt.timedelta(minutes=15)
ERROR_LENGTH = 2000


@transaction.atomic
def committee_report_request(
    *, network: Network, period: ReportingPeriod, user, language: str
) -> CommitteeReport:
    """Queue a committee PDF; a worker builds it while the page polls its progress.

    The same report (network, period, language) already waiting or being built is
    returned instead of a second job: a double click, or the chair and a coordinator
    asking at once, costs one PDF. The network row is locked so two requests at the
    same moment cannot both miss the other's job.
    """
    Network.objects.select_for_update().filter(pk=network.pk).first()
    waiting = (
        CommitteeReport.objects.filter(
            network=network,
            period=period,
            language=language,
            status__in=(CommitteeReport.Status.QUEUED, CommitteeReport.Status.RUNNING),
        )
        .order_by("requested_at")
        .first()
    )
    if waiting is not None:
        return waiting
    job = CommitteeReport.objects.create(
        network=network, period=period, language=language, requested_by=user
    )
    enqueue("reports.tasks.committee_report_build", job.pk)
    return job


def committee_reports_stuck(*, now: dt.datetime | None = None) -> list[int]:
    """Jobs the broker lost (queued > 2 minutes while the queue stands still) or whose
    worker died (running > 15 minutes).

    At the end of a semester thousands of reports wait their turn for two workers
    (bench/national/drain.py: 5,000 at once); a job that has waited two minutes then
    is not lost, and sending every waiting job again on each sweep would only fill the
    queue. So a queued job counts as lost only when no job has started or finished for
    two minutes: the workers are idle (or gone) and its message must be missing.
    """
    now = now or timezone.now()
    recent = now - QUEUED_STUCK_AFTER
    stuck = Q(status=CommitteeReport.Status.RUNNING, started_at__lt=now - RUNNING_STUCK_AFTER)
    moving = CommitteeReport.objects.filter(
        Q(started_at__gte=recent) | Q(finished_at__gte=recent)
    ).exists()
    if not moving:
        stuck |= Q(status=CommitteeReport.Status.QUEUED, requested_at__lt=recent)
    return list(CommitteeReport.objects.filter(stuck).values_list("id", flat=True))


def committee_pdf(*, network: Network, period: ReportingPeriod, language: str, extra=None) -> bytes:
    """Render the committee PDF through core.pdf, the one render path: its fetcher lock
    (static files only), Sarabun and the Thai text fixes. There is no other path."""
    with translation.override(language):
        context = committee_context(network=network, period=period) | (extra or {})
        return render_pdf_template("reports/committee_pdf.html", context, language=language)


def _claim(committee_report_id: int, now: dt.datetime) -> bool:
    """Take a queued job, or a running one whose worker died."""
    return bool(
        CommitteeReport.objects.filter(pk=committee_report_id)
        .filter(
            Q(status=CommitteeReport.Status.QUEUED)
            | Q(status=CommitteeReport.Status.RUNNING, started_at__lt=now - RUNNING_STUCK_AFTER)
        )
        .update(status=CommitteeReport.Status.RUNNING, started_at=now, progress=5)
    )


def _progress(job: CommitteeReport, percent: int) -> None:
    CommitteeReport.objects.filter(pk=job.pk).update(progress=percent)


def _reserve(job: CommitteeReport) -> SealedDocument:
    with translation.override(job.language):
        title = _("Committee report: %(network)s, %(period)s") % {
            "network": job.network.name,
            "period": job.period.label,
        }
    return sealing.sealed_document_reserve(
        kind=SealedDocument.Kind.COMMITTEE_REPORT, title=title, language=job.language
    )


def _sealed_bytes(document: SealedDocument) -> bytes | None:
    """The sealed bytes the sealing layer stored (its hash is of those)."""
    if not document.file:
        return None
    with document.file.open("rb") as f:
        return f.read()


def _build(job: CommitteeReport) -> None:
    """Render, seal and store the job's PDF; the job row is saved done."""
    document = _reserve(job)
    verify = sealing.verify_url(document)
    extra = {"verify_url": verify, "qr": sealing.qr_data_uri(verify), "document": document}
    _progress(job, 30)
    pdf = committee_pdf(network=job.network, period=job.period, language=job.language, extra=extra)
    _progress(job, 80)
    stored = sealing.sealed_document_store(
        document=document,
        pdf=pdf,
        summary=committee_seal_summary(job),
        content_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    job.sealed_document_id = stored.pk
    job.verify_url = verify
    job.verify_code = stored.code
    pdf = _sealed_bytes(stored) or pdf
    job.pdf.save(
        f"committee-{job.network.slug}-{job.period.pk}-{job.pk}.pdf", ContentFile(pdf), save=False
    )
    # The hash of the very bytes we keep (a sealed PDF differs from the rendered one).
    job.sha256 = hashlib.sha256(pdf).hexdigest()
    job.status = CommitteeReport.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save()


def committee_report_build(*, committee_report_id: int) -> CommitteeReport | None:
    """Build, seal and store one committee PDF; a second run of a finished job is a no-op.

    A failure of any kind (a template, a chart, the fonts, the storage) marks the job
    failed with its error, for the page to say so; it is logged with its traceback.
    """
    if not _claim(committee_report_id, timezone.now()):
        return None
    job = CommitteeReport.objects.select_related("network", "period").get(pk=committee_report_id)
    try:
        _build(job)
    except Exception as exc:
        log.exception("committee report %s failed", committee_report_id)
        job.status = CommitteeReport.Status.FAILED
        job.error = str(exc)[:ERROR_LENGTH]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
    return job
