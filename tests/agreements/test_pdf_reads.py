"""The signed PDF's compiled reads (agreements.pdf_reads) give what the related
managers give: the same rows in the same order, for the version asked about only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import SigningEvent
from agreements.pdf_reads import version_pdf_rows

from . import factories as f

pytestmark = pytest.mark.django_db


def _managers(version) -> tuple[list, list, list, list]:
    return (
        list(version.duties.select_related("organisation")),
        list(version.resources.select_related("organisation")),
        list(version.parties.select_related("organisation", "signatory")),
        list(version.events.select_related("party__organisation", "party__signatory")),
    )


def _shape(rows) -> list[list[tuple]]:
    return [
        [
            (
                type(row).__name__,
                row.pk,
                getattr(row, "organisation_id", None),
                getattr(getattr(row, "organisation", None), "name", None),
                getattr(getattr(row, "signatory", None), "display_name", None),
                getattr(getattr(row, "party", None), "organisation_id", None),
            )
            for row in group
        ]
        for group in rows
    ]


def test_each_version_gets_its_own_rows_in_the_managers_order(cast):
    first = f.sent_for(cast)
    SigningEvent.objects.create(
        version=first, party=first.parties.first(), kind="viewed", at=timezone.now()
    )
    # Another network's version, read after the first: the statement compiled for
    # the first must run with the second's id.
    second = f.VersionFactory(agreement=f.AgreementFactory())
    f.DutyFactory(version=second, organisation=cast.coordinator.person.organisation)
    for version in (first, second, first):
        version.refresh_from_db()
        assert _shape(version_pdf_rows(version=version)) == _shape(_managers(version))
    duties, resources, parties, events = _shape(version_pdf_rows(version=second))
    assert len(duties) == 1
    assert not resources
    assert not parties
    assert not events
    assert all(_shape(version_pdf_rows(version=first)))


def test_rows_hold_their_version_and_related_rows_without_more_queries(cast):
    version = f.sent_for(cast)
    SigningEvent.objects.create(
        version=version, party=version.parties.first(), kind="viewed", at=timezone.now()
    )
    version_pdf_rows(version=version)  # compiled before counting
    with CaptureQueriesContext(connection) as captured:
        rows = version_pdf_rows(version=version)
        for group in rows:
            for row in group:
                assert row.version is version
                if getattr(row, "party_id", None):
                    assert row.party.organisation.name
                    assert row.party.signatory.display_name
                if hasattr(row, "organisation_id") and row.organisation_id:
                    assert row.organisation.name
    assert len(captured.captured_queries) == 4
