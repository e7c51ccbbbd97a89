"""PostgreSQL connections dropped under a running server: the next request reconnects.

Django's test client switches off the per-request connection checks and the live
server thread closes connections after every request, so neither shows what
production does. These tests start a real gunicorn (one worker, persistent
connections) on the test database and talk HTTP to it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import fault_report

pytestmark = [
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def _drop_other_connections() -> int:
    """Terminate every other backend on this database, as a failover or restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


ROOT = Path(__file__).resolve().parents[2]
PORT = 8197


@pytest.fixture
def gunicorn_server():
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{PORT}",
            "--workers=1",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{PORT}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            _get(f"{url}/healthz")
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_pages_answer_after_the_database_drops_connections(cast, gunicorn_server, client):
    client.force_login(cast.coordinator)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = f"{gunicorn_server}/networks/{cast.network.slug}/"
    assert _get(url, cookie)[0] == 200
    dropped = _drop_other_connections()
    assert dropped >= 1  # gunicorn's persistent connection really went away
    status, _body = _get(url, cookie)
    # CONN_HEALTH_CHECKS: the dead persistent connection is noticed and replaced at the
    # start of the next request instead of failing it.
    assert status == 200
    fault_report(
        "PostgreSQL connections terminated under gunicorn",
        note=f"{dropped} dropped; the next page answered {status}",
    )


def test_healthz_answers_after_the_database_drops_connections(gunicorn_server):
    assert _get(f"{gunicorn_server}/healthz")[0] == 200
    assert _drop_other_connections() >= 1
    assert _get(f"{gunicorn_server}/healthz")[0] == 200
