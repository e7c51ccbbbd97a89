"""The sign-in email is changed by its owner on allauth's email page, linked from the
menu under their name (a person's record never changes it: network.person_update)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_menu_links_to_the_sign_in_email_page(cast):
    client = cast.client("partner")
    home = client.get("/networks/").content.decode()
    assert 'href="/accounts/email/"' in home
    assert "อีเมลที่ใช้เข้าสู่ระบบ" in home
    page = client.get("/accounts/email/")
    assert page.status_code == 200
    assert cast.partner.email in page.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(cast):
    response = cast.client("anonymous").get("/accounts/email/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
