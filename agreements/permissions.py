"""Who may open what in the agreements app: one getter per model, on network.permissions.

Views ask these and make no permission decision themselves. Each getter scopes the
query with ``network.permissions.object_access`` (another network's object, or one
that does not exist, is a 404; an action the role does not allow is a 403; a dissolved
network refuses every write) and returns the object with the user's ``Access``.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from network.permissions import Access, network_access, object_access

from .models import Agreement, AgreementVersion, Duty, Party, ResourceItem
from .selectors import party_for_signing

_VERSION_NETWORK = "agreement__network"
_ROW_NETWORK = "version__agreement__network"


def network_for(
    request: HttpRequest, slug: str, *, manage: bool = False, write: bool = False
) -> Access:
    """The network whose agreement pages these are (the index, starting an agreement)."""
    return network_access(request, slug, manage=manage, write=write)


def agreement_for(
    request: HttpRequest, slug: str, *, manage: bool = False, write: bool = False
) -> tuple[Agreement, Access]:
    """The network's agreement (404 while it has none)."""
    return object_access(
        request,
        Agreement.objects.select_related("network"),
        manage=manage,
        write=write,
        network__slug=slug,
    )


def version_for(
    request: HttpRequest,
    slug: str,
    number: int,
    *,
    manage: bool = False,
    write: bool = False,
) -> tuple[AgreementVersion, Access]:
    """One version of the network's agreement, with its sealed documents."""
    return object_access(
        request,
        AgreementVersion.objects.select_related(
            "agreement__network__lead_organisation", "sealed_document", "sealed_document_en"
        ),
        network_path=_VERSION_NETWORK,
        manage=manage,
        write=write,
        agreement__network__slug=slug,
        number=number,
    )


def party_for(
    request: HttpRequest, slug: str, number: int
) -> tuple[Party, AgreementVersion, Access]:
    """The party the user signs for in this version (the sign and decline pages).

    Only the named signatory gets it; anyone else, a coordinator or a site admin
    included, gets a 404 rather than a hint that the page exists.
    """
    version, access = version_for(request, slug, number, write=True)
    party = party_for_signing(version=version, user=request.user)
    if party is None:
        raise Http404
    return party, version, access


def _version_row(request: HttpRequest, queryset, slug: str, number: int, pk: int):
    """A duty, resource or party of a version, for its coordinators to change."""
    row, _access = object_access(
        request,
        queryset.select_related("version__agreement__network"),
        network_path=_ROW_NETWORK,
        manage=True,
        write=True,
        version__agreement__network__slug=slug,
        version__number=number,
        pk=pk,
    )
    return row


def duty_for(request: HttpRequest, slug: str, number: int, pk: int) -> Duty:
    return _version_row(request, Duty.objects.all(), slug, number, pk)


def resource_for(request: HttpRequest, slug: str, number: int, pk: int) -> ResourceItem:
    return _version_row(request, ResourceItem.objects.all(), slug, number, pk)


def party_to_remove_for(request: HttpRequest, slug: str, number: int, pk: int) -> Party:
    """A party of a draft, as its coordinators name and remove them (not the signer's)."""
    return _version_row(request, Party.objects.all(), slug, number, pk)
