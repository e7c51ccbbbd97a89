from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Network
from .permissions import network_access


@login_required
def my_networks(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.visible_to(request.user).select_related("lead_organisation")
    return render(request, "network/my_networks.html", {"networks": networks})


@login_required
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    network = access.network
    memberships = network.memberships.filter(left_on__isnull=True).select_related("organisation")
    return render(
        request,
        "network/detail.html",
        {"network": network, "access": access, "memberships": memberships},
    )
