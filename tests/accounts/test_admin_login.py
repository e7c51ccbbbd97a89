"""The admin has no login page of its own: staff come in through the app's login (two
factors and throttles included) and are sent on to the admin."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_staff_log_in_through_the_app_and_land_in_the_admin(cast):
    client = Client()
    door = client.get("/admin/", follow=True)
    assert door.redirect_chain[-1][0].startswith("/accounts/login/")
    assert door.status_code == 200
    assert "เข้าสู่ระบบ" in door.content.decode()
    login = client.post(
        door.redirect_chain[-1][0],
        {"login": cast.site_admin.email, "password": PASSWORD},
        follow=True,
    )
    assert login.redirect_chain[-1][0] in ("/admin/", "/admin/login/?next=/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_logged_in_user_who_is_not_staff_is_refused(cast):
    client = cast.client("partner")
    assert client.get("/admin/login/").status_code == 403
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 403
