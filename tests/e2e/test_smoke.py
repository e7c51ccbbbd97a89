from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_check, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_in_thai_then_my_networks(page_factory, cast):
    page = page_factory(width=360, height=740)
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert not axe_check(page, "login-th-phone")
    screenshot(page, "login-th-phone")
    page.fill("input[name=login]", cast.coordinator.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url("**/networks/")
    assert cast.network.name_th in page.content()
    assert not axe_check(page, "my-networks-th-phone")
