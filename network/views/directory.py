"""The directory: organisations and people one may see, its export, an organisation's
page and profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.responses import render_form
from network import exports, selectors
from network.directory_list import directory_list_html
from network.forms import OrganisationForm
from network.permissions import emails_shown, organisation_access
from network.selectors import pages as page_reads
from network.services.organisations import organisation_update

EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _search_text(request: HttpRequest) -> str:
    """The search box: at most 100 characters, no control characters (PostgreSQL
    refuses a NUL in a query parameter; none belongs in a name)."""
    text = request.GET.get("q", "")[:1000]
    return "".join(c for c in text if c.isprintable() or c.isspace()).strip()[:100]


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """The organisation directory: one page of 50 as plain rows (``selectors.pages``),
    two queries however many match (the page with the count, their memberships)."""
    query = _search_text(request)
    page = page_reads.directory_page(request.user, query, request.GET.get("page"))
    rows = page_reads.directory_rows(request.user, page.object_list)
    before, after = page_reads.id_url("network:organisation")
    for row in rows:
        row["url"] = f"{before}{row['id']}{after}"
    return render(
        request,
        "network/directory.html",
        {
            "page": page,
            "query": query,
            "organisations": rows,
            "organisations_html": directory_list_html(rows),
        },
    )


@login_required
def directory_people(request: HttpRequest) -> HttpResponse:
    """The directory's people: found by Thai or English name, title or position (and
    by email in the networks one coordinates) among the people one may see
    (``selectors.people_matching``). A fixed number of queries however many are listed."""
    query = _search_text(request)
    page = Paginator(selectors.directory_people(request.user, query), 50).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    # Addresses as the people page shows them: to coordinators of the person's network.
    shown = emails_shown(request.user, rows)
    for person in rows:
        person.email_shown = person.pk in shown
    return render(
        request,
        "network/directory_people.html",
        {"page": page, "query": query, "people": rows},
    )


@login_required
def directory_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404
    organisations = selectors.directory_organisations(request.user, _search_text(request))
    if fmt == "xlsx":
        body = exports.directory_xlsx(organisations)
    else:
        body = exports.directory_csv(organisations)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="organisations.{fmt}"'
    return response


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, can_edit = organisation_access(request, pk)
    return render(
        request,
        "network/organisation.html",
        {
            "organisation": organisation,
            "can_edit": can_edit,
            **selectors.organisation_page(request.user, organisation),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, _can_edit = organisation_access(request, pk, write=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation_update(organisation=organisation, changes=form.cleaned_data)
        messages.success(request, _("The organisation's profile is saved."))
        return redirect("network:organisation", organisation.pk)
    return render_form(
        request, "network/organisation_edit.html", {"form": form, "organisation": organisation}
    )
