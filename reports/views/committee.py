"""Committee reports: ask for a period's PDF, follow its job, download it.

For coordinators, the chair and the committee (``oversight_access``,
``committee_job_for``); the PDF is built by a worker (reports.services).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation

from core.errors import ServiceError
from core.responses import render_form
from reports.forms import CommitteeForm
from reports.models import CommitteeReport
from reports.permissions import committee_job_for, oversight_access
from reports.selectors.committee import committee_jobs
from reports.services.committee import committee_report_request


@login_required
def committee(request: HttpRequest, slug: str) -> HttpResponse:
    writing = request.method == "POST"
    access = oversight_access(request, slug, "committee", write=writing)
    form = CommitteeForm(
        request.POST or None,
        network=access.network,
        initial={"language": translation.get_language()},
    )
    if writing and form.is_valid():
        try:
            job = committee_report_request(
                network=access.network,
                period=form.cleaned_data["period"],
                user=request.user,
                language=form.cleaned_data["language"],
            )
        except ServiceError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            return redirect("reports:committee_job", slug=slug, pk=job.pk)
    return render_form(
        request,
        "reports/committee.html",
        {
            "network": access.network,
            "access": access,
            "form": form,
            "jobs": committee_jobs(network=access.network),
        },
    )


@login_required
def committee_job(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job, access = committee_job_for(request, slug, pk)
    # htmx polls the job's status while the worker builds the PDF.
    template = "reports/_committee_status.html" if request.htmx else "reports/committee_job.html"
    return render(request, template, {"network": job.network, "access": access, "job": job})


@login_required
def committee_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job, _access = committee_job_for(request, slug, pk)
    if job.status != CommitteeReport.Status.DONE or not job.pdf:
        raise Http404
    return FileResponse(
        job.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"committee-report-{job.network.slug}-{job.period.starts_on:%Y%m}.pdf",
    )
