"""Hostile input on the account forms this round touched (the login with its
throttles, the sign-in email page, the password check before a change): never a 500,
never a changed account. The permission matrix's fuzz covers our apps' URLs only."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_fuzz_forms import hostile_text

pytestmark = pytest.mark.django_db

PASSWORD = "ป่าประดู่-network-2569"
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def owner():
    return get_user_model().objects.create_user(email="kru@example.org", password=PASSWORD)


def _rows(user) -> list:
    return list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def test_the_login_form_and_its_throttle_keys_survive_hostile_input(owner):
    @FUZZ
    @given(
        login=hostile_text,
        password=hostile_text,
        forwarded=hostile_text,
        remote=st.sampled_from(["203.0.113.5", "2001:db8::1", "::ffff:198.51.100.7"]),
    )
    def post(login, password, forwarded, remote):
        client = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded.replace("\x00", ""))
        response = client.post("/accounts/login/", {"login": login, "password": password})
        assert response.status_code < 500
        assert "_auth_user_id" not in client.session

    post()


def test_the_sign_in_email_page_survives_hostile_input(owner):
    client = Client()
    client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})
    before = _rows(owner)

    @FUZZ
    @given(
        action=st.sampled_from(["action_add", "action_primary", "action_remove", "action_send"]),
        email=hostile_text,
    )
    def post(action, email):
        response = client.post("/accounts/email/", {action: "", "email": email})
        assert response.status_code < 500
        owner.refresh_from_db()
        assert owner.email == "kru@example.org"
        assert _rows(owner) == before

    post()


def test_the_password_check_before_a_change_survives_hostile_input(owner):
    client = Client()
    client.post("/accounts/login/", {"login": owner.email, "password": PASSWORD})

    @FUZZ
    @given(password=hostile_text)
    def post(password):
        response = client.post("/accounts/reauthenticate/", {"password": password})
        assert response.status_code < 500

    post()
