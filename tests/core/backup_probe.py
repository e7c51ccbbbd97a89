"""What an installation shows, recorded the same way before a backup and after its
restore (tests/core/test_backup_restore.py): each page's status and content, each
download's bytes (as SHA-256), and each sealed PDF's answer on the public verify page.

In the test's own process ``record(plan)`` reads the test database; after a restore
it runs in a fresh process against the restored installation::

    DATABASE_URL=... KHRUAKHAI_VAR_DIR=... python -m tests.core.backup_probe PLAN OUT

The plan is JSON: {"pages": [[email or null, url], ...], "downloads": [[email, url], ...],
"verify": [[email, pdf url, code], ...]}.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What differs on every request, whatever the data: CSRF tokens and CSP nonces.
_VOLATILE = (
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"'), r'\1…"'),
    (re.compile(r'(nonce=")[^"]*"'), r'\1…"'),
    (re.compile(r'("X-CSRFToken"\s*:\s*")[^"]*"'), r'\1…"'),
    (re.compile(r'(name="csrf-token" content=")[^"]*"'), r'\1…"'),
)


def normalise(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


class _Clients:
    """One test client per login (None: anonymous), logged in once."""

    def __init__(self) -> None:
        self._clients: dict = {}

    def __call__(self, email: str | None):
        from django.contrib.auth import get_user_model
        from django.test import Client

        if email not in self._clients:
            client = Client()
            if email:
                client.force_login(get_user_model().objects.get(email=email))
            self._clients[email] = client
        return self._clients[email]


def record(plan: dict) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.pdf import check_seal
    from core.pdf.seal import seal_certificate

    client = _Clients()
    pages = {}
    for email, url in plan["pages"]:
        response = client(email).get(url)
        pages[f"{email or 'anonymous'} {url}"] = {
            "status": response.status_code,
            "content": normalise(response.content.decode()),
        }
    files = {}
    for email, url in plan["downloads"]:
        response = client(email).get(url)
        data = _body(response)
        files[url] = {
            "status": response.status_code,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
    verify = {}
    for email, pdf_url, code in plan["verify"]:
        data = _body(client(email).get(pdf_url))
        upload = SimpleUploadedFile("copy.pdf", data, content_type="application/pdf")
        response = client(None).post(f"/verify/{code}/", {"pdf": upload})
        result = response.context["result"]
        verify[f"{code} {pdf_url}"] = {
            "status": response.status_code,
            "identical": result.identical,
            "matched": result.matched.code if result.matched else None,
            "seal_intact": result.seal.intact,
            # The seal itself, checked against this installation's certificate.
            "seal_checked": check_seal(data).intact,
            "content": normalise(response.content.decode()),
        }
    return {
        "pages": pages,
        "files": files,
        "verify": verify,
        "certificate_sha256": hashlib.sha256(seal_certificate().dump()).hexdigest(),
    }


def main(plan_path: str, out_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    # As the test runner does: DEBUG off, "testserver" allowed, responses keep context.
    setup_test_environment(debug=False)
    plan = json.loads(Path(plan_path).read_text())
    Path(out_path).write_text(json.dumps(record(plan), ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:3])
