"""Changing the sign-in email: the password again, a link to the new address, and the
old address told; accounts made from an invitation are never asked to verify."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from network import services as network_services
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "ป่าประดู่-network-2569"
OLD = "kru.somsri@example.org"
NEW = "somsri.new@school.example.org"


@pytest.fixture
def owner():
    return get_user_model().objects.create_user(email=OLD, password=PASSWORD)


@pytest.fixture
def client(owner):
    client = Client()
    assert client.post("/accounts/login/", {"login": OLD, "password": PASSWORD}).status_code == 302
    return client


def _ask_for(client: Client, email: str):
    """Ask to change to ``email``: allauth asks for the password first, then does it."""
    asked = client.post("/accounts/email/", {"action_add": "", "email": email})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    page = client.get(asked["Location"]).content.decode()
    assert "ยืนยันตัวตน" in page
    assert "กรอกรหัสผ่านของคุณ" in page
    wrong = client.post(asked["Location"], {"password": "not-my-password"})
    assert "รหัสผ่านไม่ถูกต้อง" in wrong.content.decode()
    assert not EmailAddress.objects.filter(email=email).exists()
    return client.post(asked["Location"], {"password": PASSWORD})


def test_the_new_address_is_used_only_after_its_link_is_opened(owner, client):
    assert _ask_for(client, NEW).status_code == 302
    (message,) = mail.outbox
    assert message.to == [NEW]
    assert message.subject.endswith("กรุณายืนยันอีเมลของคุณ")
    assert "อีเมลสำหรับเข้าสู่ระบบ" in message.body

    # Pending: the page says so in Thai, and the old address still signs in.
    page = client.get("/accounts/email/").content.decode()
    for text in ("อีเมลปัจจุบัน", "กำลังเปลี่ยนเป็น", "อีเมลนี้ยังรอการยืนยัน", "ยกเลิกการเปลี่ยน"):
        assert text in page
    owner.refresh_from_db()
    assert owner.email == OLD
    assert (
        Client().post("/accounts/login/", {"login": NEW, "password": PASSWORD}).status_code == 200
    )

    # The link, opened by whoever reads the new mailbox.
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)
    confirm = client.get(link)
    assert "ยืนยันที่อยู่อีเมล" in confirm.content.decode()
    mail.outbox.clear()
    assert client.post(link).status_code == 302
    owner.refresh_from_db()
    assert owner.email == NEW
    assert list(EmailAddress.objects.filter(user=owner).values_list("email", "verified")) == [
        (NEW, True)
    ]
    # The old address is told, in Thai.
    (notice,) = mail.outbox
    assert notice.to == [OLD]
    assert "เปลี่ยนอีเมลที่ใช้เข้าสู่ระบบแล้ว" in notice.subject
    assert f"เปลี่ยนจาก {OLD} เป็น {NEW}" in notice.body
    assert f"{timezone.localdate().year + 543}" in notice.body  # the date in B.E.

    assert (
        Client().post("/accounts/login/", {"login": NEW, "password": PASSWORD}).status_code == 302
    )
    assert (
        Client().post("/accounts/login/", {"login": OLD, "password": PASSWORD}).status_code == 200
    )


def test_a_pending_change_can_be_cancelled(owner, client):
    _ask_for(client, NEW)
    response = client.post("/accounts/email/", {"action_remove": "", "email": NEW})
    assert response.status_code == 302
    assert list(EmailAddress.objects.filter(user=owner).values_list("email", flat=True)) == [OLD]


def test_bad_input_gets_a_thai_message_and_changes_nothing(owner, client):
    response = client.post("/accounts/email/", {"action_add": "", "email": "not an address"})
    assert response.status_code == 200
    assert "ป้อนที่อยู่อีเมลที่ถูกต้อง" in response.content.decode()
    assert list(EmailAddress.objects.filter(user=owner).values_list("email", flat=True)) == [OLD]
    assert not mail.outbox


def test_an_account_made_from_an_invitation_has_its_address_verified(
    cast, django_capture_on_commit_callbacks
):
    organisation = factories.OrganisationFactory()
    factories.MembershipFactory(network=cast.network, organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = network_services.invitation_create(
            network=cast.network,
            organisation=organisation,
            email="invited@example.org",
            full_name="สมศรี มีสุข",
            invited_by=cast.coordinator,
        )
    mail.outbox.clear()
    client = Client()
    accepted = client.post(
        f"/invitations/{token}/",
        {"full_name": "สมศรี มีสุข", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert accepted.status_code == 302
    user = get_user_model().objects.get(email="invited@example.org")
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    ) == [("invited@example.org", True, True)]
    # Nobody is asked to verify it: logging in again just works, and no mail goes out.
    client.post("/accounts/logout/")
    assert (
        client.post(
            "/accounts/login/", {"login": "invited@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert not mail.outbox


def test_an_address_a_site_admin_sets_is_the_verified_one(cast):
    user = factories.UserFactory(email="before@example.org")
    admin = cast.client("site_admin")
    response = admin.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": "after@example.org",
            "full_name": user.full_name,
            "language": "th",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
    ) == [("after@example.org", True, True)]


def test_existing_accounts_get_their_sign_in_address_verified():
    migration = import_module("accounts.migrations.0002_verified_sign_in_addresses")
    User = get_user_model()
    bare = factories.UserFactory(email="bare@example.org")
    synced = factories.UserFactory(email="synced@example.org")
    EmailAddress.objects.create(user=synced, email="synced@example.org", verified=False)
    EmailAddress.objects.create(user=synced, email="old-alias@example.org", verified=True)
    EmailAddress.objects.create(user=synced, email="pending@example.org", verified=False)

    migration.forwards(apps, None)

    def rows(user):
        return set(
            EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
        )

    assert rows(bare) == {("bare@example.org", True, True)}
    assert rows(synced) == {
        ("synced@example.org", True, True),
        ("pending@example.org", False, False),
    }
    assert User.objects.count() == 2
