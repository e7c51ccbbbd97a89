"""The partner's phone journey in a real browser: inline progress with htmx, and a
version conflict swapped in with the typed text intact."""

from __future__ import annotations

import pytest

from roadmap import services
from tests.e2e import conftest as e2e
from tests.e2e.conftest import axe_check, screenshot
from tests.factories import PASSWORD

from .factories import ActivityFactory

# The browser fixtures live in tests/e2e/conftest.py; make them visible here.
browser = e2e.browser
page_factory = e2e.page_factory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/")


def test_partner_updates_progress_inline_on_a_phone(page_factory, cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org], title="ค่ายรักการอ่าน")
    page = page_factory(width=360, height=740)
    _login(page, cast.partner)
    url = f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/"
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not axe_check(page, "roadmap-activity-phone")
    # The blocked-reason box stays out of the way until "blocked" is chosen.
    assert not page.locator("textarea[name=blocked_reason]").is_visible()
    page.fill("input[name=percent]", "40")
    page.fill("textarea[name=narrative]", "อบรมครูรุ่นแรกแล้ว")
    page.get_by_role("button", name="บันทึกรายงาน").click()
    page.get_by_text("บันทึกรายงานความก้าวหน้าของคุณแล้ว").wait_for()
    assert page.url.endswith(url)  # swapped in place, no page load
    screenshot(page, "roadmap-progress-saved-phone")
    activity.refresh_from_db()
    assert activity.percent == 40

    # Someone else saves meanwhile; this page still holds the older version.
    services.progress_record(
        activity=activity,
        author=cast.coordinator,
        organisation=None,
        based_on_version=activity.version,
        percent=60,
        status="in_progress",
        narrative="ผู้ประสานงานบันทึกก่อน",
    )
    page.fill("textarea[name=narrative]", "ข้อความที่ภาคีพิมพ์ไว้")
    page.get_by_role("button", name="บันทึกรายงาน").click()
    page.get_by_text("ผู้ประสานงานบันทึกก่อน").first.wait_for()
    assert page.input_value("textarea[name=narrative]") == "ข้อความที่ภาคีพิมพ์ไว้"
    screenshot(page, "roadmap-progress-conflict-phone")
    activity.refresh_from_db()
    assert activity.percent == 60


def test_roadmap_overview_is_accessible_on_a_phone(page_factory, cast):
    ActivityFactory(network=cast.network, owners=[cast.partner_org])
    page = page_factory(width=360, height=740)
    _login(page, cast.coordinator)
    page.goto(f"/networks/{cast.network.slug}/roadmap/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not axe_check(page, "roadmap-overview-phone")
    screenshot(page, "roadmap-overview-phone")
