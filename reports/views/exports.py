"""What a network takes away: CSV and Excel exports (overseers), and the sealed
close-out reports of a dissolved network (every member: a dissolved network stays
readable, a reopened one keeps its close-outs)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from network.permissions import network_access
from reports.permissions import oversight_access
from reports.selectors.closeout import closeout_document, closeouts_for
from reports.services.exports import export_csv, export_rows, export_xlsx

EXPORTS = ("reports", "activities")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def export(request: HttpRequest, slug: str, what: str, fmt: str) -> HttpResponse:
    access = oversight_access(request, slug, "exports")
    if what not in EXPORTS or fmt not in CONTENT_TYPES:
        raise Http404
    header, rows = export_rows(network=access.network, what=what)
    if fmt == "csv":
        body = export_csv(header=header, rows=rows)
    else:
        body = export_xlsx(header=header, rows=rows, title=what)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = f"{access.network.slug}-{what}-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def closeout(request: HttpRequest, slug: str) -> HttpResponse:
    """The close-out reports of a dissolved network, for every member."""
    access = network_access(request, slug)
    return render(
        request,
        "reports/closeout.html",
        {
            "network": access.network,
            "access": access,
            "closeouts": closeouts_for(network=access.network),
        },
    )


@login_required
def closeout_pdf(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """A sealed close-out PDF, only through this permission-checked view (media is private)."""
    access = network_access(request, slug)
    document = closeout_document(network=access.network, code=code)
    if document is None or not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("download") == "1",
        filename=f"close-out-{access.network.slug}-{document.language}.pdf",
    )
