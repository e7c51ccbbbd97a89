"""core.sessions: Django's database sessions, read with SQL compiled once per process.
Logging out, an expired row and a deleted row end the session at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_engine_is_in_use():
    assert settings.SESSION_ENGINE == "core.sessions"


def test_reads_what_djangos_engine_wrote_and_one_query():
    django_store = DjangoStore()
    django_store["a"] = "ภาษาไทย"
    django_store.create()
    ours = SessionStore(django_store.session_key)
    with CaptureQueriesContext(connection) as ctx:
        assert ours["a"] == "ภาษาไทย"
    assert len(ctx.captured_queries) == 1
    assert ours.session_key == django_store.session_key


def test_expired_or_missing_rows_load_nothing():
    store = DjangoStore()
    store["a"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert "a" not in expired
    assert expired.session_key is None
    assert "a" not in SessionStore("x" * 32)


def _logged_in_client():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    return client


def _signed_in(client) -> bool:
    return client.get("/my/tasks/").status_code == 200


def test_logout_and_a_deleted_row_end_the_session_at_once():
    client = _logged_in_client()
    assert _signed_in(client)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=cookie).exists()
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not _signed_in(stolen)

    other = _logged_in_client()
    assert _signed_in(other)
    Session.objects.all().delete()  # clearsessions, a restore, SQL by hand
    assert not _signed_in(other)


def test_a_password_change_elsewhere_ends_the_session():
    client = _logged_in_client()
    assert _signed_in(client)
    account = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    account.set_password("a-new-password-for-this-test")
    account.save()
    assert not _signed_in(client)
