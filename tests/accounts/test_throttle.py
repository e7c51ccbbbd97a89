"""Login throttles that slow guessing without handing strangers a lock (settings:
ACCOUNT_RATE_LIMITS; accounts.adapter), and core.throttle's counters."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from core import throttle

pytestmark = pytest.mark.django_db

PASSWORD = "ป่าประดู่-network-2569"
NEW_PASSWORD = "ดอยสุเทพ-network-2570"
TOO_MANY = "หลายครั้งเกินไป"
HOME = "203.0.113.5"
TRAVELLING = "203.0.113.99"


@pytest.fixture
def owner():
    # As accounts are really made (an invitation, the demo): with its verified address.
    return get_user_model().objects.create_user(email="kru.somsri@example.org", password=PASSWORD)


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_guessing_spread_over_many_addresses_meets_the_account_ceiling(owner):
    # The owner has logged in from school before.
    school = Client(REMOTE_ADDR=HOME)
    assert _login(school, owner.email, PASSWORD).status_code == 302
    school.post("/accounts/logout/")

    # Seven addresses, five guesses each: 35 > the ceiling of 30 an hour.
    answers = []
    for n in range(7):
        botnet = Client(REMOTE_ADDR=f"198.51.100.{n + 10}")
        answers += [_login(botnet, owner.email, f"guess-{n}-{i}") for i in range(5)]
    refused = [TOO_MANY in a.content.decode() for a in answers]
    assert refused[:30] == [False] * 30
    assert all(refused[30:])

    # From the address the account knows, the owner still gets in.
    assert _login(school, owner.email, PASSWORD).status_code == 302
    # From somewhere new the ceiling holds, even for the right password...
    away = Client(REMOTE_ADDR=TRAVELLING)
    assert TOO_MANY in _login(away, owner.email, PASSWORD).content.decode()
    # ...until the password-reset link, which proves the mailbox, lifts it.
    away.post("/accounts/password/reset/", {"email": owner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    form = away.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = away.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    away.post("/accounts/logout/")
    assert _login(away, owner.email, NEW_PASSWORD).status_code == 302


def test_a_shared_school_address_keeps_each_account_apart(owner):
    """Everyone at one school shares an address: a colleague's (or a pupil's) wrong
    guesses for one account leave the other accounts of that address alone."""
    colleague = get_user_model().objects.create_user(
        email="kru.somchai@example.org", password=PASSWORD
    )
    school = Client(REMOTE_ADDR=HOME)
    for i in range(6):
        last = _login(school, owner.email, f"guess-{i}")
    assert TOO_MANY in last.content.decode()
    assert _login(Client(REMOTE_ADDR=HOME), colleague.email, PASSWORD).status_code == 302


def test_a_good_login_does_not_count_as_a_failure(owner):
    client = Client(REMOTE_ADDR=HOME)
    for _ in range(8):
        assert _login(client, owner.email, PASSWORD).status_code == 302
        client.post("/accounts/logout/")


# --- core.throttle ---------------------------------------------------------------
def test_counters_count_expire_with_their_window_and_clear(owner):
    key = throttle.user_key("tests:counter", owner)
    assert not throttle.exceeded(key, allowed=2)
    assert throttle.record(key, window=60) == 1
    assert throttle.record(key, window=60) == 2
    assert throttle.exceeded(key, allowed=2)
    throttle.clear(key)
    assert not throttle.exceeded(key, allowed=2)


def test_a_new_password_starts_a_new_count(owner):
    before = throttle.user_key("tests:counter", owner)
    owner.set_password(NEW_PASSWORD)
    assert throttle.user_key("tests:counter", owner) != before


def test_counters_keep_counting_in_memory_while_the_store_is_down(owner, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        throttle.ALIAS: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: every call fails fast.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    key = throttle.user_key("tests:store-down", owner)
    for _ in range(3):
        throttle.record(key, window=60)
    assert throttle.exceeded(key, allowed=3)
    assert "throttle store unavailable" in caplog.text
    throttle.clear(key)
    assert not throttle.exceeded(key, allowed=3)
