"""Pages that turn the signed agreement's duties (section II) into roadmap activities.

Coordinators only; see reports.duties for why this lives in reports.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ServiceError
from core.responses import render_form
from network.permissions import network_access
from reports.permissions import duty_for
from reports.selectors.agreement_reads import duties_unplanned, duty_activity_initial
from reports.services.duties import DutyPlanned, duty_activity_create
from roadmap.forms import ACTIVITY_FIELDS, ActivityForm


@login_required
def duty_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    version, unplanned = duties_unplanned(network=access.network)
    return render(
        request,
        "reports/duties.html",
        {"network": access.network, "version": version, "duties": unplanned},
    )


@login_required
def duty_activity(request: HttpRequest, slug: str, duty_id: int) -> HttpResponse:
    duty, access = duty_for(request, slug, duty_id)
    network = access.network
    initial = duty_activity_initial(network=network, duty=duty)
    form = ActivityForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = duty_activity_create(
                network=network,
                duty=duty,
                **{f: form.cleaned_data[f] for f in ACTIVITY_FIELDS},
            )
        except DutyPlanned as planned:
            messages.info(
                request,
                _("This duty is already in the roadmap as “%(title)s”.")
                % {"title": planned.activity.title},
            )
            return redirect("roadmap:activity_detail", slug=slug, pk=planned.activity.pk)
        except ServiceError as refused:  # the roadmap's own rules for an activity
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The duty is now an activity of the roadmap."))
            return redirect("roadmap:activity_detail", slug=slug, pk=activity.pk)
    return render_form(
        request, "reports/duty_activity.html", {"network": network, "form": form, "duty": duty}
    )
