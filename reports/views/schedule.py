"""The reporting schedule: edit it, preview a change that reshapes periods, confirm or
drop it, or propose it from the signed agreement. Coordinators only
(``network_access(manage=True)``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.responses import render_form
from network.permissions import Access, network_access
from reports.forms import ScheduleForm, schedule_differences
from reports.selectors.pages import periods_recent
from reports.selectors.plan import schedule_preview as preview_plan
from reports.selectors.reports import schedule_for
from reports.services.schedules import (
    PlanChanged,
    schedule_change_confirm,
    schedule_change_discard,
    schedule_propose_from_agreement,
    schedule_save,
)


def _saved(request: HttpRequest, slug: str, saved) -> HttpResponse:
    if saved.outcome == "preview":
        return redirect("reports:schedule_preview", slug=slug)
    messages.success(request, _("The reporting schedule is saved and confirmed."))
    if saved.plan and saved.plan.reports_opened:
        messages.info(
            request,
            _("Reports opened for the periods that have started: %(count)s.")
            % {"count": saved.plan.reports_opened},
        )
    return redirect("reports:index", slug=slug)


@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    writing = request.method == "POST"
    access = network_access(request, slug, manage=True, write=writing)
    current = schedule_for(network=access.network)
    pending = current.pending_change if current.pk else {}
    if writing:
        form = ScheduleForm(request.POST, instance=current)
    elif pending and request.GET.get("edit") == "pending":
        form = ScheduleForm(pending, instance=current)  # the waiting change, to edit it
    else:
        form = ScheduleForm(instance=current)
    if writing and form.is_valid():
        try:
            saved = schedule_save(
                network=access.network,
                values=form.cleaned_data,
                raw=form.raw_values(),
                user=request.user,
            )
        except ServiceError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            return _saved(request, slug, saved)
    today = timezone.localdate()
    return render_form(
        request,
        "reports/schedule.html",
        {
            "network": access.network,
            "access": access,
            "form": form,
            "schedule": current,
            "pending": bool(pending),
            "periods": periods_recent(network=access.network, today=today),
            "today": today,
        },
    )


def _pending_form(access: Access) -> ScheduleForm | None:
    """The change waiting for confirmation, validated again (None when there is none)."""
    current = schedule_for(network=access.network)
    if not (current.pk and current.pending_change):
        return None
    return ScheduleForm(current.pending_change, instance=current)


def _pending_refused(request: HttpRequest, slug: str, form: ScheduleForm | None):
    """Back to the schedule when no change is waiting or it is no longer valid."""
    if form is None:
        messages.info(request, _("No change to the reporting schedule is waiting."))
        return redirect("reports:schedule", slug=slug)
    if not form.is_valid():
        messages.error(request, _("The waiting change is no longer valid; correct it here."))
        return redirect(reverse("reports:schedule", args=[slug]) + "?edit=pending")
    return None


@login_required
def schedule_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """What the waiting change would do, for a coordinator to confirm or drop."""
    access = network_access(request, slug, manage=True)
    form = _pending_form(access)
    refused = _pending_refused(request, slug, form)
    if refused is not None:
        return refused
    plan, digest = preview_plan(
        network=access.network, values=form.cleaned_data, raw=dict(form.data)
    )
    return render(
        request,
        "reports/schedule_preview.html",
        {
            "network": access.network,
            "access": access,
            "plan": plan,
            "digest": digest,
            "differences": schedule_differences(form),
            "requested_by": form.instance.pending_by,
            "requested_at": form.instance.pending_at,
        },
    )


def _changed(request: HttpRequest, plan) -> None:
    messages.success(
        request,
        _(
            "The reporting schedule is changed. Periods replaced: %(replaced)s. New periods: "
            "%(created)s. Due dates moved: %(moved)s. Reports kept: %(kept)s."
        )
        % {
            "replaced": len(plan.replaced),
            "created": len(plan.created),
            "moved": len(plan.moved),
            "kept": plan.reports_kept,
        },
    )


@login_required
@require_POST
def schedule_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirm (or drop) the waiting change: all of it, as previewed, or nothing."""
    access = network_access(request, slug, manage=True, write=True)
    if request.POST.get("action") == "discard":
        if schedule_change_discard(network=access.network):
            messages.info(request, _("The change was dropped; the schedule stays as it was."))
        return redirect("reports:schedule", slug=slug)
    form = _pending_form(access)
    refused = _pending_refused(request, slug, form)
    if refused is not None:
        return refused
    try:
        plan = schedule_change_confirm(
            network=access.network,
            values=form.cleaned_data,
            raw=dict(form.data),  # the waiting change as stored: it must still be there
            expected=request.POST.get("plan", ""),
            user=request.user,
        )
    except PlanChanged:
        messages.warning(
            request,
            _(
                "Something changed since this preview was made. This is what the change "
                "would do now: check it and confirm again."
            ),
        )
        return redirect("reports:schedule_preview", slug=slug)
    _changed(request, plan)
    return redirect("reports:index", slug=slug)


@login_required
@require_POST
def schedule_propose(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    proposed = schedule_propose_from_agreement(network=access.network)
    if proposed is None:
        messages.warning(
            request,
            _("The signed agreement does not say how often partners report; choose it here."),
        )
    elif proposed.is_confirmed:
        messages.info(request, _("The schedule is already confirmed; it was left as it is."))
    else:
        messages.success(
            request,
            _("Proposed from the agreement (“%(words)s”): check it and confirm.")
            % {"words": proposed.proposed_from},
        )
    return redirect("reports:schedule", slug=slug)
