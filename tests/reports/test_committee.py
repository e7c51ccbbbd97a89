"""The committee PDF, built by a worker while the page polls; CSV and XLSX exports."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from core.models import SealedDocument
from reports import services
from reports.models import CommitteeReport

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext")


def _text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, timeout=60, check=True
    )
    return result.stdout.decode("utf-8")


@needs_pdftotext
def test_committee_pdf_names_every_organisation_and_the_period(
    cast, reporting, django_capture_on_commit_callbacks
):
    _s, period, reports = reporting
    services.report_save(
        report=reports[cast.partner_org.pk],
        user=cast.partner,
        problems="",
        help_needed="",
        narratives={},
        submit=True,
    )
    url = f"/networks/{cast.network.slug}/reports/committee/"
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("chair").post(url, {"period": period.pk, "language": "th"})
    job = CommitteeReport.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{job.pk}/")
    assert job.status == "done", job.error
    assert len(job.sha256) == 64
    pdf = cast.client("chair").get(f"{url}{job.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    text = _text(body)
    squashed = "".join(text.split())
    for membership in cast.network.memberships.all():
        assert "".join(membership.organisation.name_th.split()) in squashed
    # The period by its name ("ไตรมาส 3/2569"), as every page and email names it.
    assert period.name_th == "ไตรมาส 3/2569"
    assert "".join(period.name_th.split()) in squashed
    # the partner may not fetch it
    assert cast.client("partner").get(f"{url}{job.pk}/pdf/").status_code == 403


def test_status_fragment_polls_until_done(cast, reporting):
    _s, period, _r = reporting
    job = CommitteeReport.objects.create(network=cast.network, period=period, progress=30)
    url = f"/networks/{cast.network.slug}/reports/committee/{job.pk}/"
    fragment = cast.client("coordinator").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert 'value="30"' in fragment
    assert "<html" not in fragment
    # A job that waits long (thousands queued at the end of a semester) is asked
    # about less often.
    import datetime as dt

    from django.utils import timezone

    for minutes, every in ((1, 5), (10, 15)):
        job.requested_at = timezone.now() - dt.timedelta(minutes=minutes)
        job.save()
        fragment = cast.client("coordinator").get(url, HTTP_HX_REQUEST="true").content.decode()
        assert f'hx-trigger="every {every}s"' in fragment
    job.status = "done"
    job.save()
    fragment = cast.client("coordinator").get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment


def test_a_job_is_built_once(cast, reporting):
    _s, period, _r = reporting
    job = CommitteeReport.objects.create(network=cast.network, period=period)
    services.committee_report_build(committee_report_id=job.pk)
    assert services.committee_report_build(committee_report_id=job.pk) is None


def test_exports_csv_and_xlsx(cast, reporting):
    base = f"/networks/{cast.network.slug}/reports/export/"
    client = cast.client("coordinator")
    response = client.get(base + "reports.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(reporting[2])
    assert cast.partner_org.name_th in {r[2] for r in rows[1:]}
    response = client.get(base + "reports.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + len(reporting[2])
    assert client.get(base + "activities.xlsx").status_code == 200
    assert client.get(base + "activities.csv").status_code == 200
    assert client.get(base + "secrets.csv").status_code == 404
    assert cast.client("partner").get(base + "reports.csv").status_code == 403


def test_export_defuses_spreadsheet_formulas(cast, reporting):
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    report.problems = '=HYPERLINK("http://evil")'
    report.save()
    response = cast.client("coordinator").get(
        f"/networks/{cast.network.slug}/reports/export/reports.csv"
    )
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_a_job_the_broker_lost_is_picked_up_by_the_sweep(cast, reporting):
    import datetime as dt

    from django.utils import timezone

    _s, period, _r = reporting
    fresh = CommitteeReport.objects.create(network=cast.network, period=period)
    lost = CommitteeReport.objects.create(
        network=cast.network, period=period, requested_at=timezone.now() - dt.timedelta(minutes=5)
    )
    dead = CommitteeReport.objects.create(
        network=cast.network,
        period=period,
        status="running",
        started_at=timezone.now() - dt.timedelta(minutes=30),
    )
    assert set(services.committee_reports_stuck()) == {lost.pk, dead.pk}
    assert fresh.pk not in services.committee_reports_stuck()


def test_sealed_with_a_verify_link(cast, reporting):
    # core.sealing is always there (reports imports it directly): every committee PDF
    # is sealed and carries its verify address.
    _s, period, _r = reporting
    job = CommitteeReport.objects.create(network=cast.network, period=period)
    services.committee_report_build(committee_report_id=job.pk)
    job.refresh_from_db()
    document = SealedDocument.objects.get(pk=job.sealed_document_id)
    assert document.sha256 == job.sha256
    assert document.kind == "committee_report"
    assert job.verify_url.endswith(f"/verify/{document.code}/")
    job.pdf.open("rb")
    assert hashlib.sha256(job.pdf.read()).hexdigest() == job.sha256
    job.pdf.close()


def test_a_moving_queue_is_not_lost(cast, reporting):
    # The end of a semester: many jobs wait their turn while the workers take one after
    # another. None of them is lost, so the sweep sends none again; a dead worker's job
    # is still picked up.
    import datetime as dt

    from django.utils import timezone

    _s, period, _r = reporting
    now = timezone.now()
    waiting = [
        CommitteeReport.objects.create(
            network=cast.network, period=period, requested_at=now - dt.timedelta(minutes=9)
        )
        for _ in range(3)
    ]
    CommitteeReport.objects.create(
        network=cast.network,
        period=period,
        status="done",
        requested_at=now - dt.timedelta(minutes=9),
        started_at=now - dt.timedelta(seconds=40),
        finished_at=now - dt.timedelta(seconds=10),
    )
    dead = CommitteeReport.objects.create(
        network=cast.network,
        period=period,
        status="running",
        started_at=now - dt.timedelta(minutes=30),
    )
    assert services.committee_reports_stuck(now=now) == [dead.pk]
    # Two minutes later nothing has moved: the waiting jobs' messages must be gone.
    later = now + dt.timedelta(minutes=3)
    assert set(services.committee_reports_stuck(now=later)) == {dead.pk} | {
        job.pk for job in waiting
    }


def test_the_same_report_asked_twice_is_one_job(
    cast, reporting, django_capture_on_commit_callbacks
):
    _s, period, _r = reporting
    with django_capture_on_commit_callbacks() as queued:
        first = services.committee_report_request(
            network=cast.network, period=period, user=cast.coordinator, language="th"
        )
        again = services.committee_report_request(
            network=cast.network, period=period, user=cast.chair, language="th"
        )
        english = services.committee_report_request(
            network=cast.network, period=period, user=cast.chair, language="en"
        )
    assert again.pk == first.pk
    assert english.pk != first.pk
    assert len(queued) == 2
    assert CommitteeReport.objects.filter(network=cast.network, period=period).count() == 2
    # Once built, asking again makes a new report (the data may have changed since).
    CommitteeReport.objects.filter(pk=first.pk).update(status="done")
    fresh = services.committee_report_request(
        network=cast.network, period=period, user=cast.coordinator, language="th"
    )
    assert fresh.pk != first.pk
