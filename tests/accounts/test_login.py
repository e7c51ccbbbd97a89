from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_login_with_email_and_logout(client):
    user = UserFactory(email="kru@example.org")
    response = client.post("/accounts/login/", {"login": "kru@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/networks/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/networks/").status_code == 302
    assert user.get_username() == "kru@example.org"


@pytest.mark.django_db
def test_wrong_password_gets_a_thai_error(client):
    UserFactory(email="kru@example.org")
    response = client.post("/accounts/login/", {"login": "kru@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "ไม่ถูกต้อง" in response.content.decode()


@pytest.mark.django_db
def test_login_is_rate_limited(client):
    UserFactory(email="kru@example.org")
    statuses = [
        client.post("/accounts/login/", {"login": "kru@example.org", "password": f"bad{i}"})
        for i in range(7)
    ]
    # allauth refuses further attempts for this account after 5 failures.
    assert "ไม่ถูกต้อง" in statuses[0].content.decode()
    assert "หลายครั้งเกินไป" in statuses[-1].content.decode()
    good = client.post("/accounts/login/", {"login": "kru@example.org", "password": PASSWORD})
    assert good.status_code != 302  # even the right password waits out the limit


@pytest.mark.django_db
def test_password_reset_sends_an_email(client):
    UserFactory(email="kru@example.org")
    response = client.post("/accounts/password/reset/", {"email": "kru@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "kru@example.org" in mail.outbox[0].to


@pytest.mark.parametrize("password", ["short1!", "password123", "1234567890123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("ป่าประดู่-network-2569")


@pytest.mark.django_db
def test_open_signup_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()
    client.post(
        "/accounts/signup/",
        {
            "email": "x@example.org",
            "password1": "a-long-pass-2569",
            "password2": "a-long-pass-2569",
        },
    )
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_two_factor_setup_is_available_to_every_user(client):
    client.force_login(UserFactory())
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code in (200, 302)
    assert client.get("/accounts/2fa/").status_code == 200


def test_password_errors_are_in_thai():
    from django.utils import translation

    with translation.override("th"), pytest.raises(ValidationError) as error:
        validate_password("1234567")
    messages = " ".join(error.value.messages)
    assert "รหัสผ่านสั้นเกินไป" in messages
    assert "ตัวเลขทั้งหมด" in messages
