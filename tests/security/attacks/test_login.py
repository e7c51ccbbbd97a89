"""Login attacks (issue 12, items 3, 4 and 5), replayed through the test client.

- The admin's own login page was a second front door: no two-factor step, no throttle.
- The signing step's password check counted its failures in the database cache,
  inside the transaction the failure rolls back: the count never grew.
- Five wrong passwords typed for someone else's email locked that person out, from
  anywhere; behind a proxy everyone shared the proxy's address.
- A logged-in user could make any address their sign-in email without owning it,
  which also blocked that address's owner from accepting their invitation.

Each attacker is the least-privileged person who could try: an anonymous visitor,
or a partner representative of the network. On c866946 every test here fails.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from agreements.models import Party
from network import services as network_services
from network.models import Invitation
from tests import factories
from tests.agreements import factories as agreement_factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOO_MANY = "หลายครั้งเกินไป"  # allauth: "Too many failed login attempts."
PROXY = "10.0.0.2"
OWNER_IP = "203.0.113.5"
ATTACKER_IP = "198.51.100.7"


def _login(client: Client, email: str, password: str, **headers):
    return client.post("/accounts/login/", {"login": email, "password": password}, **headers)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- one front door --------------------------------------------------------------
def test_the_admin_login_page_is_no_second_door(cast):
    """A site admin with two-factor on: the admin page neither asks for the code nor
    throttles, so a stolen password alone opened the admin."""
    admin = cast.site_admin
    TOTP.activate(admin, generate_totp_secret())
    intruder = Client()

    page = intruder.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert "next=%2Fadmin%2F" in page["Location"]

    posted = intruder.post(
        "/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD}
    )
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
    assert not _logged_in(intruder)
    assert intruder.get("/admin/").status_code == 302

    # The app's login asks for the authenticator code before anyone is in.
    through_front = _login(intruder, admin.email, PASSWORD)
    assert through_front.status_code == 302
    assert "/accounts/2fa/authenticate/" in through_front["Location"]
    assert not _logged_in(intruder)
    assert intruder.get("/admin/").status_code == 302


# --- signing guesses -------------------------------------------------------------
def test_signing_guesses_are_counted_although_each_failure_rolls_back(cast):
    """A partner's unlocked session: someone guesses the password at the signing page.

    Each wrong guess raises out of party_sign's transaction; the count must survive
    that rollback (on PostgreSQL the database cache shares the transaction, and in a
    test the whole test is one transaction on every backend)."""
    version = agreement_factories.sent_for(cast)
    url = reverse("agreements:sign", kwargs={"slug": cast.network.slug, "number": version.number})
    party = version.parties.get(signatory__user=cast.partner)
    client = cast.client("partner")

    def attempt(password: str):
        return client.post(
            url,
            {
                "password": password,
                "typed_name": party.signatory.full_name,
                "confirm": "on",
            },
        )

    for guess in range(5):
        response = attempt(f"guess-{guess}")
        assert response.status_code == 422
        assert "รหัสผ่านไม่ถูกต้อง" in response.content.decode()
    # The right password now waits out the limit: the five failures were counted.
    response = attempt(PASSWORD)
    assert response.status_code == 422
    assert "ใส่ข้อมูลผิดหลายครั้งเกินไป" in response.content.decode()
    party.refresh_from_db()
    assert party.status == Party.Status.PENDING
    assert party.signed_at is None


# --- lock-out by someone else ----------------------------------------------------
def test_an_attacker_elsewhere_cannot_lock_the_owner_out(cast):
    owner = cast.partner
    attacker = Client(REMOTE_ADDR=ATTACKER_IP)
    answers = [_login(attacker, owner.email, f"guess-{i}") for i in range(8)]
    assert "ไม่ถูกต้อง" in answers[0].content.decode()
    assert TOO_MANY in answers[-1].content.decode()
    # The attacker is slowed: even the right password waits now, from there.
    assert _login(attacker, owner.email, PASSWORD).status_code == 200
    assert not _logged_in(attacker)

    # The owner, from their own address, logs in as usual.
    at_school = Client(REMOTE_ADDR=OWNER_IP)
    response = _login(at_school, owner.email, PASSWORD)
    assert response.status_code == 302
    assert int(at_school.session["_auth_user_id"]) == owner.pk


def test_users_behind_one_proxy_are_told_apart_by_its_x_forwarded_for(cast, settings):
    """Behind one reverse proxy every request comes from the proxy's address: with
    TRUSTED_PROXY_COUNT=1 the client is the proxy's X-Forwarded-For entry, both for
    the login throttle and for the signing audit trail."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    owner = cast.partner
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER_IP)
    for i in range(7):
        last = _login(attacker, owner.email, f"guess-{i}")
    assert TOO_MANY in last.content.decode()

    owner_client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OWNER_IP)
    assert _login(owner_client, owner.email, PASSWORD).status_code == 302
    assert _logged_in(owner_client)

    # The owner signs; the audit trail names the owner's address, not the proxy's.
    version = agreement_factories.sent_for(cast)
    party = version.parties.get(signatory__user=owner)
    url = reverse("agreements:sign", kwargs={"slug": cast.network.slug, "number": version.number})
    with agreement_factories.after_commit():
        signed = owner_client.post(
            url,
            {"password": PASSWORD, "typed_name": party.signatory.full_name, "confirm": "on"},
        )
    assert signed.status_code == 302
    party.refresh_from_db()
    assert party.status == Party.Status.SIGNED
    assert party.ip == OWNER_IP


def test_a_forged_x_forwarded_for_changes_nothing(cast, settings):
    """With no proxy declared (TRUSTED_PROXY_COUNT=0) the header is the client's own
    words: forging the owner's address neither buys the attacker new attempts nor
    spends the owner's, and the audit trail records the real peer."""
    settings.TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    owner = cast.partner
    attacker = Client(REMOTE_ADDR=ATTACKER_IP)
    for i in range(7):
        # A fresh forged address each time, the owner's among them.
        forged = OWNER_IP if i % 2 else f"192.0.2.{i + 1}"
        last = _login(attacker, owner.email, f"guess-{i}", HTTP_X_FORWARDED_FOR=forged)
    assert TOO_MANY in last.content.decode()
    assert (
        _login(attacker, owner.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code
        == 200
    )
    assert not _logged_in(attacker)

    owner_client = Client(REMOTE_ADDR=OWNER_IP)
    assert _login(owner_client, owner.email, PASSWORD).status_code == 302

    version = agreement_factories.sent_for(cast)
    party = version.parties.get(signatory__user=owner)
    url = reverse("agreements:sign", kwargs={"slug": cast.network.slug, "number": version.number})
    with agreement_factories.after_commit():
        owner_client.post(
            url,
            {"password": PASSWORD, "typed_name": party.signatory.full_name, "confirm": "on"},
            HTTP_X_FORWARDED_FOR="192.0.2.99",
        )
    party.refresh_from_db()
    assert party.status == Party.Status.SIGNED
    assert party.ip == OWNER_IP


# --- sign-in email not owned -----------------------------------------------------
def test_a_sign_in_email_the_user_does_not_own_is_never_used(
    cast, django_capture_on_commit_callbacks
):
    """A partner tries to take over an address that is about to be invited."""
    victim_email = "new-teacher@example.org"
    organisation = factories.OrganisationFactory(name_th="โรงเรียนบ้านใหม่")
    factories.MembershipFactory(network=cast.network, organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = network_services.invitation_create(
            network=cast.network,
            organisation=organisation,
            email=victim_email,
            full_name="สมศรี มีสุข",
            invited_by=cast.coordinator,
        )
    mail.outbox.clear()

    attacker = cast.partner
    own_email = attacker.email
    client = Client()
    assert _login(client, own_email, PASSWORD).status_code == 302

    added = client.post("/accounts/email/", {"action_add": "", "email": victim_email})
    assert added.status_code == 302
    if added["Location"].startswith("/accounts/reauthenticate/"):
        # The password again (tests/accounts checks that it is asked); the attacker
        # has it: it is their own account. Then the change asked for is carried out.
        assert client.post(added["Location"], {"password": PASSWORD}).status_code == 302
    # The address's owner is asked, not the attacker.
    assert [m.to for m in mail.outbox] == [[victim_email]]
    # Making it the sign-in email directly, or dropping the current one, is refused.
    refused = client.post(
        "/accounts/email/", {"action_primary": "", "email": victim_email}, follow=True
    )
    attacker.refresh_from_db()
    assert attacker.email == own_email
    assert "เปิดลิงก์ที่เราส่งไปยังอีเมลนั้น" in refused.content.decode()
    client.post("/accounts/email/", {"action_remove": "", "email": own_email})
    attacker.refresh_from_db()
    assert attacker.email == own_email
    # The unproved address logs nobody in, not even with the attacker's password.
    assert _login(Client(), victim_email, PASSWORD).status_code == 200
    assert _login(Client(), own_email, PASSWORD).status_code == 302

    # The address's real owner accepts the invitation as if nothing happened.
    newcomer = Client()
    accepted = newcomer.post(
        f"/invitations/{token}/",
        {"full_name": "สมศรี มีสุข", "password1": "ป่าประดู่-2569-ครู", "password2": "ป่าประดู่-2569-ครู"},
    )
    assert accepted.status_code == 302
    owner = get_user_model().objects.get(email=victim_email)
    assert Invitation.objects.get(email=victim_email).accepted_by == owner
    assert _login(Client(), victim_email, "ป่าประดู่-2569-ครู").status_code == 302
