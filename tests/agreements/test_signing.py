"""The signing flow, through the services and the pages."""

from __future__ import annotations

import pytest
from django.core import mail

from agreements import selectors, services
from agreements.models import AgreementVersion, ContentFrozen, Duty, Party, SigningEvent
from core.errors import ServiceError
from tests.factories import PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def _sign(version, user, *, password=PASSWORD, name=None):
    party = version.parties.get(signatory__user=user)
    with f.after_commit():
        return services.party_sign(
            party=party,
            user=user,
            password=password,
            typed_name=name if name is not None else party.signatory.full_name,
            ip="203.0.113.7",
            user_agent="pytest-browser",
        )


def _sign_all(cast, version):
    _sign(version, cast.coordinator)
    _sign(version, cast.partner)
    version.refresh_from_db()
    return version


def test_send_freezes_content_and_stores_its_hash(cast):
    version = f.draft_for(cast)
    expected = selectors.content_hash(version=version)
    with f.after_commit():
        services.version_send(version=version, user=cast.coordinator)
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.SENT
    assert version.content_sha256 == expected
    assert len(version.content_sha256) == 64
    # Each signatory is asked, once, in their language.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.coordinator.email, cast.partner.email]
    )
    assert SigningEvent.objects.filter(version=version, kind="sent").count() == 1


def test_send_refuses_an_incomplete_draft(cast):
    version = f.draft_for(cast)
    version.basic_information = ""
    version.effective_from = None
    version.save()
    with pytest.raises(ServiceError) as exc:
        services.version_send(version=version, user=cast.coordinator)
    assert len(exc.value.messages) == 2
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.DRAFT


def test_an_edit_after_sending_is_refused_by_the_service(cast):
    version = f.sent_for(cast)
    with pytest.raises(ContentFrozen):
        services.version_update(
            version=version, user=cast.coordinator, data={"basic_information": "เปลี่ยน"}
        )
    with pytest.raises(ContentFrozen):
        services.duty_add(version=version, organisation=cast.partner_org, text="เพิ่ม")
    version.refresh_from_db()
    assert version.basic_information != "เปลี่ยน"


def test_an_edit_after_sending_is_refused_by_the_model(cast):
    version = f.sent_for(cast)
    version.basic_information = "แก้ไขโดยตรง"
    with pytest.raises(ContentFrozen):
        version.save()
    duty = Duty.objects.filter(version=version).first()
    duty.text = "แก้ไข"
    with pytest.raises(ContentFrozen):
        duty.save()
    with pytest.raises(ContentFrozen):
        duty.delete()
    party = version.parties.first()
    party.position = "ตำแหน่งใหม่"
    with pytest.raises(ContentFrozen):
        party.save()
    fresh = AgreementVersion.objects.get(pk=version.pk)
    assert fresh.basic_information != "แก้ไขโดยตรง"
    assert selectors.content_hash(version=fresh) == fresh.content_sha256


def test_signed_content_is_immutable_too(cast):
    version = _sign_all(cast, f.sent_for(cast))
    assert version.status == AgreementVersion.Status.SIGNED
    version.effective_until = None
    with pytest.raises(ContentFrozen):
        version.save()


def test_every_signature_makes_the_version_signed(cast):
    version = f.sent_for(cast)
    _sign(version, cast.partner)
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.SENT
    party = version.parties.get(signatory__user=cast.partner)
    assert party.status == Party.Status.SIGNED
    assert party.ip == "203.0.113.7"
    assert party.user_agent == "pytest-browser"
    assert party.signed_at is not None
    _sign(version, cast.coordinator)
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.SIGNED
    assert services.agreement_current_signed(network=cast.network) == version
    assert AgreementVersion.objects.signed().get() == version


def test_a_party_cannot_sign_twice(cast):
    version = f.sent_for(cast)
    _sign(version, cast.partner)
    with pytest.raises(ServiceError) as exc:
        _sign(version, cast.partner)
    assert exc.value.code == "already_signed"
    assert SigningEvent.objects.filter(version=version, kind="signed").count() == 1


def test_wrong_password_or_name_changes_nothing(cast):
    version = f.sent_for(cast)
    with pytest.raises(ServiceError):
        _sign(version, cast.partner, password="wrong-password")
    with pytest.raises(ServiceError):
        _sign(version, cast.partner, name="ชื่อคนอื่น")
    party = version.parties.get(signatory__user=cast.partner)
    assert party.status == Party.Status.PENDING
    assert not SigningEvent.objects.filter(kind="signed").exists()


def test_someone_else_cannot_sign_for_a_party(cast):
    version = f.sent_for(cast)
    party = version.parties.get(signatory__user=cast.partner)
    with pytest.raises(ServiceError):
        services.party_sign(
            party=party, user=cast.chair, password=PASSWORD, typed_name="x", ip=None
        )
    party.refresh_from_db()
    assert party.status == Party.Status.PENDING


def test_a_withdrawn_version_cannot_be_signed(cast):
    version = f.sent_for(cast)
    services.version_withdraw(version=version, user=cast.coordinator, reason="แก้ไขงบ")
    with pytest.raises(ServiceError) as exc:
        _sign(version, cast.partner)
    assert exc.value.code == "withdrawn"
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.WITHDRAWN
    assert not version.parties.filter(status=Party.Status.SIGNED).exists()


def test_a_signed_version_cannot_be_withdrawn(cast):
    version = _sign_all(cast, f.sent_for(cast))
    with pytest.raises(ServiceError):
        services.version_withdraw(version=version, user=cast.coordinator)


def test_decline_records_the_reason_and_tells_the_coordinators(cast):
    version = f.sent_for(cast)
    mail.outbox.clear()
    party = version.parties.get(signatory__user=cast.partner)
    with f.after_commit():
        services.party_decline(party=party, user=cast.partner, reason="งบประมาณไม่เพียงพอ")
    party.refresh_from_db()
    assert party.status == Party.Status.DECLINED
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert "งบประมาณไม่เพียงพอ" in mail.outbox[0].body
    with pytest.raises(ServiceError):
        _sign(version, cast.partner)


def test_decline_needs_a_reason(cast):
    version = f.sent_for(cast)
    party = version.parties.get(signatory__user=cast.partner)
    with pytest.raises(ServiceError):
        services.party_decline(party=party, user=cast.partner, reason="   ")
    party.refresh_from_db()
    assert party.status == Party.Status.PENDING


def test_an_amendment_supersedes_the_old_version_once_signed(cast):
    v1 = _sign_all(cast, f.sent_for(cast))
    v2 = services.version_amend(version=v1, user=cast.coordinator)
    assert v2.number == 2
    assert v2.amends == v1
    assert v2.is_draft
    assert v2.basic_information == v1.basic_information
    assert v2.duties.count() == v1.duties.count()
    assert v2.resources.count() == v1.resources.count()
    assert v2.parties.count() == v1.parties.count()
    services.version_update(version=v2, user=cast.coordinator, data={"other_matters": "ต่ออายุ"})
    services.version_send(version=v2, user=cast.coordinator)
    v1.refresh_from_db()
    assert v1.status == AgreementVersion.Status.SIGNED  # still in force while v2 is signed
    v2.refresh_from_db()
    _sign_all(cast, v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == AgreementVersion.Status.SUPERSEDED
    assert v2.status == AgreementVersion.Status.SIGNED
    assert services.agreement_current_signed(network=cast.network) == v2


def test_only_one_version_open_at_a_time(cast):
    v1 = f.sent_for(cast)
    with pytest.raises(ServiceError):
        services.version_amend(version=v1, user=cast.coordinator)
    services.version_withdraw(version=v1, user=cast.coordinator)
    v2 = services.version_amend(version=v1, user=cast.coordinator)
    assert v2.is_draft


def test_totp_is_required_when_enabled(cast):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    secret = generate_totp_secret()
    TOTP.activate(cast.partner, secret)
    version = f.sent_for(cast)
    party = version.parties.get(signatory__user=cast.partner)
    with pytest.raises(ServiceError) as exc:
        services.party_sign(
            party=party,
            user=cast.partner,
            password=PASSWORD,
            typed_name=party.signatory.full_name,
            otp_code="000000",
        )
    assert exc.value.code == "otp"
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    services.party_sign(
        party=party,
        user=cast.partner,
        password=PASSWORD,
        typed_name=party.signatory.full_name,
        otp_code=code,
    )
    party.refresh_from_db()
    assert party.status == Party.Status.SIGNED


def test_canonical_json_is_stable(cast):
    version = f.draft_for(cast)
    first = selectors.canonical_json(selectors.version_content(version=version))
    second = selectors.canonical_json(selectors.version_content(version=version))
    assert first == second
    assert selectors.content_hash(version=version) == selectors.content_hash(version=version)
