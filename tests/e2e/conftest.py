"""Real-browser journeys: Playwright driving Debian's Chromium against a live server.

Playwright's own browser download cannot work on these machines, so the tests use
/usr/bin/chromium and skip (with a reason) when it is missing. Screenshots and axe
results are written to test-artifacts/e2e/ and summarised in the test output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in this thread; the ORM calls the test
# itself makes are still synchronous and safe. The override is set only while a
# browser is open, so subprocesses other tests start (``check --deploy``) never see it.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

_axe_results: list[tuple[str, int, list[str]]] = []
_shots: list[str] = []


# One Playwright and one Chromium per test session. Other apps' browser tests import
# the ``browser`` fixture into their own modules, which makes pytest register it once
# more; a second ``sync_playwright()`` in the same thread refuses to start (it sees
# the first one's event loop), so every registration shares this one, refcounted.
_shared: dict = {"users": 0, "playwright": None, "browser": None}


def _browser_open():
    from playwright.sync_api import sync_playwright

    if _shared["browser"] is None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        _shared["async_unsafe"] = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"
        manager = sync_playwright()
        playwright = manager.start()
        _shared["manager"] = manager
        _shared["playwright"] = playwright
        _shared["browser"] = playwright.chromium.launch(
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
    _shared["users"] += 1
    return _shared["browser"]


def _browser_release() -> None:
    _shared["users"] -= 1
    if _shared["users"] == 0 and _shared["browser"] is not None:
        _shared["browser"].close()
        _shared["playwright"].stop()
        _shared["browser"] = _shared["playwright"] = None
        if _shared.get("async_unsafe") is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = _shared["async_unsafe"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make e2e-deps installs it)")
    yield _browser_open()
    _browser_release()


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
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    (ARTIFACTS / f"{name}.axe.json").write_text(
        json.dumps(result["violations"], ensure_ascii=False, indent=1)
    )
    _axe_results.append((name, len(result["violations"]), [v["id"] for v in bad]))
    return bad


def login(page, email: str, password: str) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def logout(page) -> None:
    page.context.clear_cookies()


def mailed_path(messages, *, to: str, contains: str) -> str:
    """The path of the first link in the newest email to ``to`` whose link contains ``contains``.

    Emails carry SITE_URL (the production host); the browser follows the same path
    on the live test server instead.
    """
    for message in reversed(messages):
        if to not in message.to:
            continue
        for url in re.findall(r"https?://[^\s\"'<>]+", message.body):
            if contains in url:
                return urlsplit(url).path
    raise AssertionError(f"no email to {to} with a link containing {contains!r}")


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def pdf_text(data: bytes) -> str:
    """The text pdftotext reads from a PDF, whitespace collapsed (Thai lines may wrap)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed (make e2e-deps installs poppler-utils)")
    assert data[:5] == b"%PDF-", "not a PDF"
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(out.split())


def pytest_terminal_summary(terminalreporter):
    if not (_axe_results or _shots):
        return
    terminalreporter.section("browser journeys: axe-core and screenshots")
    for name, total, bad in _axe_results:
        verdict = "no serious/critical" if not bad else f"SERIOUS/CRITICAL: {', '.join(bad)}"
        terminalreporter.write_line(f"axe {name}: {total} violations in all, {verdict}")
    for shot in _shots:
        terminalreporter.write_line(f"screenshot {shot}")
