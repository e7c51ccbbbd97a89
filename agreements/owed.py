"""Agreements' rows of My tasks (network.tasks_registry): a version out for signature
where the person is a party's signatory and has not signed or declined yet."""

from __future__ import annotations

from django.urls import reverse

from network.models import Network
from network.tasks_registry import Asker, OwedTask

from .models import AgreementVersion, Party


def signatures(asker: Asker) -> list[OwedTask]:
    if not asker.user.is_authenticated:
        return []
    rows = Party.objects.filter(
        signatory__user=asker.user,
        status=Party.Status.PENDING,
        version__status=AgreementVersion.Status.SENT,
        version__agreement__network__in=Network.objects.active(),
    ).select_related("version__agreement__network", "organisation")
    tasks = []
    for party in rows:
        version = party.version
        network = version.agreement.network
        # No signing deadline is stored; the version's effective date is when it is needed.
        due = version.effective_from
        tasks.append(
            OwedTask(
                kind="signature",
                title=version.agreement.title,
                url=reverse("agreements:version", args=[network.slug, version.number]),
                network_name=network.name,
                due_on=due,
                late=bool(due and due < asker.today),
                detail=party.organisation.name,
                item=party,
            )
        )
    return tasks
