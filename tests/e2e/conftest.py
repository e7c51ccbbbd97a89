"""Real-browser journeys: Playwright driving Debian's Chromium against a live server.

Playwright's own browser download cannot work on these machines, so the tests use
/usr/bin/chromium and skip (with a reason) when it is missing. Screenshots and axe
results are written to test-artifacts/e2e/ and summarised in the test output.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; the ORM calls the test
# itself makes are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_axe_results: list[tuple[str, int, list[str]]] = []
_shots: list[str] = []


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make e2e-deps installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser, live_server):
    contexts = []

    def make(*, width: int = 1280, height: int = 900, locale: str = "th-TH"):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            accept_downloads=True,
            base_url=live_server.url,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    _shots.append(str(path.relative_to(ROOT)))
    return path


def axe_check(page, name: str) -> list[dict]:
    """Run axe-core in the page; return the serious and critical violations."""
    # evaluate() goes through the DevTools protocol, so our strict CSP (rightly)
    # does not have to allow an inline script for the test.
    page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    (ARTIFACTS / f"{name}.axe.json").write_text(
        json.dumps(result["violations"], ensure_ascii=False, indent=1)
    )
    _axe_results.append((name, len(result["violations"]), [v["id"] for v in bad]))
    return bad


def pytest_terminal_summary(terminalreporter):
    if not (_axe_results or _shots):
        return
    terminalreporter.section("browser journeys: axe-core and screenshots")
    for name, total, bad in _axe_results:
        verdict = "no serious/critical" if not bad else f"SERIOUS/CRITICAL: {', '.join(bad)}"
        terminalreporter.write_line(f"axe {name}: {total} violations in all, {verdict}")
    for shot in _shots:
        terminalreporter.write_line(f"screenshot {shot}")
