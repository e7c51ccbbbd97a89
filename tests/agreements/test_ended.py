"""A dissolution ends the agreement (issue 13 item 9): the version in force is marked
ended on the dissolution date, shown on its pages and its public verify record, and
no renewal notice or signing reminder goes out for it any more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from agreements import selectors, services, tasks
from agreements.models import AgreementVersion, SigningEvent
from core.models import SealedDocument
from network import services as network_services
from tests.factories import PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db

DISSOLVED_ON = dt.date(2026, 9, 30)
REASON = "ครบวาระโครงการแล้ว ภาคีตกลงยุติความร่วมมือ"


def _dissolve(cast):
    """Through the page, as a coordinator does (the agreement ends inside its
    transaction; the close-out report's task would run after the commit)."""
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/dissolve/",
        {"reason": REASON, "dissolved_on": "30/09/2569", "confirm": "on"},
    )
    assert response.status_code == 302
    cast.network.refresh_from_db()


def _sign_everyone(version: AgreementVersion) -> AgreementVersion:
    for party in version.parties.select_related("signatory__user"):
        services.party_sign(
            party=party,
            user=party.signatory.user,
            password=PASSWORD,
            typed_name=party.signatory.full_name,
        )
    version.refresh_from_db()
    return version


def _sweep_on(monkeypatch, day: dt.date):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    with f.after_commit():
        tasks.sweep()


def test_the_signed_version_ends_on_the_dissolution_date_and_says_so(cast):
    version = f.signed_with_pdf(cast)
    _dissolve(cast)
    version.refresh_from_db()
    assert version.ended_on == DISSOLVED_ON
    assert version.status == AgreementVersion.Status.SIGNED  # what was signed stays signed

    # The agreement's pages: "สิ้นสุดเมื่อ 30 กันยายน 2569", in English for English readers.
    index = cast.client("chair").get(f"/networks/{cast.network.slug}/agreement/")
    assert "สิ้นสุดเมื่อ 30 กันยายน 2569" in index.content.decode()
    # … with the way to the close-out report.
    assert f"/networks/{cast.network.slug}/close-out/" in index.content.decode()
    page = cast.client("chair").get(f"/networks/{cast.network.slug}/agreement/v1/")
    assert "สิ้นสุดเมื่อ 30 กันยายน 2569" in page.content.decode()
    cast.partner.language = "en"
    cast.partner.save()
    english = cast.client("partner").get(f"/networks/{cast.network.slug}/agreement/v1/")
    english = english.content.decode()
    assert "Ended on 30 September 2026" in english

    # The public verify records of both sealed PDFs gain the line, in their language.
    th = SealedDocument.objects.get(pk=version.sealed_document_id)
    en = SealedDocument.objects.get(pk=version.sealed_document_en_id)
    assert ["สิ้นสุดเมื่อ", "30 กันยายน 2569"] in th.summary["details"]
    assert ["Ended on", "30 September 2026"] in en.summary["details"]
    verify = cast.client("anonymous").get(f"/verify/{th.code}/").content.decode()
    assert "สิ้นสุดเมื่อ" in verify
    assert "30 กันยายน 2569" in verify

    # Ending again (a repeated signal, a retried service) adds nothing.
    services.agreement_end(network=cast.network, ended_on=DISSOLVED_ON, reason=REASON)
    th.refresh_from_db()
    assert th.summary["details"].count(["สิ้นสุดเมื่อ", "30 กันยายน 2569"]) == 1


def test_an_ended_agreement_gets_no_renewal_notice(cast, monkeypatch):
    version = f.draft_for(cast)
    version.effective_until = timezone.localdate() + dt.timedelta(days=45)
    version.save()
    services.version_send(version=version, user=cast.coordinator)
    version = _sign_everyone(version)
    later = version.effective_until - dt.timedelta(days=30)
    assert selectors.renewals_due(today=later) == [version.pk]  # due, before the end

    network_services.network_dissolve(
        network=cast.network, reason=REASON, dissolved_on=timezone.localdate()
    )
    mail.outbox.clear()
    assert selectors.renewals_due(today=later) == []
    _sweep_on(monkeypatch, later)
    assert mail.outbox == []
    # Even a renewal task already queued before the end sends nothing.
    assert services.version_renewal_remind(version_id=version.pk) is False
    assert mail.outbox == []


def test_signing_reminders_stop_and_the_version_out_for_signature_is_withdrawn(cast, monkeypatch):
    version = f.sent_for(cast)
    AgreementVersion.objects.filter(pk=version.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=4)
    )
    today = timezone.localdate()
    assert len(selectors.reminders_due(today=today)) == 2  # due, before the end

    network_services.network_dissolve(network=cast.network, reason=REASON, dissolved_on=today)
    mail.outbox.clear()
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.WITHDRAWN
    assert REASON in version.withdrawal_reason
    assert version.events.filter(kind=SigningEvent.Kind.WITHDRAWN).count() == 1
    assert selectors.reminders_due(today=today) == []
    _sweep_on(monkeypatch, today)
    assert mail.outbox == []
    party = version.parties.first()
    assert services.party_remind(party_id=party.pk, today=today) is False
    assert mail.outbox == []


def test_a_network_without_an_agreement_dissolves_as_before(cast):
    _dissolve(cast)
    assert cast.network.is_dissolved
    assert not AgreementVersion.objects.exists()


def test_a_draft_stays_a_draft_and_a_later_signed_version_is_not_ended(cast):
    """Reopening keeps the end of the version that was in force; the next signed
    version (an amendment after reopening) starts with no end."""
    version = _sign_everyone(f.sent_for(cast))
    _dissolve(cast)
    version.refresh_from_db()
    assert version.ended_on == DISSOLVED_ON
    network_services.network_reopen(network=cast.network)
    amendment = services.version_amend(version=version, user=cast.coordinator)
    assert amendment.is_draft
    assert amendment.ended_on is None
    services.version_send(version=amendment, user=cast.coordinator)
    amendment = _sign_everyone(amendment)
    version.refresh_from_db()
    assert amendment.is_signed
    assert amendment.ended_on is None
    assert version.status == AgreementVersion.Status.SUPERSEDED
    assert version.ended_on == DISSOLVED_ON
