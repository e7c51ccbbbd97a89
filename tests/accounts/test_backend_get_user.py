"""accounts.backends.AuthenticationBackend.get_user: ModelBackend's answer, one query.

allauth's login stores this backend in the session, so its get_user is the user read
of every logged-in request (compiled once per process: core.compiled)."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.backends import AuthenticationBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BACKEND = "accounts.backends.AuthenticationBackend"


def test_the_same_user_as_model_backend_in_one_query():
    users = [UserFactory(), UserFactory(), UserFactory(is_active=False)]
    ours, django_s = AuthenticationBackend(), ModelBackend()
    for user in users:
        for given in (user.pk, str(user.pk)):  # the session stores the id as text
            with CaptureQueriesContext(connection) as queries:
                got = ours.get_user(given)
            assert len(queries.captured_queries) == 1
            want = django_s.get_user(given)
            assert got == want
            if want is not None:
                assert got.email == want.email
                assert got.is_active
    assert ours.get_user(users[2].pk) is None  # inactive: no one
    for missing in (10**9, "not-a-number", None):
        assert ours.get_user(missing) is None


def test_a_session_of_this_backend_logs_in_until_deactivated_or_password_changed():
    user = UserFactory()
    client = Client()
    client.force_login(user, backend=BACKEND)
    assert client.get("/my/tasks/").status_code == 200
    user.set_password("a-new-password-for-this-test")
    user.save()
    assert client.get("/my/tasks/").status_code == 302  # the session hash no longer matches
    client.force_login(user, backend=BACKEND)
    assert client.get("/my/tasks/").status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/my/tasks/").status_code == 302
