"""The deadline-day surge's clients: a browser's requests over keep-alive HTTP.

Each partner is one browser (its own connection, its own cookies): it opens the
activity page, posts a progress update with one evidence file the way htmx posts the
form (multipart, ``HX-Request``), opens its period report and submits it (the
confirmation ticked, every field of the form sent back as a browser does), then
follows the redirect. Coordinators read their dashboards in a loop meanwhile.
Every request is timed by kind; a request that fails or answers an unexpected status
is counted by kind and status and never retried (a retry could hide a double write).
"""

from __future__ import annotations

import html
import http.client
import io
import random
import re
import secrets
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

KINDS = (
    "form GET",
    "update POST (evidence)",
    "report GET",
    "submit POST",
    "report GET (after submit)",
    "dashboard GET",
)
NARRATIVE = "ครูจัดกิจกรรมอ่านออกเสียงทุกเช้า นักเรียนร่วมกิจกรรมครบทุกชั้น ครั้งต่อไปจะเชิญผู้ปกครอง"
PROBLEMS = "ครูติดภารกิจอบรมในเดือนนี้ กิจกรรมบางครั้งจึงเลื่อนออกไป"
HELP = "ต้องการวิทยากรด้านการวัดผลการอ่าน"
IDLE_SECONDS = 1.5  # gunicorn's keep-alive timeout is 2 s

_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
_INPUT = re.compile(r"<input\b([^>]*)>", re.S)
_TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
_OPTION = re.compile(r"<option\b([^>]*)>", re.S)
_ATTR = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def _attrs(text: str) -> dict[str, str]:
    return {k: html.unescape(v or "") for k, v in _ATTR.findall(text)}


def form_fields(page: str, marker: str) -> list[tuple[str, str]]:
    """What a browser sends for the first form containing ``marker``: text, hidden and
    number inputs, checked boxes, textareas and each select's chosen option (no
    buttons, no files). Read with regular expressions: parsing 2,000 pages with
    html.parser would cost the clients more CPU than they leave the server."""
    form = next((m.group(0) for m in _FORM.finditer(page) if marker in m.group(0)), None)
    if form is None:
        raise ValueError(f"no form with {marker!r}")
    fields: list[tuple[str, str]] = []
    for raw in _INPUT.findall(form):
        a = _attrs(raw)
        kind = a.get("type", "text")
        if "name" not in a or kind in ("file", "submit", "button", "image", "reset"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in a:
            continue
        fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
    for raw, body in _TEXTAREA.findall(form):
        a = _attrs(raw)
        if "name" in a:
            fields.append((a["name"], html.unescape(body).removeprefix("\n")))
    for raw, body in _SELECT.findall(form):
        a = _attrs(raw)
        options = [_attrs(o) for o in _OPTION.findall(body)]
        chosen = next((o for o in options if "selected" in o), options[0] if options else {})
        if "name" in a:
            fields.append((a["name"], chosen.get("value", "")))
    return fields


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]]):
    """(body, content type) of a multipart/form-data POST, as a browser encodes it."""
    boundary = "----KhruakhaiSurge" + secrets.token_hex(12)
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    for name, filename, content_type, content in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def urlencoded(fields: list[tuple[str, str]]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(fields).encode()


def evidence_png(seed: int, side: int = 82) -> bytes:
    """A small photo-like PNG (noise does not compress: 82×82 RGB is about 20 KB)."""
    from PIL import Image

    rng = random.Random(seed)  # noqa: S311 - picture noise, not a secret
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class Tally:
    """Latencies and failures per kind of request, shared by every client thread."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def fail(self, kind: str, status: str, note: str = "") -> None:
        with self.lock:
            self.failures[(kind, status)] += 1
            if note and len(self.notes) < 20:
                self.notes.append(f"{kind} → {status}: {note[:300]}")

    def summary(self, seconds: float) -> dict:
        kinds = {}
        for kind in KINDS:
            values = sorted(self.latencies.get(kind, []))
            errors = sum(n for (k, _s), n in self.failures.items() if k == kind)
            if not values and not errors:
                continue
            kinds[kind] = {
                "requests": len(values),
                "errors": errors,
                "rps": round(len(values) / seconds, 1) if seconds else 0.0,
                "p50_ms": round(statistics.median(values) * 1000, 1) if values else None,
                "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)] * 1000, 1)
                if values
                else None,
                "max_ms": round(values[-1] * 1000, 1) if values else None,
            }
        return {
            "kinds": kinds,
            "errors_by_status": {f"{k}: {s}": n for (k, s), n in sorted(self.failures.items())},
            "error_notes": self.notes,
        }


class Browser:
    """One person's browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, cookie: str):
        self.port = port
        self.jar: dict[str, str] = dict([cookie.split("=", 1)])
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.last_used = time.monotonic()

    def close(self) -> None:
        self.conn.close()

    def _remember(self, response: http.client.HTTPResponse) -> None:
        for header in response.msg.get_all("Set-Cookie") or []:
            pair, _sep, rest = header.partition(";")
            name, _eq, value = pair.strip().partition("=")
            gone = "max-age=0" in rest.lower() or "1970" in rest or value in ("", '""')
            if gone:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        """(status, headers, text, seconds); OSError propagates (counted by the caller)."""
        sent = {
            "Accept-Language": "th",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.jar.items()),
            **(headers or {}),
        }
        if time.monotonic() - self.last_used > IDLE_SECONDS:
            # gunicorn closes a keep-alive connection idle for 2 s; a browser opens a new
            # one rather than send on a closed one (no retry: a POST must go once).
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body or None, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except OSError:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            raise
        seconds = time.perf_counter() - started
        self.last_used = time.monotonic()
        self._remember(response)
        return response.status, response.msg, data.decode("utf-8", "replace"), seconds


def _expect(tally: Tally, kind: str, result, want: int) -> str | None:
    status, _headers, text, seconds = result
    if status != want:
        tally.fail(kind, str(status), re.sub(r"\s+", " ", text)[:300])
        return None
    tally.ok(kind, seconds)
    return text


def partner_flow(port: int, who: dict, png: bytes, tally: Tally) -> bool:
    """One representative's deadline-day errand; True when every step answered as a
    browser expects. Stops at the first unexpected answer (as a person would)."""
    browser = Browser(port, who["cookie"])
    activity = f"/networks/{who['slug']}/roadmap/activities/{who['activity_id']}/"
    report = f"/networks/{who['slug']}/reports/{who['report_id']}/"
    kind = "form GET"
    try:
        page = _expect(tally, kind, browser.request("GET", activity), 200)
        if page is None:
            return False
        fields = dict(form_fields(page, 'name="narrative"'))
        percent = min(95, int(fields.get("percent") or 0) + 5)
        fields.update(percent=str(percent), status="in_progress", narrative=NARRATIVE)
        body, content_type = multipart(
            list(fields.items()), [("files", "ภาพกิจกรรม.png", "image/png", png)]
        )
        kind = "update POST (evidence)"
        headers = {
            "Content-Type": content_type,
            "HX-Request": "true",
            "HX-Target": "progress-panel",
            "HX-Current-URL": f"http://127.0.0.1:{port}{activity}",
            "X-CSRFToken": fields.get("csrfmiddlewaretoken", ""),
        }
        progress = f"{activity}progress/"
        if _expect(tally, kind, browser.request("POST", progress, body, headers), 200) is None:
            return False
        kind = "report GET"
        page = _expect(tally, kind, browser.request("GET", report), 200)
        if page is None:
            return False
        fields = dict(form_fields(page, 'name="problems"'))
        fields.update(problems=PROBLEMS, help_needed=HELP)
        fields[f"n_activity_{who['activity_id']}"] = NARRATIVE
        sent = [*fields.items(), ("confirm_submit", "on"), ("action", "submit")]
        kind = "submit POST"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        result = browser.request("POST", report, urlencoded(sent), headers)
        if _expect(tally, kind, result, 302) is None:
            return False
        location = result[1].get("Location", "")
        kind = "report GET (after submit)"
        return _expect(tally, kind, browser.request("GET", location), 200) is not None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        tally.fail(kind, type(exc).__name__, str(exc))
        return False
    finally:
        browser.close()


def coordinator_loop(port: int, readers: list[dict], stop: threading.Event, tally: Tally):
    """Dashboards read in turn, one coordinator after another, until ``stop``."""
    browsers = [(Browser(port, r["cookie"]), f"/networks/{r['slug']}/dashboard/") for r in readers]
    n = 0
    try:
        while not stop.is_set():
            browser, path = browsers[n % len(browsers)]
            n += 1
            try:
                _expect(tally, "dashboard GET", browser.request("GET", path), 200)
            except (OSError, http.client.HTTPException) as exc:
                tally.fail("dashboard GET", type(exc).__name__, str(exc))
    finally:
        for browser, _path in browsers:
            browser.close()
