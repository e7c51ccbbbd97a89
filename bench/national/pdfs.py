"""The national benchmark's PDFs: WeasyPrint next to Chromium printing the same HTML."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


# --- PDFs: WeasyPrint next to Chromium -----------------------------------------------------
@contextlib.contextmanager
def _capture_html(sink: list[str]):
    """Record the HTML every render_pdf call receives (the template's output)."""
    from unittest import mock

    from core.pdf import render as render_module

    original = render_module.render_pdf

    def recording(html: str, **kwargs):
        sink.append(html)
        return original(html, **kwargs)

    with mock.patch.object(render_module, "render_pdf", recording):
        yield


def _best(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def _pages(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def _chromium() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


def _chromium_source(html: str, workdir: Path, name: str) -> Path:
    """The HTML as Chromium gets it: the same Sarabun @font-face rules WeasyPrint is
    given (file:// URLs into static/fonts) added to the head; nothing else changes."""
    from core.pdf.render import font_faces_css

    page = re.sub(
        r"</head>", f"<style>{font_faces_css()}</style></head>", html, count=1, flags=re.I
    )
    source = workdir / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    return source


def chromium_pdf(html: str, workdir: Path, name: str) -> tuple[float, int]:
    """Best of 3 wall-clock seconds for `chromium --print-to-pdf` of the same HTML, and pages.

    The HTML gets the same Sarabun @font-face rules WeasyPrint is given; nothing else
    changes. Chromium may not reach the network.
    """
    source = _chromium_source(html, workdir, name)
    target = workdir / f"{name}.pdf"
    profile = workdir / "profile"

    def run() -> bytes:
        target.unlink(missing_ok=True)
        subprocess.run(  # noqa: S603 — our own argv
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return target.read_bytes()

    run()  # first start writes the profile
    seconds, pdf = _best(run)
    return seconds, _pages(pdf)


def chromium_warm(html: dict[str, str], workdir: Path) -> dict[str, tuple[float, int]]:
    """Best of 3 seconds for a WARM Chromium to print each HTML, and its pages.

    One headless Chromium (Playwright driving /usr/bin/chromium), started once; one
    page (tab) per document, opened once and printed once before the clock starts. Each
    timed round loads the document's HTML afresh (navigation, parse, style, layout, the
    Sarabun @font-face files) and prints it with page.pdf() (A4 and margins from the
    document's @page rule, backgrounds on, as WeasyPrint draws them): the browser
    equivalent of one render_pdf call. Chromium may not reach the network. None when
    Playwright or Chromium is missing.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a dev dependency
        return {}
    sources = {name: _chromium_source(text, workdir, f"warm-{name}") for name, text in html.items()}
    results: dict[str, tuple[float, int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(),
            args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"],
        )
        try:
            for name, source in sources.items():
                page = browser.new_page()

                def render(page=page, source=source) -> bytes:
                    page.goto(source.as_uri(), wait_until="load")
                    page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
                    return page.pdf(prefer_css_page_size=True, print_background=True)

                render()  # warm: the tab, the font files, the print path
                seconds, pdf = _best(render)
                results[name] = (seconds, _pages(pdf))
                page.close()
        finally:
            browser.close()
    return results


def _render_only(html: str) -> float:
    """Best of 3 seconds for render_pdf alone (no queries, no template) of the HTML."""
    from core.pdf.render import render_pdf

    render_pdf(html)
    return _best(lambda: render_pdf(html))[0]


def _warm_rows(html: dict[str, str], weasy: dict[str, float], workdir: Path) -> list[dict]:
    """Rows for the warm Chromium and WeasyPrint's ratio to it, per document."""
    warm = chromium_warm(html, workdir)
    if not warm:
        return [{"what": "Chromium warm", "figure": "skipped", "unit": "", "note": "no Playwright"}]
    rows = []
    for name, (seconds, pages) in warm.items():
        rows.append(
            {
                "what": f"{name} PDF (th), Chromium warm",
                "figure": round(seconds * 1000, 1),
                "unit": "ms",
                "note": f"best of 3, same HTML, one browser started once: load + page.pdf(); "
                f"{pages} pages",
            }
        )
    for name, (seconds, _pages_count) in warm.items():
        render_only = _render_only(html[name])
        rows.append(
            {
                "what": f"{name} PDF, WeasyPrint / Chromium warm",
                "figure": round(weasy[name] / seconds, 2),
                "unit": "×",
                "note": f"WeasyPrint {weasy[name] * 1000:.0f} ms (template + render) against "
                f"{seconds * 1000:.0f} ms; render_pdf alone of the same HTML "
                f"{render_only * 1000:.0f} ms = {render_only / seconds:.2f}×",
            }
        )
    return rows


def pdfs(network_slug: str) -> list[dict]:
    from django.db import transaction

    from agreements import services as agreement_services
    from core import sealing
    from network.models import Network
    from reports import services as report_services
    from reports.models import ReportingPeriod

    rows: list[dict] = []
    html: dict[str, str] = {}
    weasy: dict[str, float] = {}
    with transaction.atomic():
        from bench.bench_agreements import PARTIES, _signed_version

        version, _admin = _signed_version()
        document = sealing.sealed_document_reserve(kind="agreement", title="bench")
        sink: list[str] = []
        with _capture_html(sink):
            seconds, pdf = _best(
                lambda: agreement_services.version_pdf_render_one(
                    version=version, language="th", document=document
                )
            )
        html["agreement"] = sink[-1]
        weasy["agreement"] = seconds
        rows.append(
            {
                "what": "agreement PDF (th), WeasyPrint",
                "figure": round(seconds * 1000, 1),
                "unit": "ms",
                "note": f"best of 3, template + render; {PARTIES} parties, {_pages(pdf)} pages",
            }
        )
        transaction.set_rollback(True)

    network = Network.objects.get(slug=network_slug)
    period = ReportingPeriod.objects.filter(network=network).order_by("starts_on").first()
    sink = []
    with _capture_html(sink):
        seconds, pdf = _best(
            lambda: report_services.committee_pdf(network=network, period=period, language="th")
        )
    html["committee"] = sink[-1]
    weasy["committee"] = seconds
    rows.append(
        {
            "what": "committee PDF (th), WeasyPrint",
            "figure": round(seconds * 1000, 1),
            "unit": "ms",
            "note": f"best of 3, queries + charts + render; 20 members, 40 activities, "
            f"{_pages(pdf)} pages",
        }
    )
    if _chromium() is None:
        rows.append(
            {
                "what": "Chromium print-to-PDF",
                "figure": "skipped",
                "unit": "",
                "note": "no chromium",
            }
        )
        return rows
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        floor, _ = chromium_pdf(
            "<!doctype html><html><head></head><body>.</body></html>", workdir, "blank"
        )
        for name in ("agreement", "committee"):
            seconds, pages = chromium_pdf(html[name], workdir, name)
            rows.append(
                {
                    "what": f"{name} PDF (th), Chromium print-to-pdf",
                    "figure": round(seconds * 1000, 1),
                    "unit": "ms",
                    "note": f"best of 3, same HTML, whole process; {pages} pages; "
                    f"a blank page costs {floor * 1000:.0f} ms (start-up)",
                }
            )
        rows.append(
            {
                "what": "Chromium print-to-pdf, blank page",
                "figure": round(floor * 1000, 1),
                "unit": "ms",
                "note": "start-up floor of a fresh headless process",
            }
        )
        rows.extend(_warm_rows(html, weasy, workdir))
    return rows
