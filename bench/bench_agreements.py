"""Agreements: the signed-agreement PDF render (WeasyPrint + Sarabun), its seal, and
the version page at a realistic size (12 parties, 36 duties, 24 resource lines).

Runs inside a transaction that is rolled back, so the configured database is left
as it was (the PDF is rendered and sealed in memory, never stored).
"""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

PARTIES = 12


class _Rollback(Exception):
    pass


def _timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def _signed_version():
    from django.contrib.auth import get_user_model

    from agreements import services
    from agreements.models import AgreementVersion, Party, SigningEvent
    from network.models import Membership, Organisation, Person, Role
    from network.services import network_create

    User = get_user_model()
    lead = Organisation.objects.create(
        name_th="โรงเรียนนำร่องทดสอบความเร็ว", kind="school", province="chiang_mai"
    )
    admin = User.objects.create_user(email="bench-agreements@example.org", password=None)
    founder = Person.objects.create(organisation=lead, full_name="ผู้ประสานงาน ทดสอบ", user=admin)
    network = network_create(
        name_th="เครือข่ายทดสอบความเร็วข้อตกลง",
        form="networked_org",
        lead_organisation=lead,
        coordinator=founder,
    )
    version = services.agreement_start(network=network, user=admin, title="บันทึกข้อตกลงทดสอบ")
    paragraph = "ภาคีทุกฝ่ายร่วมกันวางแผน ติดตาม และรายงานผลการดำเนินงานของเครือข่ายอย่างสม่ำเสมอ " * 6
    services.version_update(
        version=version,
        user=admin,
        data={
            **{f: paragraph for f in ("basic_information", "duties_text", "resources_text")},
            **{f: paragraph for f in ("planning", "communication", "monitoring", "reporting")},
            "other_matters": paragraph,
            "effective_from": timezone.localdate(),
        },
    )
    people = [founder]
    for i in range(PARTIES - 1):
        org = Organisation.objects.create(
            name_th=f"องค์กรภาคีทดสอบที่ {i + 1}", kind="school", province="lamphun"
        )
        Membership.objects.create(network=network, organisation=org, joined_on=network.founded_on)
        user = User.objects.create_user(email=f"bench-agreements-{i}@example.org", password=None)
        person = Person.objects.create(organisation=org, full_name=f"ผู้ลงนาม ที่{i}", user=user)
        Role.objects.create(network=network, person=person, kind=Role.Kind.PARTNER_REP)
        people.append(person)
    for person in people:
        services.party_add(version=version, signatory=person, position="ผู้อำนวยการ")
        for n in range(3):
            services.duty_add(
                version=version, organisation=person.organisation, text=f"หน้าที่ข้อ {n + 1}"
            )
        for kind in ("money", "other"):
            services.resource_add(
                version=version,
                kind=kind,
                description="งบประมาณและทรัพยากรสนับสนุนกิจกรรม",
                amount_baht=Decimal("12500.50"),
                organisation=person.organisation,
            )
    version = services.version_send(version=version, user=admin)
    now = timezone.now()
    for party in Party.objects.filter(version=version).select_related("signatory"):
        party.status, party.signed_at = Party.Status.SIGNED, now
        party.typed_name = party.signatory.full_name
        party.ip, party.user_agent = "192.0.2.1", "Mozilla/5.0 (bench)"
        party.save()
        SigningEvent.objects.create(
            version=version, party=party, kind="signed", at=now, ip="192.0.2.1"
        )
    version.status, version.signed_at = AgreementVersion.Status.SIGNED, now
    version.save()
    return version, admin


def run() -> list[dict]:
    from agreements import services
    from core import sealing
    from core.pdf import seal_pdf

    rows: list[dict] = []
    try:
        with transaction.atomic():
            version, admin = _signed_version()
            document = sealing.sealed_document_reserve(kind="agreement", title="bench")
            for language in ("th", "en"):
                ms, pdf = _timed(
                    lambda language=language: services.version_pdf_render_one(
                        version=version, language=language, document=document
                    )
                )
                rows.append(
                    {
                        "what": f"agreement PDF render ({language})",
                        "figure": ms,
                        "unit": "ms",
                        "note": f"best of 3; {PARTIES} parties, {len(pdf) // 1024} KiB unsealed",
                    }
                )
            ms, _sealed = _timed(lambda: seal_pdf(pdf, reason="bench"))
            rows.append(
                {
                    "what": "agreement PDF seal (pyHanko)",
                    "figure": ms,
                    "unit": "ms",
                    "note": "best of 3",
                }
            )
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(admin)
            url = f"/networks/{version.agreement.network.slug}/agreement/v{version.number}/"
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                ms, response = _timed(lambda: client.get(url), repeat=5)
            rows.append(
                {
                    "what": "agreement version page",
                    "figure": ms,
                    "unit": "ms",
                    "note": f"status {response.status_code}, "
                    f"{len(queries) // 5} queries per request",
                }
            )
            raise _Rollback
    except _Rollback:
        pass
    return rows
