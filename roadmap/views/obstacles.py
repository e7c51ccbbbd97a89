"""The obstacle register: the list with its heat map, and scoring an entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.responses import render_form
from roadmap import selectors
from roadmap.charts import obstacle_heatmap_svg
from roadmap.forms import ObstacleForm
from roadmap.permissions import obstacle_for, roadmap_access
from roadmap.services.obstacles import obstacle_update


@login_required
def obstacles(request: HttpRequest, slug: str) -> HttpResponse:
    access = roadmap_access(request, slug)
    return render(
        request,
        "roadmap/obstacles.html",
        {
            "network": access.network,
            "access": access,
            "entries": selectors.obstacle_list(network=access.network),
            "heatmap": obstacle_heatmap_svg(network=access.network),
            "today": selectors.today(),
        },
    )


@login_required
def obstacle_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry, access = obstacle_for(request, slug, pk, manage=True, write=True)
    form = ObstacleForm(request.POST or None, instance=entry, network=access.network)
    if request.method == "POST" and form.is_valid():
        try:
            obstacle_update(
                entry=entry, **{f: form.cleaned_data[f] for f in ObstacleForm.Meta.fields}
            )
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The register entry was saved."))
            return redirect("roadmap:obstacles", slug=slug)
    return render_form(
        request,
        "roadmap/obstacle_form.html",
        {"network": access.network, "entry": entry, "form": form},
    )
