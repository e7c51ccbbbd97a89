"""A web worker loads no PDF, spreadsheet, image or LINE library until a request needs one.

WeasyPrint with its fonts, pyHanko, openpyxl, Pillow, qrcode, lxml, fontTools, the LINE
SDK and redis together took a gunicorn worker from about 93 MB to 195 MB before it
served a single page (issue 17: a web worker's peak must stay under 120 MB). They are
imported by the functions that use them; this test starts a fresh interpreter the way
gunicorn does (settings, every URLconf, the WSGI application) and checks none of them
came along.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "weasyprint",
    "pyhanko",
    "openpyxl",
    "PIL",
    "qrcode",
    "lxml",
    "fontTools",
    "linebot",
    "pypdf",
    "pythainlp",
    "redis",
)
PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's urls and views
import config.wsgi  # noqa: F401
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))
"""


def test_web_process_imports_no_heavy_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
