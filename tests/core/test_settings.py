"""Production settings: refuse to start without secrets; pass Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "secret-production-key-for-tests-only-0123456789abcdef"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process only, and
    # pytest's PYTEST_VERSION turns DEBUG's default on: a real deployment has neither.
    dropped = {
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "PYTEST_VERSION",
        "TRUSTED_PROXY_COUNT",
        "SECURE_PROXY_SSL_HEADER_TRUSTED",
        "SECURE_SSL_REDIRECT",
    }
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_checking_migrations_needs_no_secret_but_everything_else_does():
    # makemigrations reads only the models; migrate, check and the server still refuse.
    checked = _manage("makemigrations", "--check", "--dry-run", DEBUG="false")
    assert checked.returncode == 0, checked.stderr
    assert "No changes detected" in checked.stdout
    refused = _manage("migrate", "--plan", DEBUG="false")
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr


def test_production_refuses_a_weak_secret_key():
    result = _manage("check", DEBUG="false", SECRET_KEY="short")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="khruakhai.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_passes_behind_a_declared_proxy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="khruakhai.example",
        TRUSTED_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr


# What a process started with this environment makes of its settings and of a request
# that claims HTTPS in X-Forwarded-Proto over a plain connection.
_PROBE = (
    "from django.conf import settings; from django.test import RequestFactory; "
    "r = RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https', secure=False); "
    "print(settings.DEBUG, r.is_secure())"
)


def _probe(**env: str) -> str:
    result = _manage("shell", "-c", _PROBE, ALLOWED_HOSTS="testserver", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_debug_is_off_unless_asked_for():
    # A bare start (`docker run` of the image, gunicorn, a worker) with no secret: refused,
    # rather than served in debug mode with the published development key.
    bare = _manage("check")
    assert bare.returncode != 0
    assert "SECRET_KEY is not set" in bare.stderr
    # With a real secret and nothing else: production, DEBUG off.
    assert _probe(SECRET_KEY=STRONG_KEY).split()[0] == "False"
    # Development asks for it (make run exports DEBUG=true).
    assert _probe(DEBUG="true").split()[0] == "True"


def test_the_proxy_https_header_counts_only_when_a_proxy_sets_it():
    production = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "SECURE_SSL_REDIRECT": "false"}
    # No proxy declared: anyone can send X-Forwarded-Proto, so it is ignored.
    assert _probe(**production) == "False False"
    # A declared proxy (it appends X-Forwarded-For, and sets X-Forwarded-Proto).
    assert _probe(**production, TRUSTED_PROXY_COUNT="1") == "False True"
    # Said explicitly, either way.
    assert _probe(**production, SECURE_PROXY_SSL_HEADER_TRUSTED="true") == "False True"
    assert (
        _probe(**production, TRUSTED_PROXY_COUNT="1", SECURE_PROXY_SSL_HEADER_TRUSTED="false")
        == "False False"
    )
