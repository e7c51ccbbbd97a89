#!/usr/bin/env python
"""Try LINE locally, with no LINE account: the test suite's stand-in for the Messaging
API (tests/line_server.py), printing every message it is asked to push.

    .venv/bin/python scripts/line_fake_server.py            # listens on 127.0.0.1:8099
    # then, in another terminal:
    LINE_CHANNEL_SECRET=test-channel-secret LINE_CHANNEL_ACCESS_TOKEN=test-channel-token \\
      LINE_API_BASE_URL=http://127.0.0.1:8099 LINE_BOT_BASIC_ID=@khruakhai make run

Open "LINE" in the user menu, press "Show a code", and type ``link <CODE>`` here: a
signed webhook event, as LINE would send it when the person types the code, is posted
to the app (``--app`` URL). Messages chosen for LINE are then printed here.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.line_server import event_body, signed, start, text_event


def post_code(app: str, code: str, line_user_id: str) -> int:
    body = event_body(text_event(line_user_id, code))
    request = urllib.request.Request(  # noqa: S310 - a local URL given on the command line
        f"{app.rstrip('/')}/line/webhook/",
        data=body.encode(),
        headers={"Content-Type": "application/json", "X-Line-Signature": signed(body)},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--app", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    fake, server = start(args.port)
    line_user_id = f"U{uuid.uuid4().hex}"
    print(f"LINE stand-in on {fake.url}; you are LINE user {line_user_id}")
    print("Type: link <CODE>   (Ctrl-D to stop)")

    def show() -> None:
        shown = 0
        while True:
            for entry in fake.log[shown:]:
                print(f"--- LINE message ---\n{entry}\n", flush=True)
                shown += 1
            time.sleep(0.5)

    threading.Thread(target=show, daemon=True).start()
    try:
        for line in sys.stdin:
            if line.strip().lower().startswith("link "):
                status = post_code(args.app, line.split(None, 1)[1].strip(), line_user_id)
                print(f"webhook answered {status}", flush=True)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
