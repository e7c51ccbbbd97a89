"""The national benchmark's PDFs: WeasyPrint next to Chromium printing the same HTML."""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
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


# Fontconfig for the bench's Chromium: the machine's own configuration and fonts, and
# Sarabun from static/fonts as if it were installed.
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
</fontconfig>
"""


def chromium_env(workdir: Path) -> dict[str, str]:
    """The environment Chromium runs in: Sarabun among its system fonts.

    The charts are SVG images (``<img src="data:image/svg+xml…">``), and an SVG image
    cannot use its page's @font-face fonts: in Chromium its labels ask the system for
    "Sarabun". This machine has no Thai font, so without this Chromium drew every
    Thai label of the committee report's charts as a row of empty boxes (in Liberation
    Sans): not the report, and less work than shaping it. WeasyPrint gives an SVG image
    the document's fonts.
    """
    from core.pdf.render import _fonts_dir

    conf = workdir / "fonts.conf"
    conf.write_text(_FONTS_CONF.format(fonts=_fonts_dir()), encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


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
            env=chromium_env(workdir),
        )
        return target.read_bytes()

    run()  # first start writes the profile
    seconds, pdf = _best(run)
    return seconds, _pages(pdf)


# Rounds of the interleaved PDF timing: each round times every document's whole job,
# a warm Chromium's print and render_pdf alone, one after the other. Nine, not five:
# on the thirteenth pass's machine the same code's committee ratio came out between
# 1.41 and 1.64 in runs of five rounds minutes apart (both renderers' floors moved);
# more rounds bring each best nearer its floor, for both alike (~3 s more).
ROUNDS = 9


@contextlib.contextmanager
def warm_chromium(html: dict[str, str], workdir: Path, new_in: str | None = None):
    """A WARM Chromium printing each HTML: yields print_once(name) -> (seconds, pages),
    or None when Playwright or Chromium is missing.

    One headless Chromium (Playwright driving /usr/bin/chromium), started once; one page
    (tab) per document, opened once and printed once before any timing; a file's Path
    instead of a name prints a document the browser has not seen, in the tab of the
    document ``new_in`` (many_documents). Each print
    loads the document's HTML afresh (navigation, parse, style, layout, the Sarabun
    @font-face files) and prints it with page.pdf() (A4 and margins from the
    document's @page rule, backgrounds on, as WeasyPrint draws them): the browser
    equivalent of one render_pdf call. Chromium may not reach the network.

    The browser is driven from a thread of its own: Playwright's sync API runs an event
    loop on the thread that drives it, and Django gives a thread with a running loop
    another database connection, outside the transaction the bench's agreement lives in
    (the agreement then rendered without its parties: 6 pages instead of 13).
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - a dev dependency
        yield None
        return
    sources = {name: _chromium_source(text, workdir, f"warm-{name}") for name, text in html.items()}
    asked: queue.Queue[str | Path | None] = queue.Queue()
    answers: queue.Queue[tuple[float, int] | BaseException] = queue.Queue()

    def drive() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=_chromium(),
                    args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND"],
                    env=chromium_env(workdir),
                )
                try:
                    pages = {name: browser.new_page() for name in sources}

                    first = pages[new_in or next(iter(pages))]

                    def render(name: str | Path) -> bytes:
                        # A document of its own in its tab; a new file in new_in's.
                        page, source = (
                            (first, name)
                            if isinstance(name, Path)
                            else (pages[name], sources[name])
                        )
                        page.goto(source.as_uri(), wait_until="load")
                        page.evaluate("document.fonts.ready.then(() => document.fonts.size)")
                        return page.pdf(prefer_css_page_size=True, print_background=True)

                    for name in sources:
                        render(name)  # warm: the tab, the font files, the print path
                    answers.put((0.0, 0))
                    while (name := asked.get()) is not None:
                        started = time.perf_counter()
                        pdf = render(name)
                        answers.put((time.perf_counter() - started, _pages(pdf)))
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - handed to the bench's thread
            answers.put(error)

    def answer() -> tuple[float, int]:
        got = answers.get()
        if isinstance(got, BaseException):
            raise got
        return got

    def print_once(name: str | Path) -> tuple[float, int]:
        asked.put(name)
        return answer()

    driver = threading.Thread(target=drive, name="warm-chromium", daemon=True)
    driver.start()
    try:
        answer()  # started and warm
        yield print_once
    finally:
        asked.put(None)
        driver.join(timeout=60)


def _timed(fn) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _cpu_timed(fn) -> tuple[float, float, bytes]:
    """(wall seconds, this process's CPU seconds, result) of ``fn()``."""
    cpu = time.process_time()
    seconds, result = _timed(fn)
    return seconds, time.process_time() - cpu, result


def chromium_cpu_seconds(root: int | None = None) -> float:
    """CPU seconds (user + system, all threads) of every Chromium process below
    ``root`` (this process by default): the warm browser and its renderer, GPU,
    network and utility processes. Playwright's Node driver, which only relays the
    PDF's bytes, is not counted; neither is this process."""
    from .celery_worker import _stat

    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat is not None:
            parents[int(entry.name)] = stat[0]
            cpu[int(entry.name)] = stat[1]
    root = os.getpid() if root is None else root
    total = 0.0
    for pid in cpu:
        ancestor = parents.get(pid)
        while ancestor is not None and ancestor != root:
            ancestor = parents.get(ancestor)
        if ancestor == root and _comm(pid) == "chromium":
            total += cpu[pid]
    return total


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def interleaved(
    jobs: dict, html: dict[str, str], workdir: Path, others: list | None = None
) -> dict[str, dict] | None:
    """Per document, the best of ROUNDS seconds of its whole job, of a warm Chromium's
    print of the same HTML and of render_pdf alone, timed in turn within each round.

    Interleaved because a machine's speed drifts: timed minutes apart, a ratio measured
    the drift as much as the renderers (the twelfth pass's machine ran a loop in 1.05 s
    and, minutes later, in 1.73).
    """
    from core.pdf.render import render_pdf

    with warm_chromium(html, workdir, new_in="committee" if others else None) as print_once:
        if print_once is None:
            return None
        best = {
            name: {"whole": float("inf"), "warm": float("inf"), "alone": float("inf")}
            for name in jobs
        }
        pages: dict[str, int] = {}
        cpu: dict[str, dict[str, list[float]]] = {
            name: {"whole": [], "warm": [], "alone": []} for name in jobs
        }
        for _round in range(ROUNDS):
            for name, job in jobs.items():
                whole, whole_cpu, made = _cpu_timed(job)
                best[name]["whole"] = min(best[name]["whole"], whole)
                browser_cpu = chromium_cpu_seconds()
                seconds, pages[name] = print_once(name)
                cpu[name]["warm"].append(chromium_cpu_seconds() - browser_cpu)
                best[name]["warm"] = min(best[name]["warm"], seconds)
                alone, alone_cpu, rendered = _cpu_timed(lambda name=name: render_pdf(html[name]))
                best[name]["alone"] = min(best[name]["alone"], alone)
                cpu[name]["whole"].append(whole_cpu)
                cpu[name]["alone"].append(alone_cpu)
                # The job must make the document whose HTML was captured.
                if _pages(made) != _pages(rendered):
                    raise RuntimeError(f"{name}: the job made another document than its HTML")
        for name in jobs:
            best[name]["pages"] = pages[name]
            # Medians: Chromium's CPU is read from /proc in clock ticks (10 ms) over
            # several processes, so a best-of would pick the round that rounded down.
            best[name]["cpu"] = {k: statistics.median(v) for k, v in cpu[name].items()}
        if others:
            best["committee"]["many"] = many_documents(others, print_once, workdir)
        return best


def many_documents(jobs: list, print_once, workdir: Path) -> dict:
    """Each job (another network's committee report) once: WeasyPrint's whole job,
    then the warm browser printing the HTML that job made, in the tab warmed on the
    bench network's report.

    The rounds above print the same two documents again and again; a drain prints
    5,000 different reports, each once. Here neither renderer has seen the document
    before: the HTML is captured from the timed job itself and Chromium prints it
    next. Whether either renderer gains from a document it has just printed is what
    comparing the two rows shows (docs/performance-pdf.md, eighteenth pass).
    """
    whole: list[float] = []
    warm: list[float] = []
    for number, job in enumerate(jobs):
        sink: list[str] = []
        with _capture_html(sink):
            seconds, _made = _timed(job)
        source = _chromium_source(sink[-1], workdir, f"many-{number}")
        printed, _pages_printed = print_once(source)
        whole.append(seconds)
        warm.append(printed)
    return {
        "whole": min(whole),
        "warm": min(warm),
        "ratios": statistics.median(w / c for w, c in zip(whole, warm, strict=True)),
        "count": len(jobs),
    }


def _warm_rows(best: dict[str, dict] | None) -> list[dict]:
    """Rows for the warm Chromium and WeasyPrint's ratio to it, per document."""
    if best is None:
        return [{"what": "Chromium warm", "figure": "skipped", "unit": "", "note": "no Playwright"}]
    rows = []
    for name, figures in best.items():
        rows.append(
            {
                "what": f"{name} PDF (th), Chromium warm",
                "figure": round(figures["warm"] * 1000, 1),
                "unit": "ms",
                "note": f"best of {ROUNDS}, same HTML, one browser started once: load + "
                f"page.pdf(); {figures['pages']} pages; timed in turn with WeasyPrint",
            }
        )
    for name, figures in best.items():
        whole, warm, alone = figures["whole"], figures["warm"], figures["alone"]
        rows.append(
            {
                "what": f"{name} PDF, WeasyPrint / Chromium warm",
                "figure": round(whole / warm, 2),
                "unit": "×",
                "note": f"WeasyPrint {whole * 1000:.0f} ms (the whole job, best of {ROUNDS}) "
                f"against {warm * 1000:.0f} ms, timed in turn each round; render_pdf alone "
                f"of the same HTML {alone * 1000:.0f} ms = {alone / warm:.2f}×",
            }
        )
    for name, figures in best.items():
        if "cpu" in figures:
            rows.append(_cpu_row(name, figures["cpu"]))
    for name, figures in best.items():
        if "many" in figures:
            rows.append(_many_row(name, figures["many"]))
    return rows


def _many_row(name: str, many: dict) -> dict:
    whole, warm = many["whole"], many["warm"]
    return {
        "what": f"{name} PDF, {many['count']} networks' reports: WeasyPrint / Chromium warm",
        "figure": round(whole / warm, 2),
        "unit": "×",
        "note": f"each report once, new to both renderers: WeasyPrint's whole job best "
        f"{whole * 1000:.0f} ms against Chromium's print best {warm * 1000:.0f} ms "
        f"(one browser, one tab), each best from any of the reports; the median of the "
        f"{many['count']} reports' own ratios {many['ratios']:.2f}×",
    }


def _cpu_row(name: str, cpu: dict[str, float]) -> dict:
    """The same rounds in CPU seconds: WeasyPrint renders on one core, while Chromium
    spreads a print over its processes (and the two cores), so its wall-clock time is
    less than the CPU it spends."""
    whole, warm, alone = cpu["whole"], cpu["warm"], cpu["alone"]
    return {
        "what": f"{name} PDF, CPU: WeasyPrint / Chromium warm",
        "figure": round(whole / warm, 2) if warm else "n/a",
        "unit": "×",
        "note": f"median CPU of the {ROUNDS} rounds: WeasyPrint's job {whole * 1000:.0f} ms "
        f"(render_pdf alone {alone * 1000:.0f} ms) against Chromium's processes "
        f"{warm * 1000:.0f} ms for one print (its browser, renderer, GPU and utility "
        f"processes from /proc)",
    }


# The networks whose committee reports many_documents times, one each, spread over the
# national data (bench.national.generate names them net-00001 to net-05000).
OTHER_NETWORKS = [f"net-{number:05d}" for number in range(101, 5000, 556)]


def _first_period(network):
    from reports.models import ReportingPeriod

    return ReportingPeriod.objects.filter(network=network).order_by("starts_on").first()


def pdfs(network_slug: str) -> list[dict]:
    from django.db import transaction

    from agreements import services as agreement_services
    from core import sealing
    from network.models import Network
    from reports import services as report_services

    rows: list[dict] = []
    html: dict[str, str] = {}
    network = Network.objects.get(slug=network_slug)
    period = _first_period(network)
    with transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
        from bench.bench_agreements import PARTIES, _signed_version

        version, _admin = _signed_version()
        document = sealing.sealed_document_reserve(kind="agreement", title="bench")
        jobs = {
            "agreement": lambda: agreement_services.version_pdf_render_one(
                version=version, language="th", document=document
            ),
            "committee": lambda: report_services.committee_pdf(
                network=network, period=period, language="th"
            ),
        }
        notes = {
            "agreement": f"template + render; {PARTIES} parties",
            "committee": "queries + charts + render; 20 members, 40 activities",
        }
        weasy: dict[str, float] = {}
        for name, job in jobs.items():
            sink: list[str] = []
            with _capture_html(sink):
                seconds, pdf = _best(job)
            html[name] = sink[-1]
            weasy[name] = seconds
            rows.append(
                {
                    "what": f"{name} PDF (th), WeasyPrint",
                    "figure": round(seconds * 1000, 1),
                    "unit": "ms",
                    "note": f"best of 3, {notes[name]}, {_pages(pdf)} pages",
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
            transaction.set_rollback(True)
            return rows
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
        # Each network's period read here, not in its timed job (the bench network's is
        # read before its job too).
        others = [
            functools.partial(
                report_services.committee_pdf,
                network=other,
                period=_first_period(other),
                language="th",
            )
            for other in Network.objects.filter(slug__in=OTHER_NETWORKS).exclude(pk=network.pk)
        ]
        rows.extend(_warm_rows(interleaved(jobs, html, workdir, others)))
        transaction.set_rollback(True)
    return rows
