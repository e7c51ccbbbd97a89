"""The partner's phone journey in a real browser: inline progress with htmx, and a
version conflict swapped in with the typed text intact.

tests/e2e keeps one Playwright session open for the whole run, and Playwright's
sync API refuses a second one in the same thread. So the browser side of each
journey runs in its own thread, as a generator: at each ``yield`` it hands control
back to the test, which checks or changes the database, then resumes it.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from roadmap import services
from roadmap.models import Activity
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, axe_check, screenshot
from tests.factories import PASSWORD

from .factories import ActivityFactory, EvidenceFactory, HealthRoundFactory, WinFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class Journey:
    """Drive ``journey(page)`` (a generator) in a browser thread, step by step."""

    def __init__(self, base_url: str, journey, *, width: int = 360, height: int = 740):
        # Its own browser, so the e2e session may not have made the artifacts folder.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self._to_browser: queue.Queue = queue.Queue()
        self._to_test: queue.Queue = queue.Queue()
        self._thread = threading.Thread(
            target=self._run, args=(base_url, journey, width, height), daemon=True
        )
        self._thread.start()

    def _run(self, base_url, journey, width, height) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="th-TH", base_url=base_url
                )
                context.set_default_timeout(15_000)
                for value in journey(context.new_page()):
                    self._to_test.put(("step", value))
                    self._to_browser.get()
                browser.close()
            self._to_test.put(("done", None))
        except BaseException as exc:  # noqa: BLE001 - any failure goes to the test thread
            self._to_test.put(("error", exc))

    def next(self):
        """Wait for the next checkpoint; None when the journey has finished."""
        kind, value = self._to_test.get(timeout=120)
        if kind == "error":
            raise value
        return value if kind == "step" else None

    def resume(self) -> None:
        self._to_browser.put(True)

    def finish(self) -> None:
        self.resume()
        assert self.next() is None
        self._thread.join(timeout=30)


@pytest.fixture
def journey(live_server):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make e2e-deps installs it)")
    return lambda fn: Journey(live_server.url, fn)


def _login(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/")


def test_partner_updates_progress_inline_on_a_phone(journey, cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org], title="ค่ายรักการอ่าน")
    url = f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/"

    def steps(page):
        _login(page, cast.partner)
        page.goto(url)
        yield {
            "width": page.evaluate("document.documentElement.scrollWidth"),
            "axe": axe_check(page, "roadmap-activity-phone"),
            # the blocked-reason box stays out of the way until "blocked" is chosen
            "reason_visible": page.locator("textarea[name=blocked_reason]").is_visible(),
        }
        page.fill("input[name=percent]", "40")
        page.fill("textarea[name=narrative]", "อบรมครูรุ่นแรกแล้ว")
        page.get_by_role("button", name="บันทึกรายงาน").click()
        page.get_by_text("บันทึกรายงานความก้าวหน้าของคุณแล้ว").wait_for()
        screenshot(page, "roadmap-progress-saved-phone")
        yield page.url
        # The test saved another update meanwhile; this page still holds the old version.
        page.fill("textarea[name=narrative]", "ข้อความที่ภาคีพิมพ์ไว้")
        page.get_by_role("button", name="บันทึกรายงาน").click()
        page.get_by_text("ผู้ประสานงานบันทึกก่อน").first.wait_for()
        screenshot(page, "roadmap-progress-conflict-phone")
        yield page.input_value("textarea[name=narrative]")

    run = journey(steps)
    first = run.next()
    assert first["width"] <= 360
    assert not first["axe"]
    assert not first["reason_visible"]
    run.resume()
    assert run.next().endswith(url)  # swapped in place, no page load
    activity.refresh_from_db()
    assert activity.percent == 40
    services.progress_record(
        activity=activity,
        author=cast.coordinator,
        organisation=None,
        based_on_version=activity.version,
        percent=60,
        status="in_progress",
        narrative="ผู้ประสานงานบันทึกก่อน",
    )
    run.resume()
    assert run.next() == "ข้อความที่ภาคีพิมพ์ไว้"  # the typed text survived the conflict
    run.finish()
    activity.refresh_from_db()
    assert activity.percent == 60


def test_roadmap_pages_are_accessible_on_a_phone(journey, cast):
    ActivityFactory(network=cast.network, owners=[cast.partner_org])
    win = WinFactory(network=cast.network, recorded_by=cast.partner)
    round_ = HealthRoundFactory(network=cast.network)

    def steps(page):
        _login(page, cast.coordinator)
        results = {}
        for name, path in [
            ("overview", "/"),
            ("obstacles", "obstacles/"),
            ("health", "health/"),
            ("wins", "wins/"),
            ("win-delete", f"wins/{win.pk}/delete/"),
            ("health-round-delete", f"health/rounds/{round_.pk}/delete/"),
        ]:
            page.goto(f"/networks/{cast.network.slug}/roadmap/{path.lstrip('/')}")
            results[name] = (
                page.evaluate("document.documentElement.scrollWidth"),
                axe_check(page, f"roadmap-{name}-phone"),
            )
            screenshot(page, f"roadmap-{name}-phone")
        yield results

    run = journey(steps)
    for name, (width, serious) in run.next().items():
        assert width <= 360, name
        assert not serious, (name, serious)
    run.finish()


def test_coordinator_deletes_an_activity_on_a_phone(journey, cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    evidence = EvidenceFactory(update__activity=activity, update__author=cast.partner)
    name = evidence.file.name

    def steps(page):
        _login(page, cast.coordinator)
        page.goto(f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/")
        page.get_by_role("link", name="ลบ", exact=True).click()
        page.get_by_text("ไฟล์หลักฐาน 1 ไฟล์").wait_for()
        screenshot(page, "roadmap-activity-delete-phone")
        yield (
            page.evaluate("document.documentElement.scrollWidth"),
            axe_check(page, "roadmap-activity-delete-phone"),
        )
        page.get_by_role("button", name="ลบกิจกรรม").click()
        page.get_by_text("ลบกิจกรรม “").wait_for()
        yield page.url

    run = journey(steps)
    width, serious = run.next()
    assert width <= 360
    assert not serious, serious
    assert Activity.objects.filter(pk=activity.pk).exists()  # the confirmation deleted nothing
    run.resume()
    assert run.next().endswith(f"/roadmap/steps/{activity.step.number}/")
    run.finish()
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not default_storage.exists(name)  # removed once the deletion committed
