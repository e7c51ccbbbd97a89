"""Planning an activity: create, edit (refused on a stale version) and delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.responses import render_form
from roadmap import selectors
from roadmap.forms import ACTIVITY_FIELDS, ActivityDeleteForm, ActivityForm
from roadmap.models import Activity
from roadmap.permissions import activity_for, roadmap_access
from roadmap.services import activities as service

FORM = "roadmap/activity_form.html"
CONFLICT = 409


@login_required
def activity_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = roadmap_access(request, slug, manage=True, write=True)
    network = access.network
    # ?step=N preselects the step; anything that is not a number is simply ignored.
    step = selectors.step_by_number(network=network, number=request.GET.get("step", ""))
    form = ActivityForm(request.POST or None, network=network, initial={"step": step})
    if request.method == "POST" and form.is_valid():
        activity = service.activity_create(**{f: form.cleaned_data[f] for f in ACTIVITY_FIELDS})
        messages.success(request, _("The activity was created."))
        return redirect("roadmap:activity_detail", slug=slug, pk=activity.pk)
    return render_form(request, FORM, {"network": network, "form": form, "activity": None})


def _initial(activity: Activity) -> dict:
    return {
        "step": activity.step,
        "title": activity.title,
        "owners": list(activity.owners.all()),
        "description": activity.description,
        "responsible": activity.responsible,
        "start_on": activity.start_on,
        "due_on": activity.due_on,
        "status": activity.status,
        "blocked_reason": activity.blocked_reason,
        "version": activity.version,
    }


@login_required
def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    activity, access = activity_for(request, slug, pk, manage=True, write=True)
    network = access.network
    context = {"network": network, "activity": activity, "conflict": None}
    if request.method != "POST":
        form = ActivityForm(network=network, initial=_initial(activity))
        return render_form(request, FORM, {**context, "form": form})
    form = ActivityForm(request.POST, network=network)
    if form.is_valid():
        try:
            service.activity_edit(
                activity=activity,
                based_on_version=form.cleaned_data["version"] or 0,
                **{f: form.cleaned_data[f] for f in ACTIVITY_FIELDS},
            )
        except service.ActivityGone:
            raise Http404 from None
        except service.ActivityConflict as exc:
            # Keep what was typed; the next save is a decision made seeing the newer values.
            data = request.POST.copy()
            data["version"] = exc.current.version
            form = ActivityForm(data, network=network)
            context = {**context, "form": form, "conflict": exc.current}
            return render(request, FORM, context, status=CONFLICT)
        messages.success(request, _("The activity was saved."))
        return redirect("roadmap:activity_detail", slug=slug, pk=pk)
    return render_form(request, FORM, {**context, "form": form})


@login_required
def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what goes with the activity; POST: delete it (coordinators only)."""
    activity, access = activity_for(request, slug, pk, manage=True, write=True)
    form = ActivityDeleteForm(request.POST or None, initial={"version": activity.version})
    status = 200
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Please confirm the deletion on this page."))
        form = ActivityDeleteForm(initial={"version": activity.version})
        status = 422
    elif request.method == "POST":
        try:
            gone = service.activity_delete(
                activity=activity, by=request.user, based_on_version=form.cleaned_data["version"]
            )
        except service.ActivityConflict as exc:
            activity = exc.current
            form = ActivityDeleteForm(initial={"version": activity.version})
            messages.warning(request, exc.message)
            status = CONFLICT
        except service.ActivityProtected:
            status = CONFLICT  # the page names the reasons
        else:
            messages.success(
                request,
                _(
                    "The activity “%(title)s” was deleted, with its progress updates "
                    "(%(updates)s) and evidence files (%(files)s)."
                )
                % {"title": activity.title, "updates": gone.updates, "files": gone.evidence},
            )
            return redirect("roadmap:step_detail", slug=slug, number=activity.step.number)
    return render(
        request,
        "roadmap/activity_delete.html",
        {
            "network": access.network,
            "activity": activity,
            "form": form,
            "summary": selectors.activity_delete_summary(activity=activity),
        },
        status=status,
    )
