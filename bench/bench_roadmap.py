"""Roadmap benchmarks: page and chart render times, evidence checks, update throughput.

Everything runs inside one transaction that is rolled back, with media in a
temporary folder, so the configured database is left as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import tempfile
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings

ACTIVITIES = 200


def _ms(fn, repeat: int = 15) -> float:
    fn()  # warm caches and templates
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def _setup():
    from network.models import Membership, Role
    from roadmap.models import Activity
    from tests.factories import NetworkFactory, OrganisationFactory, PersonFactory

    network = NetworkFactory(slug="bench-roadmap")
    org = OrganisationFactory()
    Membership.objects.create(network=network, organisation=org, joined_on=network.founded_on)
    person = PersonFactory(organisation=org)
    Role.objects.create(network=network, person=person, kind=Role.Kind.PARTNER_REP)
    steps = list(network.steps.order_by("number"))
    today = dt.date.today()
    for i in range(ACTIVITIES):
        activity = Activity.objects.create(
            step=steps[i % 8],
            title=f"กิจกรรมทดสอบความเร็ว {i}",
            start_on=today - dt.timedelta(days=90 - i % 60),
            due_on=today + dt.timedelta(days=i % 120 - 30),
            status=Activity.Status.IN_PROGRESS,
            percent=i % 100,
        )
        activity.owners.add(org)
    return network, person.user


def _rows(network, user) -> list[dict]:
    from roadmap import charts, services
    from roadmap.evidence import evidence_check
    from roadmap.models import Activity

    rows = []
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for what, url in [
        ("roadmap overview", f"/networks/{network.slug}/roadmap/"),
        ("my tasks", "/my/tasks/"),
    ]:
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            assert client.get(url).status_code == 200
        rows.append(
            {
                "what": f"{what}, {ACTIVITIES} activities",
                "figure": _ms(lambda url=url: client.get(url)),
                "unit": "ms",
                "note": f"median of 15; {len(queries)} queries",
            }
        )
    for name in ("step_progress_svg", "timeline_svg", "obstacle_heatmap_svg", "health_trend_svg"):
        fn = getattr(charts, name)
        rows.append(
            {
                "what": f"{name}, {ACTIVITIES} activities",
                "figure": _ms(lambda fn=fn: fn(network=network)),
                "unit": "ms",
                "note": "median of 15",
            }
        )

    pdf = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF\n"
    rows.append(
        {
            "what": "evidence check, 5 MB PDF",
            "figure": _ms(lambda: evidence_check(SimpleUploadedFile("a.pdf", pdf)), repeat=5),
            "unit": "ms",
            "note": "libmagic on the first 64 KB; hashing happens on save",
        }
    )
    from PIL import Image

    raw = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    Image.new("RGB", (4000, 3000), (120, 160, 200)).save(raw, "JPEG", exif=exif.tobytes())
    jpeg = raw.getvalue()
    rows.append(
        {
            "what": "evidence check, 12 MP JPEG with EXIF",
            "figure": _ms(lambda: evidence_check(SimpleUploadedFile("a.jpg", jpeg)), repeat=3),
            "unit": "ms",
            "note": "decode, strip metadata, re-encode",
        }
    )

    activity = Activity.objects.for_network(network).first()
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        services.progress_record(
            activity=activity,
            author=user,
            organisation=None,
            based_on_version=activity.version,
            percent=50,
            status="in_progress",
            narrative="ทดสอบ",
        )
    rows.append(
        {
            "what": "progress updates recorded (version claim + history)",
            "figure": round(n / (time.perf_counter() - start), 1),
            "unit": "per s",
            "note": f"{n} sequential updates, one connection",
        }
    )
    return rows


def run() -> list[dict]:
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, ALLOWED_HOSTS=["127.0.0.1"]),
    ):
        rows: list[dict] = []
        with transaction.atomic():
            network, user = _setup()
            rows = _rows(network, user)
            transaction.set_rollback(True)
        return rows
