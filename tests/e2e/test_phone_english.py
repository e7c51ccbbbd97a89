"""The partner's routine on a phone (360×740) in English: switch language, find the task,
post progress with a PDF, submit the period's report; no page scrolls sideways."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from reports import services as report_services
from reports.models import ProgressReport
from tests.e2e.conftest import axe_check, no_sideways_scroll, screenshot
from tests.factories import PASSWORD
from tests.reports.factories import ScheduleFactory
from tests.roadmap.factories import ActivityFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 360


def _pdf() -> bytes:
    """A one-page real PDF (a scanned-sheet stand-in), as phones often upload."""
    sheet = Image.new("RGB", (200, 280), "white")
    for y in range(20, 260, 12):
        for x in range(20, 180):
            sheet.putpixel((x, y), (40, 40, 40))
    out = io.BytesIO()
    sheet.save(out, format="PDF")
    return out.getvalue()


def _check(page, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
    assert no_sideways_scroll(page), name
    bad = axe_check(page, name)
    assert not bad, f"axe found serious/critical violations on {name}: {bad}"
    screenshot(page, name)


def test_partner_updates_and_reports_on_a_phone_in_english(page_factory, cast):
    network = cast.network
    activity = ActivityFactory(
        network=network, owners=[cast.partner_org], title="ค่ายรักการอ่าน (Reading camp)"
    )
    ScheduleFactory(network=network, frequency="monthly", due_day=5)
    # The beat task opens the periods that have started; no person does this.
    assert report_services.periods_open() > 0
    report = (
        ProgressReport.objects.filter(period__network=network, organisation=cast.partner_org)
        .order_by("-period__starts_on")
        .first()
    )

    page = page_factory(width=WIDTH, height=740, locale="en-GB")
    page.goto("/accounts/login/")
    # Thai first, whatever the browser asks for; the partner chooses English.
    assert page.locator("html").get_attribute("lang") == "th"
    page.get_by_role("button", name="เมนู").click()
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    _check(page, "en-phone-1-login")
    page.fill("input[name=login]", cast.partner.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()

    # The collapsed menu leads to what the organisation owes.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="My tasks").click()
    page.wait_for_url("**/my/tasks/")
    _check(page, "en-phone-2-my-tasks")
    page.get_by_role("link", name=activity.title).click()
    page.wait_for_url(f"**/roadmap/activities/{activity.pk}/")
    assert "Progress" in page.inner_text("main")
    _check(page, "en-phone-3-activity")

    page.fill("input[name=percent]", "75")
    page.select_option("select[name=status]", "in_progress")
    page.fill("textarea[name=narrative]", "Second camp held; 52 pupils took part.")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "attendance.pdf", "mimeType": "application/pdf", "buffer": _pdf()}],
    )
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("Your progress update was saved.").wait_for()
    assert "attendance.pdf" in page.inner_text("#progress-panel")
    _check(page, "en-phone-4-progress-saved")
    activity.refresh_from_db()
    assert activity.percent == 75
    assert activity.updates.get().evidence.get().content_type == "application/pdf"

    # The network's Reports tab, then this period's report.
    page.get_by_role("link", name="Reports", exact=True).first.click()
    page.wait_for_url(f"**/networks/{network.slug}/reports/")
    _check(page, "en-phone-5-reports")
    page.locator(f"a[href='/networks/{network.slug}/reports/{report.pk}/']").click()
    page.wait_for_url(f"**/reports/{report.pk}/")
    page.fill("#id_problems", "The bus was late twice.")
    page.fill("#id_help_needed", "A second volunteer reader.")
    page.check("#confirm_submit")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit report").click()
    assert "Report submitted. Thank you." in page.inner_text("main")
    _check(page, "en-phone-6-report-submitted")
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.help_needed == "A second volunteer reader."
