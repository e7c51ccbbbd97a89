"""Roadmap pages. Each view parses input, calls one service, then redirects or renders."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Person
from network.permissions import Access, network_access, object_access
from network.tasks_registry import tasks_owed

from . import services
from .catalogue import HEALTH_GROUPS
from .charts import (
    health_trend_svg,
    obstacle_heatmap_svg,
    step_progress,
    step_progress_svg,
    timeline_svg,
)
from .forms import (
    ACTIVITY_FIELDS,
    ActivityDeleteForm,
    ActivityForm,
    HealthResponseForm,
    HealthRoundForm,
    ObstacleForm,
    ProgressForm,
    StepForm,
    WinForm,
)
from .models import Activity, Evidence, HealthResponse, HealthRound, ObstacleEntry, Step, Win

RESPONDENT_ROLES = frozenset(services.RESPONDENT_ROLES)


def _activity(request: HttpRequest, slug: str, pk: int, **flags) -> tuple[Activity, Access]:
    queryset = Activity.objects.select_related("step__network", "responsible__organisation")
    return object_access(
        request,
        queryset.prefetch_related("owners"),
        network_path="step__network",
        pk=pk,
        step__network__slug=slug,
        **flags,
    )


def _owner_ids(activity: Activity) -> list[int]:
    return [org.id for org in activity.owners.all()]


def _own_organisation(request: HttpRequest, access: Access):
    """The organisation the user speaks for here (None for a site admin without one)."""
    if not access.roles:
        return None
    person = Person.objects.filter(user=request.user).select_related("organisation").first()
    return person.organisation if person else None


# --- overview and steps -------------------------------------------------------------
@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    network = access.network
    today = timezone.localdate()
    context = {
        "network": network,
        "access": access,
        "steps": step_progress(network),
        "step_chart": step_progress_svg(network=network),
        "timeline": timeline_svg(network=network, today=today),
        "late": Activity.objects.for_network(network).late(today).count(),
        "wins": services.wins_recent(network=network, limit=3),
    }
    return render(request, "roadmap/overview.html", context)


@login_required
def step_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    access = network_access(request, slug)
    step = get_object_or_404(
        Step.objects.select_related("network"), network=access.network, number=number
    )
    activities = step.activities.select_related("responsible").prefetch_related("owners")
    return render(
        request,
        "roadmap/step_detail.html",
        {
            "network": access.network,
            "access": access,
            "step": step,
            "activities": activities,
            "today": timezone.localdate(),
        },
    )


@login_required
def step_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    step = get_object_or_404(Step, network=access.network, number=number)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        services.step_update(step=step, **{f: form.cleaned_data[f] for f in StepForm.Meta.fields})
        messages.success(request, _("The step was saved."))
        return redirect("roadmap:step_detail", slug=slug, number=number)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "roadmap/step_form.html",
        {"network": access.network, "step": step, "form": form},
        status=status,
    )


# --- activities ---------------------------------------------------------------------


@login_required
def activity_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    network = access.network
    # ?step=N preselects the step; anything that is not a number is simply ignored.
    number = request.GET.get("step", "")
    step = network.steps.filter(number=int(number)).first() if number.isdigit() else None
    initial = {"step": step}
    form = ActivityForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        activity = services.activity_create(**{f: form.cleaned_data[f] for f in ACTIVITY_FIELDS})
        messages.success(request, _("The activity was created."))
        return redirect("roadmap:activity_detail", slug=slug, pk=activity.pk)
    return render(
        request,
        "roadmap/activity_form.html",
        {"network": network, "form": form, "activity": None},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def activity_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    activity, access = _activity(request, slug, pk, manage=True, write=True)
    network = access.network
    conflict = None
    if request.method == "POST":
        form = ActivityForm(request.POST, network=network)
        if form.is_valid():
            try:
                services.activity_edit(
                    activity=activity,
                    based_on_version=form.cleaned_data["version"] or 0,
                    **{f: form.cleaned_data[f] for f in ACTIVITY_FIELDS},
                )
            except services.ActivityGone:
                raise Http404 from None
            except services.ActivityConflict as exc:
                conflict = exc.current
                # Keep what was typed; the next save is a decision made seeing the newer values.
                data = request.POST.copy()
                data["version"] = conflict.version
                form = ActivityForm(data, network=network)
            else:
                messages.success(request, _("The activity was saved."))
                return redirect("roadmap:activity_detail", slug=slug, pk=pk)
    else:
        form = ActivityForm(
            network=network,
            initial={
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
            },
        )
    status = 409 if conflict else 422 if request.method == "POST" else 200
    return render(
        request,
        "roadmap/activity_form.html",
        {"network": network, "form": form, "activity": activity, "conflict": conflict},
        status=status,
    )


@login_required
def activity_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what goes with the activity; POST: delete it (coordinators only)."""
    activity, access = _activity(request, slug, pk, manage=True, write=True)
    form = ActivityDeleteForm(request.POST or None, initial={"version": activity.version})
    status = 200
    if request.method == "POST" and not form.is_valid():
        messages.error(request, _("Please confirm the deletion on this page."))
        form = ActivityDeleteForm(initial={"version": activity.version})
        status = 422
    elif request.method == "POST":
        try:
            gone = services.activity_delete(
                activity=activity, by=request.user, based_on_version=form.cleaned_data["version"]
            )
        except services.ActivityConflict as exc:
            activity = exc.current
            form = ActivityDeleteForm(initial={"version": activity.version})
            messages.warning(
                request,
                _(
                    "The activity changed after this page was opened. "
                    "Check again what goes with it."
                ),
            )
            status = 409
        except services.ActivityProtected:
            status = 409  # the page names the reasons
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
            "summary": services.activity_delete_summary(activity=activity),
        },
        status=status,
    )


def _progress_context(activity: Activity, access: Access, form=None, **extra) -> dict:
    updates = activity.updates.select_related("author", "organisation").prefetch_related("evidence")
    can_update = access.can_update_for(_owner_ids(activity))
    if form is None and can_update:
        form = ProgressForm(
            initial={
                "percent": activity.percent,
                "status": activity.status,
                "blocked_reason": activity.blocked_reason,
                "version": activity.version,
            },
            max_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        )
    return {
        "network": access.network,
        "access": access,
        "activity": activity,
        "updates": list(updates),
        "form": form,
        "can_update": can_update,
        "today": timezone.localdate(),
        **extra,
    }


@login_required
def activity_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    activity, access = _activity(request, slug, pk)
    return render(request, "roadmap/activity_detail.html", _progress_context(activity, access))


@login_required
def activity_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The progress panel: GET shows it, POST records an update (htmx swaps the panel)."""
    activity, access = _activity(request, slug, pk, write=True)
    if not access.can_update_for(_owner_ids(activity)):
        raise PermissionDenied(_("Only the owning organisations' representatives may update this."))
    # htmx gets the panel alone; a plain request (no JS, or an opened link) the whole page.
    template = "roadmap/_progress_panel.html" if request.htmx else "roadmap/activity_detail.html"
    if request.method != "POST":
        return render(request, template, _progress_context(activity, access))
    form = ProgressForm(
        request.POST, request.FILES, max_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
    )
    if not form.is_valid():
        context = _progress_context(activity, access, form=form)
        return render(request, template, context, status=422)
    try:
        services.progress_record(
            activity=activity,
            author=request.user,
            organisation=_own_organisation(request, access),
            based_on_version=form.cleaned_data["version"],
            percent=form.cleaned_data["percent"],
            status=form.cleaned_data["status"],
            narrative=form.cleaned_data["narrative"],
            blocked_reason=form.cleaned_data["blocked_reason"],
            files=form.cleaned_data["files"],
        )
    except services.ActivityGone:
        raise Http404 from None
    except services.EvidenceQuotaExceeded as exc:
        form.add_error(
            "files",
            _(
                "This activity already holds %(stored)s of evidence and these files add "
                "%(size)s; an activity may hold at most %(limit)s. Nothing was saved."
            )
            % {
                "stored": filesizeformat(exc.stored),
                "size": filesizeformat(exc.incoming),
                "limit": filesizeformat(exc.limit),
            },
        )
        context = _progress_context(activity, access, form=form)
        return render(request, template, context, status=422)
    except services.ActivityConflict as exc:
        current = exc.current
        data = request.POST.copy()
        data["version"] = current.version
        form = ProgressForm(data, max_mb=settings.EVIDENCE_MAX_BYTES // (1024 * 1024))
        form.is_valid()  # show the typed values; files must be attached again
        context = _progress_context(
            current,
            access,
            form=form,
            conflict=current,
            conflict_update=current.updates.select_related("author", "organisation").first(),
            files_dropped=bool(request.FILES),
        )
        return render(request, template, context, status=409)
    if request.htmx:
        activity.refresh_from_db()
        return render(request, template, _progress_context(activity, access, saved=True))
    messages.success(request, _("Your progress update was saved."))
    return redirect("roadmap:activity_detail", slug=slug, pk=pk)


@login_required
def evidence_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    evidence, _access = object_access(
        request,
        Evidence.objects.select_related("update__activity__step__network"),
        network_path="update__activity__step__network",
        pk=pk,
        update__activity__step__network__slug=slug,
    )
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


# --- wins -----------------------------------------------------------------------------
@login_required
def wins(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    rows = (
        Win.objects.filter(network=access.network)
        .select_related("step")
        .prefetch_related("organisations", "people")
    )
    return render(
        request,
        "roadmap/wins.html",
        {
            "network": access.network,
            "access": access,
            "wins": rows,
            "can_record": access.can_manage or access.is_partner,
        },
    )


@login_required
def win_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, write=True)
    if not (access.can_manage or access.is_partner):
        raise PermissionDenied(_("Only coordinators and partner representatives record wins."))
    form = WinForm(request.POST or None, network=access.network)
    if request.method == "POST" and form.is_valid():
        services.win_record(network=access.network, recorded_by=request.user, **form.cleaned_data)
        messages.success(request, _("The win was recorded. Well done!"))
        return redirect("roadmap:wins", slug=slug)
    return render(
        request,
        "roadmap/win_form.html",
        {"network": access.network, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def win_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation; POST: delete the win (its author or a coordinator)."""
    win, access = object_access(
        request,
        Win.objects.select_related("network", "recorded_by"),
        write=True,
        pk=pk,
        network__slug=slug,
    )
    if not services.win_may_delete(win=win, user=request.user, can_manage=access.can_manage):
        raise PermissionDenied(
            _("Only the person who recorded a win, or a coordinator, may delete it.")
        )
    if request.method == "POST":
        services.win_delete(win=win, by=request.user)
        messages.success(request, _("The win “%(title)s” was deleted.") % {"title": win.title})
        return redirect("roadmap:wins", slug=slug)
    return render(request, "roadmap/win_delete.html", {"network": access.network, "win": win})


# --- obstacles ------------------------------------------------------------------------
@login_required
def obstacles(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    entries = sorted(
        ObstacleEntry.objects.filter(network=access.network).select_related("owner"),
        # Scored rows by score, highest first; the not yet scored ones after them.
        key=lambda e: (not e.scored, -(e.score or 0), e.kind, e.id),
    )
    return render(
        request,
        "roadmap/obstacles.html",
        {
            "network": access.network,
            "access": access,
            "entries": entries,
            "heatmap": obstacle_heatmap_svg(network=access.network),
            "today": timezone.localdate(),
        },
    )


@login_required
def obstacle_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    entry = get_object_or_404(ObstacleEntry, network=access.network, pk=pk)
    form = ObstacleForm(request.POST or None, instance=entry, network=access.network)
    if request.method == "POST" and form.is_valid():
        services.obstacle_update(
            entry=entry, **{f: form.cleaned_data[f] for f in ObstacleForm.Meta.fields}
        )
        messages.success(request, _("The register entry was saved."))
        return redirect("roadmap:obstacles", slug=slug)
    return render(
        request,
        "roadmap/obstacle_form.html",
        {"network": access.network, "entry": entry, "form": form},
        status=422 if request.method == "POST" else 200,
    )


# --- health check ---------------------------------------------------------------------
def _is_respondent(access: Access) -> bool:
    return bool(access.roles & RESPONDENT_ROLES)


@login_required
def health(request: HttpRequest, slug: str) -> HttpResponse:
    """Aggregates for everyone in the network; one's own answers only to oneself."""
    access = network_access(request, slug)
    network = access.network
    summaries = services.health_summaries(network=network)
    mine = {
        r.round_id: r
        for r in HealthResponse.objects.filter(round__network=network, respondent=request.user)
    }
    return render(
        request,
        "roadmap/health.html",
        {
            "network": network,
            "access": access,
            "summaries": list(reversed(summaries)),
            "mine": mine,
            "trend": health_trend_svg(network=network),
            "is_respondent": _is_respondent(access) and not network.is_dissolved,
            "min_responses": services.HEALTH_MIN_RESPONSES,
            "groups": HEALTH_GROUPS,
            "today": timezone.localdate(),
        },
    )


@login_required
def health_round_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True, write=True)
    form = HealthRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.health_round_open(network=access.network, **form.cleaned_data)
        messages.success(request, _("The health check round is open."))
        return redirect("roadmap:health", slug=slug)
    return render(
        request,
        "roadmap/health_round_form.html",
        {"network": access.network, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def health_round_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation with the number of answers; POST: delete the round."""
    access = network_access(request, slug, manage=True, write=True)
    round_ = get_object_or_404(HealthRound, network=access.network, pk=pk)
    if request.method == "POST":
        answers = services.health_round_delete(round=round_, by=request.user)
        messages.success(
            request,
            _("The round “%(label)s” was deleted, with its answers (%(answers)s).")
            % {"label": round_.label, "answers": answers},
        )
        return redirect("roadmap:health", slug=slug)
    return render(
        request,
        "roadmap/health_round_delete.html",
        {"network": access.network, "round": round_, "answers": round_.responses.count()},
    )


@login_required
def health_respond(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = network_access(request, slug, write=True)
    round_ = get_object_or_404(HealthRound, network=access.network, pk=pk)
    if not _is_respondent(access):
        raise PermissionDenied(_("The health check is answered by partner representatives."))
    existing = HealthResponse.objects.filter(round=round_, respondent=request.user).first()
    is_open = round_.is_open(timezone.localdate())
    initial = {
        **(existing.scores() if existing else {}),
        "comment": existing.comment if existing else "",
    }
    form = HealthResponseForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("This round is closed; answers can no longer be changed."))
            return redirect("roadmap:health", slug=slug)
        if form.is_valid():
            try:
                services.health_answer(
                    round=round_,
                    respondent=request.user,
                    organisation=_own_organisation(request, access),
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                )
            except services.HealthRoundGone as gone:
                raise Http404 from gone
            messages.success(request, _("Thank you: your answers were saved."))
            return redirect("roadmap:health", slug=slug)
    return render(
        request,
        "roadmap/health_respond.html",
        {
            "network": access.network,
            "round": round_,
            "form": form,
            "existing": existing,
            "is_open": is_open,
        },
        status=422 if request.method == "POST" else 200,
    )


# --- my tasks -------------------------------------------------------------------------
@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    # Everything the person owes, from every app that registered a provider in the hub
    # (network.tasks_registry): roadmap cannot import reports or agreements itself.
    today = timezone.localdate()
    tasks = tasks_owed(user=request.user, today=today)
    return render(
        request,
        "roadmap/my_tasks.html",
        {"tasks": tasks, "today": today, "late": sum(1 for t in tasks if t.late)},
    )
