"""Who may see and decide erasure requests (the one place privacy refuses).

A person sees only their own requests; a site admin sees every request and decides
them, but not their own (another admin does). Anyone else's request is a 404, as
everything outside one's reach is.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from network.permissions import deny

from .models import ErasureRequest


def _is_site_admin(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_superuser)


def site_admin_only(request: HttpRequest) -> None:
    if not _is_site_admin(request):
        deny(_("Only a site administrator decides erasure requests."))


def erasure_request_for(request: HttpRequest, pk: int) -> ErasureRequest:
    """The request, to its own person or a site admin; a 404 for anyone else."""
    rows = ErasureRequest.objects.select_related("user", "decided_by")
    if not _is_site_admin(request):
        rows = rows.filter(user=request.user)
    erasure_request = rows.filter(pk=pk).first()
    if erasure_request is None:
        raise Http404
    return erasure_request


def erasure_request_to_decide(request: HttpRequest, pk: int) -> ErasureRequest:
    """The request, to a site admin who is not the person asking; the person gets a
    403 (they may read it, not decide it), anyone else a 404."""
    erasure_request = erasure_request_for(request, pk)
    if not _is_site_admin(request):
        deny(_("Only a site administrator decides erasure requests."))
    if erasure_request.user_id == request.user.pk:
        deny(_("Another site administrator decides your own request."))
    return erasure_request


def may_decide(request: HttpRequest, erasure_request: ErasureRequest) -> bool:
    """Whether the page shows the decision buttons (the same rule, without refusing)."""
    return _is_site_admin(request) and erasure_request.user_id != request.user.pk
