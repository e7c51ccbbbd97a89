"""Import: our own exports import back, and importing the same file twice changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from network import imports
from network.models import Invitation, JoinRequest, Membership, Organisation, Person, Role
from tests import factories


def _state():
    """Everything an import could change, history included."""
    return (
        Organisation.objects.count(),
        Organisation.history.count(),
        Membership.objects.count(),
        Person.objects.count(),
        Person.history.count(),
        Role.objects.count(),
        Invitation.objects.count(),
        Invitation.objects.filter(revoked_at__isnull=False).count(),
        JoinRequest.objects.count(),
    )


def _post(client, slug, data: bytes, kind="organisations", name="file"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(f"/networks/{slug}/import/", {"kind": kind, "file": upload})


def _notes(body: str) -> list[str]:
    """The "what happens" cell of every preview row."""
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        row.rsplit('<td class="small">', 1)[1].split("</td>")[0] for row in table.split("<tr>")[1:]
    ]


@pytest.fixture
def directory(cast):
    """Members with every column filled, a phone a spreadsheet would take for a
    formula (exported with an apostrophe), and an English name."""
    for name, kind, province in (
        ("โรงเรียนบ้านหนองบัว", "school", "chiang_mai"),
        ("มูลนิธิรักษ์ป่าต้นน้ำ", "foundation", "lamphun"),
        ("องค์การบริหารส่วนตำบลแม่แฝก", "local_government", "bangkok"),
    ):
        org = factories.OrganisationFactory(
            name_th=name,
            name_en=f"{name} (en)",
            kind=kind,
            province=province,
            address="99 หมู่ 3",
            phone="+66 53 111 111",
            email="info@example.ac.th",
            website="https://example.ac.th",
        )
        Membership.objects.create(network=cast.network, organisation=org, joined_on="2026-01-01")
    return cast


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_directory_export_imports_back_and_nothing_changes(directory, fmt, language):
    cast = directory
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    exported = client.get(f"/organisations/export.{fmt}").content
    if fmt == "xlsx":
        header = [c.value for c in next(load_workbook(io.BytesIO(exported)).active.iter_rows())]
    else:
        header = exported.decode("utf-8-sig").splitlines()[0].split(",")
    networks = "เครือข่าย" if language == "th" else "Networks"
    assert header[-1] == networks  # a column the import does not take
    before = _state()
    response = _post(client, cast.network.slug, exported, name=f"organisations.{fmt}")
    body = response.content.decode()
    assert response.status_code == 200
    if language == "th":
        assert f"ไม่นำเข้าคอลัมน์ “{networks}”" in body
        assert "ทุกแถวมีอยู่แล้ว: การนำเข้าไฟล์นี้จะไม่เปลี่ยนแปลงข้อมูลใด ๆ" in body
        unchanged = "เป็นสมาชิกของเครือข่ายนี้อยู่แล้ว: ไม่มีการเปลี่ยนแปลง"
    else:
        assert f"The column “{networks}” is not imported" in body
        assert "Every row is already there: importing this file changes nothing." in body
        unchanged = "Already a member of this network: unchanged."
    notes = _notes(body)
    assert len(notes) == Membership.objects.filter(network=cast.network).count() == 6
    assert set(notes) == {unchanged}
    response = client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert response.status_code == 302
    assert _state() == before
    # The file's cells are the records' own (labels and the apostrophe aside).
    result = imports.preview(
        network=cast.network, kind="organisations", rows=imports.read(exported).rows
    )
    row = next(r for r in result.rows if r["name_th"] == "โรงเรียนบ้านหนองบัว")
    org = Organisation.objects.get(name_th="โรงเรียนบ้านหนองบัว")
    for key in ("name_en", "kind", "province", "address", "phone", "email", "website"):
        assert row[key] == getattr(org, key), key


def test_an_exported_file_imports_into_another_network_as_its_rule_allows(directory):
    """The same export, imported by the coordinator of another network: the
    organisations are not theirs to attach, so each is asked (the consent rule)."""
    cast = directory
    exported = cast.client("coordinator").get("/organisations/export.csv").content
    other = factories.UserFactory()
    person = factories.PersonFactory(organisation=cast.other_network.lead_organisation, user=other)
    factories.RoleFactory(network=cast.other_network, person=person, kind="coordinator")
    client = cast.client("anonymous")
    client.force_login(other)
    body = _post(client, cast.other_network.slug, exported).content.decode()
    assert set(_notes(body)) == {"มีอยู่ในทำเนียบองค์กรแล้ว: จะส่งคำขอเข้าร่วมไปยังผู้แทนขององค์กร"}
    assert not Membership.objects.filter(
        network=cast.other_network, organisation__name_th="โรงเรียนบ้านหนองบัว"
    ).exists()


# --- people --------------------------------------------------------------------------------
def _people_file(cast) -> str:
    org = cast.partner_org.name_th
    return (
        "องค์กร,คำนำหน้า,ชื่อ-นามสกุล,ตำแหน่ง,บทบาท\n"
        f"{org},นางสาว,สมศรี ใจดี,ครู,แกนนำหลัก\n"
        f"{org},,นายสมชาย  รักถิ่น,ครูผู้ช่วย,สมาชิก\n"
        f"{org},Dr.,Somchai Jaidee,Lecturer,Member\n"
    )


def test_people_without_email_are_not_added_twice(cast):
    client = cast.client("coordinator")
    text = _people_file(cast).encode("cp874", errors="strict")
    _post(client, cast.network.slug, text, kind="people")
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert Person.objects.filter(organisation=cast.partner_org).count() == 4  # 3 + partner
    before = _state()
    body = _post(client, cast.network.slug, text, kind="people").content.decode()
    assert _notes(body) == ["มีอยู่แล้ว ไม่มีการเปลี่ยนแปลง"] * 3
    assert "ทุกแถวมีอยู่แล้ว" in body
    response = client.post(f"/networks/{cast.network.slug}/import/confirm/", follow=True)
    assert "ในจำนวนนี้ 3 แถวมีอยู่แล้วและไม่มีการเปลี่ยนแปลง" in response.content.decode()
    assert _state() == before


def test_a_name_is_matched_with_its_title_and_spacing_aside(cast):
    """Stored as title "นาย" + "สมชาย รักถิ่น"; the file writes the title into the
    name, or the English title, or doubles a space: the same person."""
    person = factories.PersonFactory(
        organisation=cast.partner_org, title="นาย", full_name="สมชาย รักถิ่น", email="", user=None
    )
    org = cast.partner_org.name_th
    text = (
        "Organisation,Title,Full name,Role\n"
        f"{org},,นายสมชาย รักถิ่น,member\n"
        f"{org},,Mr. สมชาย   รักถิ่น,committee\n"
    )
    result = imports.preview(network=cast.network, kind="people", text=text)
    assert [row.get("_person") for row in result.rows] == [person, None]
    assert [str(row["_note"]) for row in result.rows] == [
        str(imports.NOTE_PERSON_ROLE),
        str(imports.NOTE_ROW_SAME),
    ]
    imports.directory_import(network=cast.network, kind="people", text=text, user=cast.coordinator)
    assert (
        Person.objects.filter(organisation=cast.partner_org, full_name__contains="สมชาย").count()
        == 1
    )
    assert set(
        Role.objects.filter(network=cast.network, person=person).values_list("kind", flat=True)
    ) == {"member", "committee"}


def test_the_name_key_takes_off_titles_and_folds_spaces():
    key = imports.person_name_key
    assert (
        key("นางสาวสมศรี  ใจดี") == key("สมศรี ใจดี") == key(" สมศรี\u200bใจดี ".replace("\u200b", " "))
    )
    assert key("ผศ.ดร.สมชาย ใจดี") == key("สมชาย ใจดี")
    assert key("Dr. Somchai Jaidee") == key("somchai  jaidee")
    assert key("Drake Smith") != key("ake Smith")  # "Dr" only as a title
    assert key("นาย") == "นาย"  # a title alone is a name, not nothing


def test_a_login_matched_by_name_is_invited_once_not_given_the_role(
    cast, django_capture_on_commit_callbacks
):
    """The consent rule holds for a name match: a person with a login outside this
    network is invited (role_offer); the same file again sends nothing more and
    revokes nothing."""
    from django.core import mail

    login = factories.UserFactory(email="somsri@uni.ac.th")
    person = factories.PersonFactory(
        organisation=cast.partner_org, full_name="สมศรี มีบัญชี", email="", user=login
    )
    text = f"Organisation,Full name,Role\n{cast.partner_org.name_th},สมศรี มีบัญชี,core_leader\n"
    client = cast.client("coordinator")
    body = _post(client, cast.network.slug, text.encode(), kind="people").content.decode()
    assert _notes(body) == ["มีบัญชีผู้ใช้แล้ว: จะส่งคำเชิญ และได้รับบทบาทเมื่อตอบรับ"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert not Role.objects.filter(network=cast.network, person=person).exists()
    assert Invitation.objects.filter(network=cast.network, email=login.email).count() == 1
    assert len(mail.outbox) == 1
    before = _state()
    body = _post(client, cast.network.slug, text.encode(), kind="people").content.decode()
    assert _notes(body) == ["ส่งคำเชิญสำหรับบทบาทนี้ไปแล้ว กำลังรอการตอบรับ: ไม่มีการเปลี่ยนแปลง"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert _state() == before
    assert len(mail.outbox) == 1


def test_an_address_with_a_login_but_no_person_is_invited_once(
    cast, django_capture_on_commit_callbacks
):
    from django.core import mail

    factories.UserFactory(email="newcomer@uni.ac.th")
    text = (
        "Organisation,Full name,Email,Role\n"
        f"{cast.partner_org.name_th},คนใหม่ มีบัญชี,newcomer@uni.ac.th,member\n"
    )
    for _round in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            imports.directory_import(
                network=cast.network, kind="people", text=text, user=cast.coordinator
            )
    invitation = Invitation.objects.get(network=cast.network, email="newcomer@uni.ac.th")
    assert invitation.revoked_at is None
    assert len(mail.outbox) == 1


def test_people_with_email_are_matched_by_email_as_before(cast):
    org = cast.partner_org.name_th
    text = f"Organisation,Full name,Email,Role\n{org},ชื่อ หนึ่ง,One@Uni.ac.th,member\n"
    imports.directory_import(network=cast.network, kind="people", text=text, user=cast.coordinator)
    # The same address under another spelling of the name: the same person.
    again = text.replace("ชื่อ หนึ่ง", "ชื่อใหม่ หนึ่ง")
    result = imports.preview(network=cast.network, kind="people", text=again)
    assert [str(row["_note"]) for row in result.rows] == [str(imports.NOTE_PERSON_SAME)]
    before = _state()
    imports.directory_import(network=cast.network, kind="people", text=again, user=cast.coordinator)
    assert _state() == before


def test_the_same_new_person_on_two_rows_is_one_person_with_two_roles(cast):
    org = cast.partner_org.name_th
    text = (
        "Organisation,Full name,Email,Role\n"
        f"{org},สมหมาย ใจงาม,,member\n"
        f"{org},สมหมาย  ใจงาม,,core_leader\n"
    )
    imports.directory_import(network=cast.network, kind="people", text=text, user=cast.coordinator)
    person = Person.objects.get(full_name="สมหมาย ใจงาม")
    assert set(
        Role.objects.filter(network=cast.network, person=person).values_list("kind", flat=True)
    ) == {"member", "core_leader"}
