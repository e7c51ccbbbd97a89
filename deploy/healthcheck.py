"""Container healthchecks for docker-compose.yml, with the standard library only
(the slim image has no curl, and importing Django every 30 seconds would cost more
than the check itself).

    python deploy/healthcheck.py web [URL]                  # default http://127.0.0.1:8000/healthz
    python deploy/healthcheck.py beat SCHEDULE [MAX_AGE]    # MAX_AGE in seconds, default 600

Exits 0 when healthy and 1 when not, as Docker expects, printing one line that says why.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

WEB_URL = "http://127.0.0.1:8000/healthz"
# Under the healthcheck's own timeout in docker-compose.yml (10 s), so a slow answer
# is reported as slow rather than killed without a word.
WEB_TIMEOUT = 8.0
# Celery beat rewrites its schedule file every 3 minutes (Scheduler.sync_every) while
# its loop runs; three missed rewrites mean it is stuck.
BEAT_MAX_AGE = 600.0
# shelve picks a dbm module at run time, and some add a suffix to the file name.
SCHEDULE_SUFFIXES = ("", ".db", ".dat", ".dir", ".bak")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an answer to report, not to follow


def _host() -> str:
    """The first concrete name in ALLOWED_HOSTS: Django answers 400 to any other Host."""
    for name in os.environ.get("ALLOWED_HOSTS", "").split(","):
        name = name.strip().lstrip(".")
        if name and "*" not in name:
            return name
    return "localhost"


def check_web(url: str = WEB_URL) -> tuple[bool, str]:
    """Healthy while the app answers /healthz and reaches its database.

    The request looks like one Caddy forwards (its Host, X-Forwarded-Proto: https), so a
    production app answers it instead of redirecting to HTTPS. A broker that is down
    (503 naming only the broker) does not make web unhealthy: pages never wait on Redis,
    and the worker's own check reports the broker.
    """
    request = urllib.request.Request(  # noqa: S310 - the URL is ours (http://127.0.0.1 by default)
        url, headers={"Host": _host(), "X-Forwarded-Proto": "https"}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=WEB_TIMEOUT) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except OSError as error:
        return False, f"web: no answer from {url}: {error}"
    if 300 <= status < 400:
        return False, (
            f"web: /healthz redirected ({status}); the app does not trust X-Forwarded-Proto "
            "(see the proxy settings on the web service)"
        )
    try:
        body = json.loads(raw)
    except ValueError:
        return False, f"web: /healthz answered {status} without JSON"
    if body.get("database") != "ok":
        return False, f"web: database {body.get('database', 'unknown')} ({status})"
    return True, f"web: {status} {json.dumps(body, sort_keys=True)}"


def check_beat(schedule: str, max_age: float = BEAT_MAX_AGE) -> tuple[bool, str]:
    """Healthy while beat's schedule file was rewritten within ``max_age`` seconds."""
    mtimes = []
    for suffix in SCHEDULE_SUFFIXES:
        try:
            mtimes.append(os.stat(schedule + suffix).st_mtime)
        except OSError:
            continue
    if not mtimes:
        return False, f"beat: no schedule file at {schedule}"
    age = time.time() - max(mtimes)
    if age > max_age:
        return False, f"beat: schedule last written {age:.0f}s ago (more than {max_age:.0f}s)"
    return True, f"beat: schedule written {age:.0f}s ago"


def main(argv: list[str]) -> int:
    if argv[:1] == ["web"] and len(argv) <= 2:
        ok, message = check_web(*argv[1:2])
    elif argv[:1] == ["beat"] and 2 <= len(argv) <= 3:
        ok, message = check_beat(argv[1], *(float(age) for age in argv[2:3]))
    else:
        print(__doc__, file=sys.stderr)
        return 1  # Docker reserves exit code 2
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
