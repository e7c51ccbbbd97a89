"""Network: map build, import preview and page query counts at realistic sizes.

Runs inside a transaction that is rolled back, so the configured database is left
as it was.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext


class _Rollback(Exception):
    pass


def _timed(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def run() -> list[dict]:
    from django.contrib.auth import get_user_model

    from network import imports
    from network.graph import map_build
    from network.models import Membership, Network, Organisation, Person, Role
    from network.services import network_create

    rows: list[dict] = []
    try:
        with transaction.atomic():
            User = get_user_model()
            admin = User.objects.create_superuser(email="bench-admin@example.org", password=None)
            lead = Organisation.objects.create(
                name_th="โรงเรียนนำร่อง", kind="school", province="chiang_mai"
            )
            founder = Person.objects.create(organisation=lead, full_name="ผู้ก่อตั้ง", user=admin)
            network = network_create(
                name_th="เครือข่ายทดสอบความเร็ว",
                form="cop",
                lead_organisation=lead,
                coordinator=founder,
            )
            for i in range(50):
                org = Organisation.objects.create(
                    name_th=f"โรงเรียนบ้านป่าประดู่สาขา {i:03d}", kind="school", province="lamphun"
                )
                Membership.objects.create(
                    network=network, organisation=org, joined_on=network.founded_on
                )
                for kind in (Role.Kind.PARTNER_REP, Role.Kind.CORE_LEADER):
                    person = Person.objects.create(organisation=org, full_name=f"ครู {i}-{kind}")
                    Role.objects.create(network=network, person=person, kind=kind)

            ms = _timed(lambda: map_build(network=network, user=admin))
            rows.append(
                {
                    "what": "map_build, 50 organisations + 100 people",
                    "figure": round(ms, 2),
                    "unit": "ms",
                    "note": "best of 5",
                }
            )

            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(admin)
            for label, url in (
                ("network page", f"/networks/{network.slug}/"),
                ("map data JSON", f"/networks/{network.slug}/map.json"),
                ("directory", "/organisations/"),
                ("directory search ป่าประดู่", "/organisations/?q=ป่าประดู่"),
            ):
                client.get(url)
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - start) * 1000
                assert response.status_code == 200, (url, response.status_code)
                rows.append(
                    {
                        "what": f"{label} at 50 organisations: queries",
                        "figure": len(ctx.captured_queries),
                        "unit": "queries",
                        "note": "pinned in tests/network/test_queries.py",
                    }
                )
                rows.append(
                    {
                        "what": f"{label} at 50 organisations: time",
                        "figure": round(elapsed, 1),
                        "unit": "ms",
                        "note": connection.vendor,
                    }
                )

            header = "Name (Thai),Kind,Province,Email\n"
            body = "".join(
                f"โรงเรียนนำเข้า {i:04d},school,chiang_mai,s{i}@example.org\n" for i in range(1000)
            )
            ms = _timed(
                lambda: imports.preview(network=network, kind="organisations", text=header + body),
                repeat=3,
            )
            rows.append(
                {
                    "what": "import preview, 1000 organisation rows",
                    "figure": round(ms, 1),
                    "unit": "ms",
                    "note": "every row and column checked",
                }
            )
            start = time.perf_counter()
            imports.directory_import(network=network, kind="organisations", text=header + body)
            rows.append(
                {
                    "what": "import write, 1000 organisation rows",
                    "figure": round((time.perf_counter() - start) * 1000, 1),
                    "unit": "ms",
                    "note": "one transaction",
                }
            )
            assert Network.objects.filter(pk=network.pk).exists()
            raise _Rollback
    except _Rollback:
        pass
    return rows
