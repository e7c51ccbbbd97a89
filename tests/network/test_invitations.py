"""The invitation lifecycle: accept, expired, reused, forged, revoked, re-invited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from network import services
from network.models import Invitation, Membership, Person, Role
from tests import factories

PASSWORD = "a-long-new-password-2569"


def _invite(cast, *, email="newrep@example.org", organisation=None, **extra):
    # Invitations are only for current member organisations: an organisation joins by
    # its own consent (services.organisation_attach), never by an invitation's acceptance.
    if organisation is None:
        organisation = factories.OrganisationFactory(name_th="โรงเรียนบ้านใหม่")
        factories.MembershipFactory(network=cast.network, organisation=organisation)
    return services.invitation_create(
        network=cast.network,
        organisation=organisation,
        email=email,
        full_name="สมศรี มีสุข",
        invited_by=cast.coordinator,
        **extra,
    )


def _snapshot():
    return (
        get_user_model().objects.count(),
        Person.objects.count(),
        Role.objects.count(),
        Membership.objects.count(),
    )


@pytest.fixture
def invited(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(cast)
    return invitation, token


def test_invitation_email_goes_out_after_commit_in_the_invitees_language(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = _invite(cast, language="en")
    assert not mail.outbox  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newrep@example.org"]
    assert "Invitation to join" in message.subject
    assert f"/invitations/{token}/" in message.body
    # Only the hash is stored; the raw token is nowhere in the row.
    invitation.refresh_from_db()
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert invitation.sent_at is not None
    assert round((invitation.expires_at - invitation.created_at) / dt.timedelta(days=1)) == 7


def test_invitation_email_in_thai_by_default(cast, invited):
    assert "คำเชิญ" in mail.outbox[0].subject
    # A newcomer chooses a password; nobody tells them to log in with an account they lack.
    assert "เข้าสู่ระบบด้วยบัญชีนั้น" not in mail.outbox[0].body


def test_an_existing_account_is_told_to_log_in_not_to_choose_a_password(
    cast, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="existing@example.org", language="th")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(cast, email="existing@example.org")
    body = mail.outbox[0].body
    assert "เข้าสู่ระบบด้วยบัญชีนั้น" in body
    assert "เข้าสู่ระบบด้วยบัญชีนั้น" in mail.outbox[0].alternatives[0][0]


def test_send_task_twice_sends_one_email(cast, invited):
    invitation, token = invited
    assert services.invitation_send(invitation_id=invitation.id, token=token) is False
    assert len(mail.outbox) == 1


def test_accept_creates_account_person_role_and_membership(cast, invited, client):
    invitation, token = invited
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert "สมศรี" in page.content.decode()
    response = client.post(
        f"/invitations/{token}/",
        {"full_name": "สมศรี มีสุข", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/networks/{cast.network.slug}/"
    user = get_user_model().objects.get(email="newrep@example.org")
    assert user.check_password(PASSWORD)
    person = Person.objects.get(user=user)
    assert person.organisation == invitation.organisation
    assert Role.objects.filter(network=cast.network, person=person, kind="partner_rep").exists()
    assert Membership.objects.filter(
        network=cast.network, organisation=invitation.organisation, left_on__isnull=True
    ).exists()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED
    assert invitation.accepted_by == user
    # Logged in and can see the network.
    assert client.get(f"/networks/{cast.network.slug}/").status_code == 200


def test_accept_links_an_existing_account(cast, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email="existing@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = _invite(cast, email="existing@example.org")
    assert "Invitation to join" in mail.outbox[0].subject  # the account's language
    client = cast.client("anonymous")
    # Not logged in: asked to log in, nothing created.
    before = _snapshot()
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert _snapshot() == before
    client.force_login(user)
    assert client.post(f"/invitations/{token}/").status_code == 302
    assert Role.objects.filter(network=cast.network, person__user=user).exists()


def test_weak_password_is_refused_and_nothing_changes(cast, invited, client):
    _invitation, token = invited
    before = _snapshot()
    response = client.post(
        f"/invitations/{token}/", {"full_name": "x", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 422
    assert _snapshot() == before


def _assert_dead_link(client, token, status, text):
    before = _snapshot()
    for method in ("get", "post"):
        response = getattr(client, method)(
            f"/invitations/{token}/",
            {"full_name": "x", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == status
        assert text in response.content.decode()
    assert _snapshot() == before


def test_reused_link(cast, invited, client):
    _invitation, token = invited
    client.post(
        f"/invitations/{token}/",
        {"full_name": "สมศรี", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.logout()
    _assert_dead_link(client, token, 410, "ใช้ไปแล้ว")


def test_expired_link(cast, invited, client):
    invitation, token = invited
    invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    invitation.save()
    _assert_dead_link(client, token, 410, "หมดอายุ")


def test_forged_link(cast, invited, client):
    _assert_dead_link(client, "forged-" + "x" * 40, 404, "ไม่ใช่คำเชิญที่ถูกต้อง")


def test_revoked_link(cast, invited):
    invitation, token = invited
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/invitations/{invitation.pk}/revoke/"
    )
    assert response.status_code == 302
    _assert_dead_link(cast.client("anonymous"), token, 410, "ยกเลิก")


def test_reinviting_revokes_the_old_link(cast, django_capture_on_commit_callbacks):
    org = factories.MembershipFactory(network=cast.network).organisation
    with django_capture_on_commit_callbacks(execute=True):
        first, first_token = _invite(cast, organisation=org)
        second, second_token = _invite(cast, organisation=org, email="NEWREP@example.org")
    first.refresh_from_db()
    assert first.state == Invitation.State.REVOKED
    assert second.state == Invitation.State.PENDING
    _assert_dead_link(cast.client("anonymous"), first_token, 410, "ยกเลิก")
    assert cast.client("anonymous").get(f"/invitations/{second_token}/").status_code == 200


def test_revoked_before_sending_is_not_sent(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, _token = _invite(cast)
        services.invitation_revoke(invitation=invitation)
    for callback in callbacks:
        callback()
    assert not mail.outbox


def test_invitation_form_sends_from_the_page(cast, django_capture_on_commit_callbacks):
    client = cast.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/networks/{cast.network.slug}/invitations/",
            {
                "organisation": cast.partner_org.pk,
                "full_name": "ครูใหม่ ใจดี",
                "email": "kru@example.org",
                "role": "core_leader",
                "category": "outstanding_teacher",
                "language": "th",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="kru@example.org")
    assert invitation.role == "core_leader"
    assert invitation.invited_by == cast.coordinator
    assert len(mail.outbox) == 1


def test_invitation_form_rejects_a_bad_email(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/invitations/",
        {"organisation": cast.partner_org.pk, "full_name": "x", "email": "not-an-email"},
    )
    assert response.status_code == 422
    assert not Invitation.objects.exists()
