"""The signed PDF's four reads of a version, compiled once per process (core.compiled).

Building and compiling the duties', resources', parties' and signing events' querysets
cost the ORM about 2 ms each per render, more than running them: the same four
statements each time, with only the version's id changed. The rows are what
``version.duties.select_related(...)`` and the others give, in the models' order,
and each row holds ``version`` as the related manager would set it, so nothing reads
the version again.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet

from agreements.models import AgreementVersion, Duty, Party, ResourceItem, SigningEvent
from core import compiled


def _duties_query(version_id) -> QuerySet:
    return Duty.objects.filter(version_id=version_id).select_related("organisation")


def _resources_query(version_id) -> QuerySet:
    return ResourceItem.objects.filter(version_id=version_id).select_related("organisation")


def _parties_query(version_id) -> QuerySet:
    return Party.objects.filter(version_id=version_id).select_related("organisation", "signatory")


def _events_query(version_id) -> QuerySet:
    return SigningEvent.objects.filter(version_id=version_id).select_related(
        "party__organisation", "party__signatory"
    )


def _of(version: AgreementVersion, build) -> list[Model]:
    rows = compiled.objects(build, version_id=version.pk)
    for row in rows:
        row.version = version
    return rows


def version_pdf_rows(*, version: AgreementVersion) -> tuple[list, list, list, list]:
    """(duties, resources, parties, signing events) of ``version``, with their
    organisations (and the parties' signatories; the events' parties with theirs)."""
    return (
        _of(version, _duties_query),
        _of(version, _resources_query),
        _of(version, _parties_query),
        _of(version, _events_query),
    )
