"""A real HTTP server standing in for the LINE Messaging API (not a mock of the SDK).

It listens on 127.0.0.1 (a free port), records every request with its headers and
body, and answers as LINE does: a push whose ``X-Line-Retry-Key`` it already accepted
gets 409; statuses can be scripted (``respond(429, 200)``) and LINE user ids marked
blocked (400). ``signed(body)`` signs a webhook body the way LINE does (HMAC-SHA256 of
the channel secret, base64). Used by tests/core, tests/accounts and tests/faults, and
and by hand (README, "LINE": try it locally).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SECRET = "test-channel-secret"
TOKEN = "test-channel-token"


@dataclass
class Seen:
    path: str
    headers: dict
    body: dict
    status: int


@dataclass
class FakeLine:
    url: str = ""
    requests: list[Seen] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    accepted_keys: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    log: list[str] = field(default_factory=list)
    # Seconds each push is held before it is answered (a kill then lands mid-push),
    # and how many are being held now.
    delay: float = 0.0
    in_flight: int = 0

    def respond(self, *statuses: int) -> None:
        """The next pushes answer these statuses (then 200)."""
        self.script.extend(statuses)

    @property
    def pushes(self) -> list[Seen]:
        return [r for r in self.requests if r.path == "/v2/bot/message/push"]

    @property
    def delivered(self) -> list[Seen]:
        """Pushes LINE would have shown a person (200, not a 409 repeat)."""
        return [r for r in self.pushes if r.status == 200]

    @property
    def replies(self) -> list[Seen]:
        return [r for r in self.requests if r.path == "/v2/bot/message/reply"]

    def answer(self, path: str, headers: dict, body: dict) -> tuple[int, dict]:
        with self.lock:
            status, payload = self._decide(path, headers, body)
            self.requests.append(Seen(path, headers, body, status))
            if status == 200 and path.endswith("/push"):
                for message in body.get("messages", []):
                    self.log.append(f"to {body.get('to')}:\n{message.get('text', '')}")
            if status == 200 and path.endswith("/reply"):
                for message in body.get("messages", []):
                    self.log.append(f"reply:\n{message.get('text', '')}")
            return status, payload

    def _decide(self, path: str, headers: dict, body: dict) -> tuple[int, dict]:
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"message": "Authentication failed"}
        if path == "/v2/bot/message/reply":
            return 200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]}
        if path != "/v2/bot/message/push":
            return 404, {"message": "Not found"}
        key = headers.get("x-line-retry-key", "")
        if key and key in self.accepted_keys:
            return 409, {"message": "The retry key is already accepted"}
        if self.script:
            status = self.script.pop(0)
            if status != 200:
                return status, {"message": f"scripted {status}"}
        if body.get("to") in self.blocked:
            return 400, {"message": "Failed to send messages"}
        if key:
            self.accepted_keys.add(key)
        return 200, {"sentMessages": [{"id": uuid.uuid4().hex[:18], "quoteToken": "q"}]}


def _handler(fake: FakeLine):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            headers = {k.lower(): v for k, v in self.headers.items()}
            if fake.delay and self.path.endswith("/push"):
                with fake.lock:
                    fake.in_flight += 1
                time.sleep(fake.delay)
                with fake.lock:
                    fake.in_flight -= 1
            status, payload = fake.answer(self.path, headers, body)
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the caller was killed mid-push (the fault suite): LINE took it anyway

        def log_message(self, *args) -> None:
            pass

    return Handler


def start(port: int = 0) -> tuple[FakeLine, ThreadingHTTPServer]:
    fake = FakeLine()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


@pytest.fixture
def line_api(settings):
    """The fake LINE API, and the settings pointing at it (LINE switched on)."""
    fake, server = start()
    settings.LINE_CHANNEL_SECRET = SECRET
    settings.LINE_CHANNEL_ACCESS_TOKEN = TOKEN
    settings.LINE_API_BASE_URL = fake.url
    settings.LINE_BOT_BASIC_ID = "@khruakhai"
    yield fake
    server.shutdown()
    server.server_close()


def signed(body: str, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def event_body(*events: dict) -> str:
    return json.dumps({"destination": "Ubot", "events": list(events)})


def text_event(user_id: str, text: str, *, at: float | None = None, event_id: str = "") -> dict:
    return {
        "type": "message",
        "mode": "active",
        "timestamp": int((at or time.time()) * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id or uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
        "replyToken": uuid.uuid4().hex,
        "message": {"id": "1", "type": "text", "text": text, "quoteToken": "q"},
    }


def unfollow_event(user_id: str, *, at: float | None = None) -> dict:
    return {
        "type": "unfollow",
        "mode": "active",
        "timestamp": int((at or time.time()) * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
    }
