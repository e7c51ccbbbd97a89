"""The roadmap's overview, its steps, and My tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.responses import render_form
from network.tasks_registry import tasks_owed
from roadmap import selectors
from roadmap.forms import StepForm
from roadmap.permissions import roadmap_access, step_for
from roadmap.rendered import overview_body
from roadmap.services.steps import step_update


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    access = roadmap_access(request, slug)
    network = access.network
    context = {
        "network": network,
        "access": access,
        # Steps, charts, late count and recent wins: drawn once per state of what they
        # show and kept in the process (roadmap.rendered).
        "body": overview_body(
            network=network,
            today=selectors.today(),
            show_buttons=access.can_manage and not network.is_dissolved,
        ),
    }
    return render(request, "roadmap/overview.html", context)


@login_required
def step_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    step, access = step_for(request, slug, number)
    return render(
        request,
        "roadmap/step_detail.html",
        {
            "network": access.network,
            "access": access,
            "step": step,
            "activities": selectors.step_activity_list(step=step),
            "today": selectors.today(),
        },
    )


@login_required
def step_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    step, access = step_for(request, slug, number, manage=True, write=True)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        step_update(step=step, **{f: form.cleaned_data[f] for f in StepForm.Meta.fields})
        messages.success(request, _("The step was saved."))
        return redirect("roadmap:step_detail", slug=slug, number=number)
    return render_form(
        request, "roadmap/step_form.html", {"network": access.network, "step": step, "form": form}
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    # Everything the person owes, from every app that registered a provider in the hub
    # (network.tasks_registry): roadmap cannot import reports or agreements itself.
    today = selectors.today()
    tasks = tasks_owed(user=request.user, today=today)
    return render(
        request,
        "roadmap/my_tasks.html",
        {"tasks": tasks, "today": today, "late": sum(1 for t in tasks if t.late)},
    )
