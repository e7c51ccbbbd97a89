"""Where a progress update with evidence spends its time, in process, rolled back.

The surge's update POST (htmx, one 20 KB PNG) is sent 2 × ``repeat`` + 3 times through Django's
test client against the national database, each by a different representative on a
different activity (surge_db.pick), inside one transaction that is rolled back; the
files go to a temporary MEDIA_ROOT that is removed after. Each request is split as
bench/national/split.py splits a page (SQL, view + ORM, template, middleware), the
Django process's CPU time is taken per request (load-independent, unlike the
wall-clock parts), and two of the view's parts are timed on their own: the evidence
check (libmagic, then Pillow decoding and saving the image again) and
``progress_record`` (the service: version claim, quota sum, inserts, the file
written, the activity saved with its history row). What runs after the commit (the
enqueue) is not in it. The cProfile top counts CPU time (``time.thread_time``), so
SQL waits are in ``sql_ms`` only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/khruakhai_bench_national \\
      DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.national.surge_profile
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]


def _timed(target, name: str, spent: dict):
    original = getattr(target, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    return mock.patch.object(target, name, wrapper)


def profile_post(*, repeat: int = 30, sort: str = "tottime", top: int = 45) -> dict:
    """Medians (ms) of the POST's parts over ``repeat`` requests, and a cProfile top."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import Client, override_settings

    import roadmap.forms
    import roadmap.views.progress
    from accounts.models import User

    from . import split, surge_db, surge_http

    media = tempfile.mkdtemp(prefix="kk-surge-profile-")
    # CPU time, not wall time: on two cores shared with other work, waiting for a core
    # would otherwise show up in whatever function happened to be running.
    rows, profiler = [], cProfile.Profile(time.thread_time)
    try:
        with ExitStack() as stack, transaction.atomic():
            stack.enter_context(override_settings(MEDIA_ROOT=media))
            stack.enter_context(split._instrumented())
            spent: dict[str, float] = {}
            stack.enter_context(_timed(roadmap.forms, "evidence_check", spent))
            stack.enter_context(_timed(roadmap.views.progress, "progress_record", spent))
            # Three to warm up, ``repeat`` timed, then ``repeat`` under the profiler
            # (whose own overhead would otherwise land in the timed parts).
            partners = surge_db.pick(2 * repeat + 3)
            users = User.objects.in_bulk([p["user_id"] for p in partners])
            for n, who in enumerate(partners):
                client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="th")
                client.force_login(users[who["user_id"]])
                path = f"/networks/{who['slug']}/roadmap/activities/{who['activity_id']}/"
                page = client.get(path).content.decode()
                fields = dict(surge_http.form_fields(page, 'name="narrative"'))
                fields.update(status="in_progress", narrative=surge_http.NARRATIVE)
                png = surge_http.evidence_png(who["activity_id"])
                fields["files"] = SimpleUploadedFile("ภาพกิจกรรม.png", png, "image/png")
                warm = n < 3  # the first ones load libmagic, Pillow and the templates
                profiled = n >= 3 + repeat
                spent.clear()
                clock = split._Current.clock = split._Clock()
                if profiled:
                    profiler.enable()
                started, cpu = time.perf_counter(), time.thread_time()
                response = client.post(f"{path}progress/", fields, HTTP_HX_REQUEST="true")
                total, cpu = time.perf_counter() - started, time.thread_time() - cpu
                profiler.disable()
                if response.status_code != 200:
                    raise RuntimeError(f"{path}progress/: {response.status_code}")
                if warm or profiled:
                    continue
                template = clock.template - clock.sql_in_template
                view = clock.view - clock.template - (clock.sql_in_view - clock.sql_in_template)
                rows.append(
                    (
                        total,
                        clock.sql,
                        view,
                        template,
                        total - clock.view - (clock.sql - clock.sql_in_view),
                        spent.get("evidence_check", 0.0),
                        spent.get("progress_record", 0.0),
                        cpu,
                    )
                )
            transaction.set_rollback(True)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    names = (
        "total_ms",
        "sql_ms",
        "view_orm_ms",
        "template_ms",
        "middleware_ms",
        "evidence_check_ms",
        "progress_record_ms",
        "django_cpu_ms",
    )
    medians = [round(statistics.median(column) * 1000, 1) for column in zip(*rows, strict=True)]
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats(sort).print_stats(top)
    return {
        "requests": len(rows),
        **dict(zip(names, medians, strict=True)),
        "profile": text.getvalue(),
    }


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.national.surge_profile")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    result = profile_post(repeat=args.repeat, sort=args.sort)
    print(result.pop("profile"))
    print(
        "progress update POST with a 20 KB PNG, in process (median ms of the parts; SQL, "
        "view+ORM, template and middleware add up to total; the evidence check and "
        "progress_record are parts of view+ORM and SQL):"
    )
    for key, value in result.items():
        print(f"   {key:<22} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
