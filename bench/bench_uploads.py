"""Upload attacks replayed against a real gunicorn: peak memory and time per attack.

Each attack of issue 12 item 6 (tests/roadmap/bombs.py builds the same bytes the
attack tests send) is posted over HTTP, as a partner representative would, to a
gunicorn with one sync worker serving ``bench.wsgi`` from a source tree. Before each
request the worker's peak-RSS counter is reset (``/proc/<pid>/clear_refs``); after it
the worker's VmHWM is the most memory that request took the process to. Time is the
client's wall clock for the whole request, upload included.

The server gets its own SQLite database and media folder in a temporary directory,
so nothing of the bench database (or any other) is touched; it runs with DEBUG off.

    bench/run.py uploads                          # this tree
    BENCH_UPLOADS_BEFORE=/tmp/wt-c bench/run.py uploads   # and a checkout to compare
    python bench/bench_uploads.py [--tree PATH] ...       # standalone, one or more trees

A figure over the 300 MB budget or a request over a second is flagged in the note.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
BUDGET_MB = 300
BUDGET_S = 1.0

SETUP = r"""
import json
from django.conf import settings
from django.test import Client
from network.models import Membership, Role
from tests.factories import NetworkFactory, OrganisationFactory, PersonFactory
from tests.roadmap.factories import ActivityFactory, EvidenceFactory

network = NetworkFactory(slug="bench-uploads")
org = OrganisationFactory()
Membership.objects.create(network=network, organisation=org, joined_on=network.founded_on)
person = PersonFactory(organisation=org)
Role.objects.create(network=network, person=person, kind=Role.Kind.PARTNER_REP)
activities = {}
for name in NAMES:
    activity = ActivityFactory(network=network, owners=[org])
    activities[name] = activity.pk
    if name.startswith("quota"):
        EvidenceFactory(update__activity=activity, size=499 * 1024 * 1024)
        activity.refresh_from_db()
client = Client()
client.force_login(person.user)
print("SETUP" + json.dumps({
    "slug": network.slug,
    "activities": activities,
    "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
}))
"""


# tests/roadmap/factories.MINIMAL_PDF, without importing Django models here
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Attack:
    name: str
    files: list[tuple[str, bytes, str]]  # (file name, content, content type)
    honest: bool = False  # a file that should be accepted


def _jpeg(width: int, height: int, *, turned: bool) -> bytes:
    from PIL import Image

    # A sky-like gradient with sensor noise: a photo's few megabytes, not noise's twenty.
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 12)
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    if turned:
        exif[0x0112] = 6  # the phone was held upright: the server turns the pixels
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def attacks() -> list[Attack]:
    from tests.roadmap import bombs  # plain bytes builders: no Django needed here

    zip_bomb = bombs.zip_bomb(300 * bombs.MB)
    pdf_19 = MINIMAL_PDF + b"%" * (19 * MB - len(MINIMAL_PDF))
    pdf_2 = MINIMAL_PDF + b"%" * (2 * MB - len(MINIMAL_PDF))
    odt = "application/vnd.oasis.opendocument.text"
    return [
        Attack("zip bomb, 300 MB mimetype", [("bomb.odt", zip_bomb, odt)]),
        Attack("zip bomb, 1 GB mimetype", [("bomb.odt", bombs.zip_bomb(1024 * bombs.MB), odt)]),
        Attack("zip bomb lying about its size", [("lie.odt", bombs.lying_zip_bomb(), odt)]),
        Attack(
            "zip of 150,000 empty parts",
            [("many.docx", bombs.many_parts_zip(150_000), "application/octet-stream")],
        ),
        Attack("PNG of 13,000 x 13,000 pixels", [("big.png", bombs.png_bomb(), "image/png")]),
        Attack(
            "ten zip bombs in one request",
            [(f"bomb{i}.odt", zip_bomb, odt) for i in range(10)],
        ),
        Attack(
            "3 x 19 MB PDFs in one update (57 MB)",
            [(f"annex{i}.pdf", pdf_19, "application/pdf") for i in range(3)],
        ),
        Attack("quota: 2 MB PDF onto 499 MB stored", [("more.pdf", pdf_2, "application/pdf")]),
        Attack(
            "honest: docx + xlsx + odt + 12 MP photo",
            [
                ("minutes.docx", bombs.docx(), "application/octet-stream"),
                ("sheet.xlsx", bombs.xlsx(), "application/octet-stream"),
                ("report.odt", bombs.odt(), odt),
                ("photo.jpg", _jpeg(4000, 3000, turned=False), "image/jpeg"),
            ],
            honest=True,
        ),
        Attack(
            "honest: 24 MP photo held upright",
            [("photo.jpg", _jpeg(5712, 4284, turned=True), "image/jpeg")],
            honest=True,
        ),
        Attack(
            "JPEG of 29.9 MP (over the 25 MP cap)",
            [("photo.jpg", _jpeg(6320, 4730, turned=True), "image/jpeg")],
        ),
        Attack(
            "PNG of 24.9 MP that must be turned",
            [("turned.png", bombs.png_turned(5760, 4320), "image/png")],
        ),
        Attack(
            "PNG of 24.9 MP, turn told after the pixels",
            [("turned.png", bombs.png_turned(5760, 4320, exif_last=True), "image/png")],
        ),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def _worker(master: int, *, not_: int | None = None, timeout: float = 60) -> int:
    """gunicorn's worker under ``master`` (another than ``not_``, once it has gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children and str(not_) not in children:
            return int(children[0])
        time.sleep(0.05)
    raise RuntimeError("gunicorn started no worker")


def _multipart(fields: dict[str, str], files: list[tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, content, content_type in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _message(html: str) -> str:
    """The first form error of the page, or what the page says happened."""
    start = html.find('class="invalid-feedback"')
    if start < 0:
        return "saved" if "alert-success" in html else html[:80].replace("\n", " ")
    start = html.find("<strong>", start) + len("<strong>")
    return html[start : html.find("</strong>", start)]


def _row(
    label: str, attack: Attack, peak: float, seconds: float, status: int, html: str, sent: int
):
    refused = status == 422
    flags = []
    if peak > BUDGET_MB:
        flags.append(f"OVER {BUDGET_MB} MB")
    if seconds > BUDGET_S and not attack.honest:
        flags.append("OVER 1 s")
    if attack.honest == refused:
        flags.append("REFUSED" if refused else "ACCEPTED")
    return {
        "what": f"uploads [{label}]: {attack.name}",
        "figure": round(peak, 1),
        "unit": "MB peak",
        "note": (
            f"{seconds * 1000:.0f} ms, HTTP {status}, {sent / MB:.1f} MB sent"
            f"{' — ' + ', '.join(flags) if flags else ''}; {_message(html)[:110]}"
        ),
    }


def replay(tree: Path, label: str) -> list[dict]:
    """Start gunicorn on ``tree`` and replay every attack twice: each on a fresh worker
    (its own peak), then all of them on one worker (the peak a long-lived worker
    reaches, memory a request freed but the allocator kept included)."""
    work = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        KHRUAKHAI_VAR_DIR=str(work),
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work),  # any folder: whitenoise warns when there is none
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        PYTHONPATH=str(tree),
    )
    python = str(tree / ".venv" / "bin" / "python")
    plan = attacks()
    passes = ("fresh", "one")
    rows: list[dict] = []
    server = None
    try:

        def manage(*args: str) -> str:
            return subprocess.run(  # noqa: S603 — the tree's own interpreter and manage.py
                [python, "manage.py", *args],
                cwd=tree,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            ).stdout

        manage("migrate", "-v0")
        manage("createcachetable")
        names = [f"{a.name}|{p}" for p in passes for a in plan]
        out = manage("shell", "-c", SETUP.replace("NAMES", json.dumps(names)))
        data = json.loads(out[out.index("SETUP") + len("SETUP") :].strip().splitlines()[0])
        port = _free_port()
        config = work / "gunicorn.conf.py"  # empty: no ./gunicorn.conf.py of the tree's
        config.write_text("")
        gunicorn = ["-m", "gunicorn", "bench.wsgi:application", "--config", str(config)]
        options = ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "300"]
        server = subprocess.Popen(  # noqa: S603 — the tree's own interpreter and gunicorn
            [python, *gunicorn, *options, "--worker-class", "sync", "--log-level", "warning"],
            cwd=tree,
            env=env,
        )
        csrf = secrets.token_hex(16)  # 32 characters: Django takes an unmasked secret
        cookie = f"{data['session_cookie']}={data['session']}; {data['csrf_cookie']}={csrf}"
        base = f"/networks/{data['slug']}/roadmap/activities/"

        def request(method: str, path: str, body: bytes = b"", content_type: str = ""):
            deadline = time.monotonic() + 60
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                    headers = {"Cookie": cookie, "Host": "127.0.0.1", "HX-Request": "true"}
                    if body:
                        headers |= {"Content-Type": content_type, "X-CSRFToken": csrf}
                    conn.request(method, path, body=body or None, headers=headers)
                    response = conn.getresponse()
                    return response.status, response.read().decode("utf-8", "replace")
                except ConnectionRefusedError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)

        def fresh_worker(old: int | None) -> int:
            """Replace the worker (gunicorn's master starts another) and warm it."""
            if old is not None:
                os.kill(old, signal.SIGTERM)  # our own gunicorn's worker
            worker = _worker(server.pid, not_=old)
            first = data["activities"][names[0]]
            request("GET", f"{base}{first}/progress/")  # imports, templates, connections
            return worker

        def post(attack: Attack, pass_: str) -> tuple[int, str, float, int]:
            pk = data["activities"][f"{attack.name}|{pass_}"]
            fields = {"percent": "60", "status": "in_progress", "narrative": "bench"}
            fields |= {"version": "1", "csrfmiddlewaretoken": csrf}
            body, content_type = _multipart(fields, attack.files)
            start = time.perf_counter()
            status, html = request("POST", f"{base}{pk}/progress/", body, content_type)
            return status, html, time.perf_counter() - start, len(body)

        worker = fresh_worker(None)
        idle = _status(worker)["VmRSS"] / 1024
        rows.append(
            {
                "what": f"uploads [{label}]: worker idle after one page",
                "figure": round(idle, 1),
                "unit": "MB RSS",
                "note": str(tree),
            }
        )
        for attack in plan:  # each on a fresh worker
            worker = fresh_worker(worker)
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # the peak starts from now
            status, html, seconds, sent = post(attack, "fresh")
            peak = _status(worker)["VmHWM"] / 1024
            rows.append(_row(label, attack, peak, seconds, status, html, sent))
        worker = fresh_worker(worker)  # all on one worker
        Path(f"/proc/{worker}/clear_refs").write_text("5")
        slowest = 0.0
        for attack in plan:
            status, html, seconds, _sent = post(attack, "one")
            if not attack.honest:
                slowest = max(slowest, seconds)
        peak = _status(worker)["VmHWM"] / 1024
        rows.append(
            {
                "what": f"uploads [{label}]: one worker through every request above",
                "figure": round(peak, 1),
                "unit": "MB peak",
                "note": (
                    f"budget {BUDGET_MB} MB{' — OVER' if peak > BUDGET_MB else ''}; "
                    f"slowest attack {slowest * 1000:.0f} ms"
                ),
            }
        )
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return rows


def run() -> list[dict]:
    """bench/run.py's entry: this tree, and BENCH_UPLOADS_BEFORE's tree when set."""
    rows = replay(ROOT, "this tree")
    before = os.environ.get("BENCH_UPLOADS_BEFORE")
    if before:
        rows += replay(Path(before), f"before: {Path(before).name}")
    return rows


def main(argv: list[str]) -> int:
    trees = [Path(a) for a in argv] or [ROOT]
    rows = []
    for tree in trees:
        rows += replay(tree.resolve(), str(tree))
    width = max(len(r["what"]) for r in rows)
    for r in rows:
        print(f"{r['what']:<{width}}  {r['figure']:>8} {r['unit']:<8}  {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
