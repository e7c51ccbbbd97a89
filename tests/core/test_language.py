from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import UserFactory


@pytest.mark.django_db
def test_login_page_is_thai_by_default_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "th"
    assert 'lang="th"' in response.content.decode()


@pytest.mark.django_db
def test_language_switch_is_remembered_in_a_cookie(client):
    response = client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/accounts/login/")
    assert page.headers["Content-Language"] == "en"
    assert "Sign In" in page.content.decode() or "Log in" in page.content.decode()


@pytest.mark.django_db
def test_language_switch_is_saved_on_the_account(client):
    user = UserFactory(language="th")
    client.force_login(user)
    client.post("/language/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    # A new device with no cookie still gets the saved choice.
    client.cookies.clear()
    client.force_login(user)
    assert client.get("/networks/").headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_language_switch_refuses_foreign_redirects_and_unknown_languages(client):
    response = client.post("/language/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_language_switch_needs_post(client):
    assert client.get("/language/").status_code == 405
