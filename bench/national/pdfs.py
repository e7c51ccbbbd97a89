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


def chromium_pdf(html: str, workdir: Path, name: str) -> tuple[float, int]:
    """Best of 3 wall-clock seconds for `chromium --print-to-pdf` of the same HTML, and pages.

    The HTML gets the same Sarabun @font-face rules WeasyPrint is given (file:// URLs
    into static/fonts); nothing else changes. Chromium may not reach the network.
    """
    from core.pdf.render import font_faces_css

    page = re.sub(
        r"</head>", f"<style>{font_faces_css()}</style></head>", html, count=1, flags=re.I
    )
    source = workdir / f"{name}.html"
    source.write_text(page, encoding="utf-8")
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


def pdfs(network_slug: str) -> list[dict]:
    from django.db import transaction

    from agreements import services as agreement_services
    from core import sealing
    from network.models import Network
    from reports import services as report_services
    from reports.models import ReportingPeriod

    rows: list[dict] = []
    html: dict[str, str] = {}
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
    return rows
