"""The health check: aggregates for everyone, rounds for coordinators, answers for
those who speak for an organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.responses import render_form
from roadmap import selectors
from roadmap.catalogue import HEALTH_GROUPS
from roadmap.charts import health_trend_svg
from roadmap.forms import HealthResponseForm, HealthRoundForm
from roadmap.permissions import health_may_answer, health_round_for, roadmap_access
from roadmap.services import health as service


@login_required
def health(request: HttpRequest, slug: str) -> HttpResponse:
    """Aggregates for everyone in the network; one's own answers only to oneself."""
    access = roadmap_access(request, slug)
    network = access.network
    summaries = selectors.health_summaries(network=network)
    return render(
        request,
        "roadmap/health.html",
        {
            "network": network,
            "access": access,
            "summaries": list(reversed(summaries)),
            "mine": selectors.health_responses_mine(network=network, user=request.user),
            "trend": health_trend_svg(network=network),
            "is_respondent": health_may_answer(access),
            "min_responses": selectors.HEALTH_MIN_RESPONSES,
            "groups": HEALTH_GROUPS,
            "today": selectors.today(),
        },
    )


@login_required
def health_round_create(request: HttpRequest, slug: str) -> HttpResponse:
    access = roadmap_access(request, slug, manage=True, write=True)
    form = HealthRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service.health_round_open(network=access.network, **form.cleaned_data)
        messages.success(request, _("The health check round is open."))
        return redirect("roadmap:health", slug=slug)
    return render_form(
        request, "roadmap/health_round_form.html", {"network": access.network, "form": form}
    )


@login_required
def health_round_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation with the number of answers; POST: delete the round."""
    round_, access = health_round_for(request, slug, pk, manage=True, write=True)
    if request.method == "POST":
        answers = service.health_round_delete(round=round_, by=request.user)
        messages.success(
            request,
            _("The round “%(label)s” was deleted, with its answers (%(answers)s).")
            % {"label": round_.label, "answers": answers},
        )
        return redirect("roadmap:health", slug=slug)
    return render(
        request,
        "roadmap/health_round_delete.html",
        {
            "network": access.network,
            "round": round_,
            "answers": selectors.health_answer_count(round=round_),
        },
    )


@login_required
def health_respond(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_, access = health_round_for(request, slug, pk, respond=True)
    existing = selectors.health_response_get(round=round_, user=request.user)
    initial = {
        **(existing.scores() if existing else {}),
        "comment": existing.comment if existing else "",
    }
    form = HealthResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.health_answer(
                round=round_,
                respondent=request.user,
                organisation=selectors.acting_organisation(user=request.user, access=access),
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            )
        except service.HealthRoundGone as gone:
            raise Http404 from gone
        except service.HealthRoundClosed as closed:
            messages.error(request, closed.message)
        else:
            messages.success(request, _("Thank you: your answers were saved."))
        return redirect("roadmap:health", slug=slug)
    return render_form(
        request,
        "roadmap/health_respond.html",
        {
            "network": access.network,
            "round": round_,
            "form": form,
            "existing": existing,
            "is_open": round_.is_open(selectors.today()),
        },
    )
