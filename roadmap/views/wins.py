"""Short-term wins: the list, recording one, deleting one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.responses import render_form
from roadmap import selectors
from roadmap.forms import WinForm
from roadmap.permissions import (
    roadmap_access,
    win_for,
    win_may_record,
    win_recorder_access,
    wins_deletable,
)
from roadmap.services import wins as service


@login_required
def wins(request: HttpRequest, slug: str) -> HttpResponse:
    access = roadmap_access(request, slug)
    rows = list(selectors.win_list(network=access.network))
    return render(
        request,
        "roadmap/wins.html",
        {
            "network": access.network,
            "access": access,
            "wins": rows,
            "deletable": wins_deletable(access, rows, request.user),
            "can_record": win_may_record(access),
        },
    )


@login_required
def win_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = win_recorder_access(request, slug)
    form = WinForm(request.POST or None, network=access.network)
    if request.method == "POST" and form.is_valid():
        try:
            service.win_record(
                network=access.network, recorded_by=request.user, **form.cleaned_data
            )
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The win was recorded. Well done!"))
            return redirect("roadmap:wins", slug=slug)
    return render_form(request, "roadmap/win_form.html", {"network": access.network, "form": form})


@login_required
def win_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation; POST: delete the win (its author or a coordinator)."""
    win, access = win_for(request, slug, pk, delete=True)
    if request.method == "POST":
        service.win_delete(win=win, by=request.user)
        messages.success(request, _("The win “%(title)s” was deleted.") % {"title": win.title})
        return redirect("roadmap:wins", slug=slug)
    return render(request, "roadmap/win_delete.html", {"network": access.network, "win": win})
