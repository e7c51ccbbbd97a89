"""An activity's page: its progress panel (htmx), progress updates and evidence files."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.responses import render_form
from network.permissions import Access
from roadmap import selectors
from roadmap.forms import ProgressForm
from roadmap.models import Activity
from roadmap.permissions import (
    activity_for,
    activity_progress_for,
    evidence_for,
    progress_may_record,
)
from roadmap.services.activities import ActivityConflict, ActivityGone
from roadmap.services.progress import EvidenceQuotaExceeded, progress_record

CONFLICT = 409


def _max_mb() -> int:
    return settings.EVIDENCE_MAX_BYTES // (1024 * 1024)


def _progress_context(activity: Activity, access: Access, form=None, **extra) -> dict:
    can_update = progress_may_record(access, activity)
    if form is None and can_update:
        form = ProgressForm(
            initial={
                "percent": activity.percent,
                "status": activity.status,
                "blocked_reason": activity.blocked_reason,
                "version": activity.version,
            },
            max_mb=_max_mb(),
        )
    return {
        "network": access.network,
        "access": access,
        "activity": activity,
        "updates": selectors.progress_update_list(activity=activity),
        "form": form,
        "can_update": can_update,
        "today": selectors.today(),
        **extra,
    }


@login_required
def activity_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    activity, access = activity_for(request, slug, pk)
    return render(request, "roadmap/activity_detail.html", _progress_context(activity, access))


def _conflict(request: HttpRequest, template: str, access: Access, current: Activity):
    """The panel again over the newer activity, with what was typed (files must be
    attached again): 409."""
    data = request.POST.copy()
    data["version"] = current.version
    form = ProgressForm(data, max_mb=_max_mb())
    form.is_valid()  # show the typed values
    context = _progress_context(
        current,
        access,
        form=form,
        conflict=current,
        conflict_update=selectors.progress_update_latest(activity=current),
        files_dropped=bool(request.FILES),
    )
    return render(request, template, context, status=CONFLICT)


@login_required
def activity_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The progress panel: GET shows it, POST records an update (htmx swaps the panel)."""
    activity, access = activity_progress_for(request, slug, pk)
    # htmx gets the panel alone; a plain request (no JS, or an opened link) the whole page.
    template = "roadmap/_progress_panel.html" if request.htmx else "roadmap/activity_detail.html"
    if request.method != "POST":
        return render_form(request, template, _progress_context(activity, access))
    form = ProgressForm(request.POST, request.FILES, max_mb=_max_mb())
    if not form.is_valid():
        return render_form(request, template, _progress_context(activity, access, form=form))
    try:
        progress_record(
            activity=activity,
            author=request.user,
            organisation=selectors.acting_organisation(user=request.user, access=access),
            based_on_version=form.cleaned_data["version"],
            percent=form.cleaned_data["percent"],
            status=form.cleaned_data["status"],
            narrative=form.cleaned_data["narrative"],
            blocked_reason=form.cleaned_data["blocked_reason"],
            files=form.cleaned_data["files"],
        )
    except ActivityGone:
        raise Http404 from None
    except EvidenceQuotaExceeded as exc:
        for message in exc.messages:
            form.add_error("files", message)
        return render_form(request, template, _progress_context(activity, access, form=form))
    except ActivityConflict as exc:
        return _conflict(request, template, access, exc.current)
    if request.htmx:
        # No need to read the activity again: progress_record claimed the version this
        # form was opened on, so the row was as read above, and it wrote the update's
        # values and the new version onto this very object.
        return render(request, template, _progress_context(activity, access, saved=True))
    messages.success(request, _("Your progress update was saved."))
    return redirect("roadmap:activity_detail", slug=slug, pk=pk)


@login_required
def evidence_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    evidence, _access = evidence_for(request, slug, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # FileResponse writes an RFC 6266 filename* for names that are not plain ASCII.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
