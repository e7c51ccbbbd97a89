"""The directory import: upload, preview, confirm; and the template to fill in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.responses import render_form
from network import imports
from network.forms import ImportForm
from network.permissions import network_access

IMPORT_SESSION_KEY = "network-import-{}"


@login_required
def directory_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload, then a preview; nothing is written until the preview is confirmed.

    A file that cannot be read, or a preview listing problems, answers 422: what was
    posted was refused. A clean preview answers 200 and waits for the confirmation."""
    access = network_access(request, slug, manage=True)
    network = access.network
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            # CSV or .xlsx, told by the content; one byte past the limit is enough to refuse.
            table = imports.read(form.cleaned_data["file"].read(imports.MAX_BYTES + 1))
        except ValidationError as error:
            form.add_error("file", error)
        else:
            kind = form.cleaned_data["kind"]
            result = imports.preview(network=network, kind=kind, table=table, user=request.user)
            if result.ok:
                request.session[IMPORT_SESSION_KEY.format(network.id)] = {
                    "kind": kind,
                    "rows": table.rows,
                }
    return render_form(
        request,
        "network/import.html",
        {"form": form, "network": network, "result": result},
        refused=request.method == "POST" and (result is None or not result.ok),
    )


def _say_imported(request: HttpRequest, result) -> None:
    messages.success(request, _("%(n)s rows imported.") % {"n": len(result.rows)})
    if result.unchanged:
        messages.info(
            request,
            _("%(n)s of them were already there and are unchanged.") % {"n": result.unchanged},
        )
    if result.requests:
        messages.info(
            request,
            _(
                "%(n)s organisations already in the directory were asked to join: each "
                "joins when its representatives accept."
            )
            % {"n": result.requests},
        )
    if result.invitations:
        messages.info(
            request,
            _("%(n)s people with an account were invited: each gets the role on accepting.")
            % {"n": result.invitations},
        )


@login_required
@require_POST
def directory_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    pending = request.session.pop(IMPORT_SESSION_KEY.format(network.id), None)
    if not pending:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("network:import", network.slug)
    try:
        result = imports.directory_import(
            network=network,
            kind=pending["kind"],
            rows=pending.get("rows"),
            text=pending.get("text"),  # a preview made before imports kept rows
            user=request.user,
        )
    except imports.ImportRejected as rejected:
        return render_form(
            request,
            "network/import.html",
            {"form": ImportForm(), "network": network, "result": rejected.preview},
            refused=True,
        )
    _say_imported(request, result)
    return redirect("network:people" if pending["kind"] == "people" else "network:detail", slug)


@login_required
def directory_import_template(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    if kind not in imports.KINDS:
        raise Http404
    body = imports.template_csv(
        kind, thai=request.LANGUAGE_CODE.startswith("th"), network=access.network
    )
    response = HttpResponse(body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
