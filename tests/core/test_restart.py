"""A second `make run` (issue 14 item 1): migrate + demo_data twice, real use between.

The second demo_data must succeed and change no row at all: it only ever creates the
demo, skips what exists, and reads only the demo's own rows (fixed slugs, emails and
names). What happens in between is what broke it before: people without a login in
every role (the coordinator too), an import of people, a network founded by a new
user with members added, and a signed agreement.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from agreements import services as agreement_services
from agreements.demo import SANSAI
from network import services as network_services
from network.demo import DEMO_PASSWORD
from network.models import Network, Organisation, Person, Role

pytestmark = pytest.mark.django_db

PASSWORD = "a-new-user-2569"  # a test account


def _project_models():
    base = Path(settings.BASE_DIR).resolve()
    for model in apps.get_models():
        path = Path(apps.get_app_config(model._meta.app_label).path).resolve()
        if base in path.parents and ".venv" not in path.parts:
            yield model


def _snapshot() -> dict[str, tuple[int, str]]:
    """Per project model: its row count and a digest of every row's values (so an
    ``updated_at`` that moved, or any field rewritten, shows)."""
    shot = {}
    for model in _project_models():
        rows = model.objects.order_by("pk").values_list()
        digest = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
        shot[model._meta.label] = (len(rows), digest)
    return shot


def _use_it() -> dict:
    """Ordinary use of the demo between two runs, through the services and pages."""
    sansai = Network.objects.get(slug="sansai-reading")
    riverside = Network.objects.get(slug="riverside-nakhonpathom")
    coordinator = get_user_model().objects.get(email="coordinator@khruakhai.example")
    padu = sansai.lead_organisation
    bangluang = Organisation.objects.get(name_en__startswith="Bang Luang")

    # A person without a login made coordinator of the demo network (what raised
    # IntegrityError on reports_notification.user_id), and one in every other role.
    nologin = network_services.person_add(
        network=sansai, organisation=padu, full_name="ไม่มี บัญชี", kind=Role.Kind.MEMBER
    )
    network_services.role_grant(network=sansai, person=nologin, kind=Role.Kind.COORDINATOR)
    for kind in (
        Role.Kind.COORDINATOR,
        Role.Kind.CHAIR,
        Role.Kind.COMMITTEE,
        Role.Kind.CORE_LEADER,
        Role.Kind.PARTNER_REP,
        Role.Kind.MEMBER,
    ):
        network_services.person_add(
            network=riverside,
            organisation=bangluang,
            full_name=f"คนริมน้ำ {kind}",
            kind=kind,
            invited_by=coordinator,
        )

    # An import of people, through the page.
    client = Client()
    client.force_login(coordinator)
    text = (
        "องค์กร,คำนำหน้า,ชื่อ-นามสกุล,ตำแหน่ง,กลุ่มบุคคล,อีเมล,บทบาท\n"
        f"{padu.name_th},นาง,นำเข้า หนึ่ง,ครู,คณาจารย์มหาวิทยาลัย,,แกนนำ\n"
        f"{padu.name_th},นาย,นำเข้า สอง,ครู,researcher,,\n"
    )
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    response = client.post(f"/networks/{sansai.slug}/import/", {"kind": "people", "file": upload})
    assert response.status_code == 200
    response = client.post(f"/networks/{sansai.slug}/import/confirm/")
    assert response.status_code == 302
    assert Person.objects.filter(full_name="นำเข้า หนึ่ง", user=None).exists()

    # A network founded by a new user, members added, an agreement signed.
    founder = get_user_model().objects.create_user(
        email="founder@school.example", password=PASSWORD, full_name="ผู้ก่อตั้ง ใหม่"
    )
    network = network_services.network_found(
        user=founder,
        full_name="ผู้ก่อตั้ง ใหม่",
        name_th="เครือข่ายหลังการสาธิต",
        form="cop",
        organisation_details={"name_th": "โรงเรียนหลังสาธิต", "kind": "school", "province": "lamphun"},
    )
    network_services.membership_add(network=network, organisation=bangluang)
    network_services.person_add(
        network=network, organisation=bangluang, full_name="สมาชิก ใหม่", kind=Role.Kind.MEMBER
    )
    person = Person.objects.get(user=founder)
    version = agreement_services.agreement_start(network=network, user=founder, title="ข้อตกลงใหม่")
    agreement_services.version_update(
        version=version,
        user=founder,
        data={
            **SANSAI["sections"],
            "effective_from": SANSAI["effective_from"],
            "effective_until": SANSAI["effective_until"],
        },
    )
    agreement_services.party_add(version=version, signatory=person, position="ผู้อำนวยการ")
    agreement_services.duty_add(version=version, organisation=person.organisation, text="ประสานงาน")
    version = agreement_services.version_send(version=version, user=founder)
    agreement_services.party_sign(
        party=version.parties.get(),
        user=founder,
        password=PASSWORD,
        typed_name="ผู้ก่อตั้ง ใหม่",
    )
    version.refresh_from_db()
    assert version.signed_at is not None
    return {"network": network, "nologin": nologin}


def test_demo_data_twice_around_real_use_changes_nothing():
    call_command("demo_data")
    assert (
        get_user_model()
        .objects.get(email="partner@khruakhai.example")
        .check_password(DEMO_PASSWORD)
    )
    used = _use_it()
    before = _snapshot()
    call_command("demo_data")  # the second `make run`: succeeds and writes nothing
    assert _snapshot() == before
    assert Role.objects.filter(
        person=used["nologin"], kind=Role.Kind.COORDINATOR, network__slug="sansai-reading"
    ).exists()


def test_renamed_demo_rows_are_not_recreated_or_restored():
    """A user renames a demo organisation and person: the next run leaves both as they
    are and makes no copy under the old name."""
    call_command("demo_data")
    org = Organisation.objects.get(name_en="Ban Pa Pradu School")
    org.name_th = "โรงเรียนบ้านป่าประดู่ (ชื่อใหม่)"
    org.save()
    person = Person.objects.get(email="coordinator@khruakhai.example")
    person.full_name = "สุภาพร ใจดี (ชื่อใหม่)"
    person.save()
    before = _snapshot()
    call_command("demo_data")
    assert _snapshot() == before
