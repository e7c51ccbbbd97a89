"""The end of a term in a real browser, in Thai: the coordinator changes how often
partners report (quarterly → monthly) through its preview, then dissolves the network
and downloads the sealed close-out report.

Setup no person does through these pages is done with services: the signed
agreement is not needed here, and the schedule confirmed a while ago is confirmed
through the service with the real date (the pages use today's date). Celery runs
eagerly, so the close-out is built and sealed inside the request that dissolves.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.dates import format_input
from reports import services
from reports.models import ReportingPeriod, ReportingSchedule
from tests.core.pdf_helpers import signing_dir  # noqa: F401
from tests.e2e.conftest import axe_check, login, pdf_text, screenshot
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_dir"),
]

REASON = "ครบวาระตามบันทึกข้อตกลง ส่งต่องานให้สำนักงานเขตพื้นที่การศึกษา"


def _accessible(page, name: str) -> None:
    bad = axe_check(page, name)
    assert not bad, f"axe found serious/critical violations on {name}: {bad}"


def _no_errors(page) -> None:
    problems = page.locator(".alert-danger, .invalid-feedback, .is-invalid, .errorlist")
    assert problems.count() == 0, page.inner_text("main")[:2000]


def test_schedule_change_preview_then_dissolution_and_close_out(page_factory, cast):
    network = cast.network
    slug = network.slug
    today = timezone.localdate()
    # A quarterly schedule confirmed at the start of the term, some months ago.
    first = today.replace(day=1) - dt.timedelta(days=120)
    services.schedule_submit(
        network=network,
        values={"frequency": "quarterly", "starts_on": first.replace(day=1), "due_day": 7},
        raw={},
        user=cast.coordinator,
        today=today,
    )
    quarters = set(
        ReportingPeriod.objects.filter(network=network, starts_on__gt=today).values_list(
            "name_th", flat=True
        )
    )
    assert quarters
    assert all(name.startswith("ไตรมาส") for name in quarters)

    desk = page_factory(width=1280, height=900)
    login(desk, cast.coordinator.email, PASSWORD)

    # --- 1. quarterly → monthly: the form leads to the preview, nothing changes yet ---
    desk.goto(f"/networks/{slug}/reports/schedule/")
    desk.select_option("#id_frequency", "monthly")
    with desk.expect_navigation():
        desk.locator("main form:has(#id_frequency) [type=submit]").first.click()
    assert desk.url.endswith(f"/networks/{slug}/reports/schedule/preview/")
    main = desk.inner_text("main")
    assert "ตรวจสอบ" in desk.inner_text("h1")
    replaced = int(desk.inner_text("[data-figure=replaced]"))
    created = int(desk.inner_text("[data-figure=created]"))
    assert replaced == len(quarters)
    assert created > replaced
    # The preview names what goes and what comes, by the periods' own names.
    for name in quarters:
        assert name in main, name
    assert ReportingSchedule.objects.get(network=network).frequency == "quarterly"
    _accessible(desk, "th-term-schedule-preview")
    screenshot(desk, "th-term-1-schedule-preview")

    # --- 2. confirm: the periods list shows the new monthly periods by name ---
    with desk.expect_navigation():
        desk.get_by_role("button", name="ยืนยันการเปลี่ยนแปลง").click()
    _no_errors(desk)
    assert ReportingSchedule.objects.get(network=network).frequency == "monthly"
    months = list(
        ReportingPeriod.objects.filter(network=network, starts_on__gt=today)
        .order_by("starts_on")
        .values_list("name_th", flat=True)
    )
    assert len(months) == created
    assert not any(n.startswith("ไตรมาส") for n in months)
    desk.goto(f"/networks/{slug}/reports/schedule/")
    listed = desk.inner_text("main")
    for name in months[:6]:
        assert name in listed, name
    for name in quarters:
        assert name not in listed, name
    screenshot(desk, "th-term-2-periods-monthly")

    # --- 3. dissolve the network: reason and date ---
    mail.outbox.clear()
    desk.goto(f"/networks/{slug}/dissolve/")
    desk.fill("#id_reason", REASON)
    desk.fill("#id_dissolved_on", format_input(today))
    desk.check("#id_confirm")
    with desk.expect_navigation():
        desk.locator("main form[method=post] [type=submit]").first.click()
    _no_errors(desk)
    network.refresh_from_db()
    assert network.is_dissolved

    # --- 4. the close-out page shows the report; its PDF downloads ---
    desk.goto(f"/networks/{slug}/close-out/")
    assert desk.locator("#closeout-pending").count() == 0, desk.inner_text("main")
    assert REASON in desk.inner_text("main")
    _accessible(desk, "th-term-closeout")
    screenshot(desk, "th-term-3-closeout")
    # The link opens the PDF in the browser; ?download=1 (as the agreement's link is
    # fetched in test_journeys) asks for it as a file.
    href = desk.get_by_role("link", name="รายงานปิดเครือข่าย (PDF ภาษาไทย)").get_attribute("href")
    response = desk.request.get(f"{href}?download=1")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    data = response.body()
    assert data[:5] == b"%PDF-"
    text = pdf_text(data)
    assert "".join(network.name_th.split()) in "".join(text.split())
    # Every member was told once.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.coordinator.email, cast.chair.email, cast.partner.email]
    )
