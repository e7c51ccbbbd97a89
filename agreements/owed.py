"""Agreements' rows of My tasks (network.tasks_registry): a version out for signature
where the person is a party's signatory and has not signed or declined yet."""

from __future__ import annotations

from django.urls import reverse

from core import compiled
from network.models import Network
from network.tasks_registry import Asker, OwedTask, localised

from .models import AgreementVersion, Party


def _signatures_query(*, user_id):
    return Party.objects.filter(
        signatory__user_id=user_id,
        status=Party.Status.PENDING,
        version__status=AgreementVersion.Status.SENT,
        version__agreement__network__in=Network.objects.active(),
    ).values_list(
        "pk",
        "version__number",
        "version__effective_from",
        "version__agreement__title",
        "version__agreement__network__slug",
        "version__agreement__network__name_th",
        "version__agreement__network__name_en",
        "organisation__name_th",
        "organisation__name_en",
    )


def signatures(asker: Asker) -> list[OwedTask]:
    if not asker.user.is_authenticated:
        return []
    # Compiled once per process (core.compiled): the SQL is the ORM's.
    rows = compiled.rows(_signatures_query, user_id=asker.user.pk)
    tasks = []
    for pk, number, due, title, slug, network_th, network_en, org_th, org_en in rows:
        # No signing deadline is stored; the version's effective date is when it is needed.
        tasks.append(
            OwedTask(
                kind="signature",
                title=title,
                url=reverse("agreements:version", args=[slug, number]),
                network_name=localised(network_th, network_en),
                due_on=due,
                late=bool(due and due < asker.today),
                detail=localised(org_th, org_en),
                id=pk,
            )
        )
    return tasks
