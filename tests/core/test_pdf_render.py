"""core.pdf.render_pdf: Sarabun, the page template, and the fetcher lock."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from django.template import engines
from pypdf import PdfReader

from core.pdf import fetcher as fetcher_module
from core.pdf import render_pdf, render_pdf_template
from core.pdf.fetcher import ForbiddenURL, resolve_url

from .pdf_helpers import pdftotext

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(BytesIO(pdf)).pages)


def test_render_pdf_embeds_sarabun_even_without_css():
    pdf = render_pdf("<p>ผู้อำนวยการโรงเรียน</p><p><b>ตัวหนา</b></p>")
    assert pdf.startswith(b"%PDF-")
    assert _fonts(pdf) == {"Sarabun", "Sarabun-Bold"}


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        type(self).hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "/static/favicon.svg")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(PNG_1PX)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetch_log(monkeypatch):
    """Every URL WeasyPrint asked for, and whether the fetcher served it."""
    log: dict[str, str] = {}
    original = fetcher_module.StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except Exception:
            log[url] = "refused"
            raise
        log[url] = "served"
        return response

    monkeypatch.setattr(fetcher_module.StaticOnlyFetcher, "fetch", recording)
    return log


def test_nothing_outside_static_is_fetched(http_server, fetch_log, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    data_png = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
    bad = [
        "file:///etc/passwd",
        "file:///etc/hostname",
        "http://127.0.0.1:1/x.png",
        f"{http_server}/x.png",
        f"{http_server}/redirect",
        "https://example.com/x.png",
        "ftp://127.0.0.1/x.png",
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/config/settings.py",
        "/static/..%2f..%2fconfig%2fsettings.py",
        "/static/fonts/../../pyproject.toml",
        "/media-not-served/sealed/x.pdf",
        "/etc/passwd",
    ]
    html = "".join(f'<img src="{url}" alt="x">' for url in bad)
    html += f'<img src="{data_png}" alt="ok"><img src="/static/favicon.svg" alt="ok">'
    html += (
        '<div class="bg"></div><style>.bg { background: url("http://127.0.0.1:1/bg.png"); }</style>'
    )
    pdf = render_pdf(html)
    assert _Recorder.hits == []  # the local server never saw a request
    served = {url for url, outcome in fetch_log.items() if outcome == "served"}
    assert served == {data_png, "http://127.0.0.1:8000/static/favicon.svg"} | {
        u for u in served if u.startswith("file://") and "/static/fonts/Sarabun" in u
    }
    assert not any(u.startswith("file:///etc") for u in served)
    # The PNG data: URI is the one raster image (the static SVG is drawn as vectors).
    assert _images(pdf) == 1


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "http://127.0.0.1:8000/static/../config/settings.py",
        "http://127.0.0.1:8000/static/%2e%2e/config/settings.py",
        "http://127.0.0.1:8000/static/favicon.svg?x=1",
        "http://evil.example/static/favicon.svg",
        "https://127.0.0.1:8000/static/favicon.svg",
        "file:///work/main/static/../config/settings.py",
        "gopher://127.0.0.1/",
        "javascript:alert(1)",
    ],
)
def test_resolve_url_refuses(url, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    with pytest.raises(ForbiddenURL):
        resolve_url(url)


def test_resolve_url_allows_static_files(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    path = resolve_url("http://127.0.0.1:8000/static/fonts/Sarabun-Regular.ttf")
    assert path is not None
    assert path.name == "Sarabun-Regular.ttf"
    assert resolve_url(path.as_uri()) == path
    assert resolve_url("data:text/plain,hello") is None


def test_a_symlink_out_of_static_is_refused(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "leak.txt").symlink_to("/etc/hostname")
    (static / "ok.txt").write_text("ok")
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = None
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert resolve_url("http://127.0.0.1:8000/static/ok.txt") == (static / "ok.txt").resolve()
    with pytest.raises(ForbiddenURL):
        resolve_url("http://127.0.0.1:8000/static/leak.txt")


def test_user_text_comes_out_as_text():
    template = engines["django"].from_string("<p>{{ typed }}</p>")
    typed = '<img src="file:///etc/passwd"> and http://127.0.0.1/ <script>x</script>'
    pdf = render_pdf(template.render({"typed": typed}))
    text = pdftotext(pdf)
    assert '<img src="file:///etc/passwd">' in text
    assert "http://127.0.0.1/" in text
    assert _images(pdf) == 0


PAGES_TEMPLATE = """{% extends "pdf/base.html" %}{% load i18n %}
{% block title %}T{% endblock %}
{% block header %}<div class="pdf-org">{% translate "Khruakhai" %}</div>{% endblock %}
{% block content %}{% for i in rows %}<p>ย่อหน้าที่ {{ i }} paragraph {{ i }}</p>
{% endfor %}{% endblock %}
{% block footer_note %}note{% endblock %}"""


@pytest.fixture
def pages_template(settings, tmp_path):
    (tmp_path / "pdf_test").mkdir()
    (tmp_path / "pdf_test" / "doc.html").write_text(PAGES_TEMPLATE)
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    return "pdf_test/doc.html"


def test_base_template_thai_page_numbers(pages_template):
    pdf = render_pdf_template(pages_template, {"rows": range(60)}, language="th")
    reader = PdfReader(BytesIO(pdf))
    pages = len(reader.pages)
    assert pages >= 2
    text = pdftotext(pdf)
    assert f"หน้า 1 / {pages}" in text
    assert f"หน้า {pages} / {pages}" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_base_template_english_page_numbers(pages_template):
    pdf = render_pdf_template(pages_template, {"rows": range(60)}, language="en")
    pages = len(PdfReader(BytesIO(pdf)).pages)
    text = pdftotext(pdf)
    assert f"Page 1 of {pages}" in text
    assert "หน้า" not in text.replace("ย่อหน้า", "")


def test_static_urls_on_the_render_base_url_are_read_from_disk(settings, fetch_log):
    settings.SITE_URL = "http://127.0.0.1:8000"
    html = '<img src="/static/favicon.svg" alt="a"><img src="/not-static/x.png" alt="b">'
    render_pdf(html, base_url="http://testserver/")
    assert fetch_log["http://testserver/static/favicon.svg"] == "served"
    assert fetch_log["http://testserver/not-static/x.png"] == "refused"


def test_an_absolute_static_url_maps_to_disk(settings):
    settings.STATIC_URL = "https://cdn.example/assets/"
    path = resolve_url("https://cdn.example/assets/fonts/Sarabun-Bold.ttf")
    assert path is not None
    assert path.name == "Sarabun-Bold.ttf"
    with pytest.raises(ForbiddenURL):
        resolve_url("https://cdn.example/other/fonts/Sarabun-Bold.ttf")
