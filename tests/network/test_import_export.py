"""CSV import (all or nothing, Thai or English headers, with or without BOM) and export.

More in test_import_encodings.py, test_import_xlsx.py, test_import_labels.py and
test_import_reimport.py."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from network import imports
from network.models import Membership, Organisation, Person, Role

THAI_ORGS = (
    "ชื่อองค์กร (ภาษาไทย),ชื่อองค์กร (ภาษาอังกฤษ),ประเภท,จังหวัด,โทรศัพท์,อีเมล\n"
    "โรงเรียนบ้านหนองบัว,Ban Nong Bua School,สถานศึกษา,เชียงใหม่,053-111111,nb@school.ac.th\n"
    "มูลนิธิรักษ์ป่า,,มูลนิธิหรือองค์กรการกุศล,ลำพูน,,\n"
)
ENGLISH_ORGS = (
    "Name (Thai),Name (English),Kind,Province,Website\n"
    "โรงเรียนบ้านดอนแก้ว,Ban Don Kaeo School,School,Chiang Rai,www.donkaeo.ac.th\n"
    "องค์การบริหารส่วนตำบลแม่แฝก,Mae Faek SAO,local_government,chiang_mai,\n"
)


def _upload(client, slug, text, kind="organisations", bom=False):
    data = ("\ufeff" + text if bom else text).encode("utf-8")
    return client.post(
        f"/networks/{slug}/import/",
        {"kind": kind, "file": SimpleUploadedFile("file.csv", data, content_type="text/csv")},
    )


def _counts():
    return (
        Organisation.objects.count(),
        Membership.objects.count(),
        Person.objects.count(),
        Role.objects.count(),
    )


@pytest.mark.parametrize("bom", [False, True])
def test_thai_headers_import(cast, bom):
    client = cast.client("coordinator")
    response = _upload(client, cast.network.slug, THAI_ORGS, bom=bom)
    assert response.status_code == 200
    body = response.content.decode()
    assert "โรงเรียนบ้านหนองบัว" in body
    assert "ยืนยันการนำเข้า" in body
    assert not Organisation.objects.filter(name_th="โรงเรียนบ้านหนองบัว").exists()  # preview only
    response = client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert response.status_code == 302
    org = Organisation.objects.get(name_th="โรงเรียนบ้านหนองบัว")
    assert (org.kind, org.province, org.email) == ("school", "chiang_mai", "nb@school.ac.th")
    assert Organisation.objects.get(name_th="มูลนิธิรักษ์ป่า").province == "lamphun"
    assert Membership.objects.filter(network=cast.network, organisation=org).exists()


def test_english_headers_import(cast):
    client = cast.client("coordinator")
    _upload(client, cast.network.slug, ENGLISH_ORGS)
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    org = Organisation.objects.get(name_th="โรงเรียนบ้านดอนแก้ว")
    assert (org.kind, org.province, org.website) == (
        "school",
        "chiang_rai",
        "https://www.donkaeo.ac.th",
    )
    assert Organisation.objects.get(name_en="Mae Faek SAO").kind == "local_government"


def test_one_bad_row_writes_nothing_and_names_row_and_column(cast):
    text = (
        "ชื่อองค์กร (ภาษาไทย),ประเภท,จังหวัด,อีเมล\n"
        "โรงเรียนดีหนึ่ง,สถานศึกษา,เชียงใหม่,a@school.ac.th\n"
        "โรงเรียนดีสอง,สถานศึกษา,เมืองที่ไม่มีจริง,b@school.ac.th\n"
        "โรงเรียนดีสาม,สถานศึกษา,ลำปาง,c@school.ac.th\n"
    )
    before = _counts()
    response = _upload(cast.client("coordinator"), cast.network.slug, text)
    body = response.content.decode()
    assert response.status_code == 422
    assert "ยังไม่ได้นำเข้าข้อมูลใด ๆ" in body
    # Row 3 of the file (the header is row 1), column "จังหวัด", the value quoted.
    problems = imports.preview(network=cast.network, kind="organisations", text=text).problems
    assert [(p.row, p.column) for p in problems] == [(3, "จังหวัด")]
    assert "เมืองที่ไม่มีจริง" in problems[0].message
    assert "<td>3</td><td>จังหวัด</td>" in body
    # Confirming without a valid preview imports nothing either.
    cast.client("coordinator").post(f"/networks/{cast.network.slug}/import/confirm/")
    assert _counts() == before


def test_directory_import_service_is_all_or_nothing(cast):
    text = "Name (Thai),Kind,Province,Email\nดีหนึ่ง,school,chiang_mai,\nดีสอง,school,,bad-email\n"
    before = _counts()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.directory_import(network=cast.network, kind="organisations", text=text)
    assert {(p.row, p.column) for p in rejected.value.preview.problems} == {
        (3, "Province"),
        (3, "Email"),
    }
    assert _counts() == before


def test_missing_and_unknown_columns_are_reported(cast):
    result = imports.preview(
        network=cast.network, kind="organisations", text="Name (Thai),Colour\nก,แดง\n"
    )
    assert {(p.row, p.column) for p in result.problems} == {
        (1, "Colour"),
        (1, "ประเภท"),
        (1, "จังหวัด"),
    }


def test_an_unreadable_encoding_is_refused_clearly(cast):
    """Thai Windows text (cp874) is read now (test_import_encodings.py); Latin-1 is not."""
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/import/",
        {
            "kind": "organisations",
            "file": SimpleUploadedFile("f.csv", "Nom,Café\n".encode("latin-1")),
        },
    )
    assert response.status_code == 422
    assert "อ่านไฟล์นี้เป็นข้อความไม่ได้" in response.content.decode()


def test_people_import_with_thai_headers_grants_roles(cast):
    text = (
        "องค์กร,คำนำหน้า,ชื่อ-นามสกุล,ตำแหน่ง,กลุ่มบุคคล,อีเมล,บทบาท\n"
        f"{cast.partner_org.name_th},ดร.,สมหญิง ใจงาม,อาจารย์,คณาจารย์มหาวิทยาลัย,sy@uni.ac.th,แกนนำ\n"
        f"{cast.partner_org.name_th},นาย,สมปอง ขยันดี,นักวิจัย,researcher,,\n"
    )
    client = cast.client("coordinator")
    response = _upload(client, cast.network.slug, text, kind="people")
    assert "สมหญิง ใจงาม" in response.content.decode()
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    person = Person.objects.get(full_name="สมหญิง ใจงาม")
    assert person.organisation == cast.partner_org
    assert person.category == "university_faculty"
    assert Role.objects.filter(network=cast.network, person=person, kind="core_leader").exists()
    assert Role.objects.filter(
        network=cast.network, person__full_name="สมปอง ขยันดี", kind="member"
    ).exists()


def test_people_import_refuses_an_organisation_outside_the_network(cast):
    text = f"Organisation,Full name\n{cast.other_org.name_th},คนนอก เครือข่าย\n"
    result = imports.preview(network=cast.network, kind="people", text=text)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Organisation")]


def test_dissolved_network_refuses_import(cast):
    cast.network.status = "dissolved"
    cast.network.save()
    response = _upload(cast.client("coordinator"), cast.network.slug, THAI_ORGS)
    assert response.status_code == 403


def test_export_csv_has_bom_and_thai(cast):
    response = cast.client("partner").get("/organisations/export.csv")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "ชื่อองค์กร (ภาษาไทย)"
    names = {row[0] for row in rows[1:]}
    assert cast.partner_org.name_th in names
    assert cast.other_org.name_th not in names


def test_export_reimports(cast):
    """The exported headers are the import's headers: the file round-trips."""
    exported = cast.client("coordinator").get("/organisations/export.csv").content
    result = imports.preview(
        network=cast.network, kind="organisations", text=imports.decode(exported)
    )
    # The "Networks" column is ignored with a note, not a problem (test_import_reimport.py).
    assert result.problems == []
    assert result.ok


def test_export_xlsx(cast):
    response = cast.client("coordinator").get("/organisations/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == "ชื่อองค์กร (ภาษาไทย)"
    assert cast.partner_org.name_th in values


def test_export_unknown_format_is_404(cast):
    assert cast.client("coordinator").get("/organisations/export.pdf").status_code == 404


def test_import_history_names_the_coordinator(cast):
    client = cast.client("coordinator")
    _upload(client, cast.network.slug, THAI_ORGS)
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    org = Organisation.objects.get(name_th="โรงเรียนบ้านหนองบัว")
    assert org.history.get().history_user == cast.coordinator


# --- organisations already in the directory; huge cells -------------------------------
def test_an_organisation_of_the_directory_is_asked_not_added(
    cast, django_capture_on_commit_callbacks
):
    """Row by row: the existing one (another network's, with its own representative)
    is asked to join; a new one is created and joins; a member stays as it is."""
    from django.core import mail

    from network.models import JoinRequest

    text = (
        "Name (Thai),Kind,Province\n"
        f"{cast.other_org.name_th},company,chiang_mai\n"
        "โรงเรียนใหม่เอี่ยม,school,lamphun\n"
        f"{cast.partner_org.name_th},university,chiang_mai\n"
    )
    client = cast.client("coordinator")
    body = _upload(client, cast.network.slug, text).content.decode()
    assert "มีอยู่ในทำเนียบองค์กรแล้ว: จะส่งคำขอเข้าร่วมไปยังผู้แทนขององค์กร" in body
    assert "องค์กรใหม่: จะเพิ่มเข้าทำเนียบองค์กรและเข้าร่วมเครือข่าย" in body
    assert "เป็นสมาชิกของเครือข่ายนี้อยู่แล้ว" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/networks/{cast.network.slug}/import/confirm/", follow=True)
    assert "ส่งคำขอเข้าร่วมถึง 1 องค์กร" in response.content.decode()
    assert not Membership.objects.filter(network=cast.network, organisation=cast.other_org)
    assert JoinRequest.objects.get(network=cast.network, organisation=cast.other_org).is_pending
    assert Membership.objects.filter(
        network=cast.network, organisation__name_th="โรงเรียนใหม่เอี่ยม"
    ).exists()
    assert Organisation.objects.filter(name_th=cast.other_org.name_th).count() == 1
    assert [m.to for m in mail.outbox] == [[cast.other_partner.email]]


def test_a_site_admin_imports_existing_organisations_directly(cast):
    text = f"Name (Thai),Kind,Province\n{cast.other_org.name_th},company,chiang_mai\n"
    imports.directory_import(
        network=cast.network, kind="organisations", text=text, user=cast.site_admin
    )
    assert Membership.objects.filter(network=cast.network, organisation=cast.other_org).exists()


def test_too_many_requests_at_once_is_a_problem_and_writes_nothing(cast, monkeypatch):
    from network.services import joining

    monkeypatch.setattr(joining, "MAX_PENDING_JOIN_REQUESTS", 0)
    text = f"Name (Thai),Kind,Province\n{cast.other_org.name_th},company,chiang_mai\n"
    before = _counts()
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.directory_import(
            network=cast.network, kind="organisations", text=text, user=cast.coordinator
        )
    assert [p.row for p in rejected.value.preview.problems] == [1]
    assert _counts() == before


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_200000_character_cell_is_a_row_and_column_problem(cast, language):
    """Python's csv module refuses a cell over 131,072 characters with an error that
    was a 500 here; now it is one problem, by row and column, and nothing changes."""
    text = (
        "Name (Thai),Kind,Province,Address\n"
        "โรงเรียนดี,school,chiang_mai,ที่อยู่\n"
        f"{'ก' * 200_000},school,chiang_mai,\n"
    )
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    before = _counts()
    response = _upload(client, cast.network.slug, text)
    assert response.status_code == 422
    body = response.content.decode()
    if language == "th":
        assert "<td>3</td><td>Name (Thai)</td><td>ยาวเกินไป: ได้ไม่เกิน 255 ตัวอักษร" in body
    else:
        assert "<td>3</td><td>Name (Thai)</td><td>Too long: at most 255 characters" in body
    assert "ก" * 1000 not in body  # the cell is not echoed back
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert _counts() == before


def test_a_cell_past_what_the_reader_takes_is_reported_by_row(cast):
    text = f'Name (Thai),Kind,Province\nก,school,chiang_mai\nข,school,"{"x" * (9 * 2**20)}"\n'
    result = imports.preview(network=cast.network, kind="organisations", text=text)
    assert [(p.row, p.column) for p in result.problems] == [(3, "")]
    assert "CSV" in result.problems[0].message


def test_a_long_web_address_is_refused_before_the_database_does(cast):
    text = f"Name (Thai),Kind,Province,Website\nก,school,chiang_mai,{'a' * 195}.com\n"
    result = imports.preview(network=cast.network, kind="organisations", text=text)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Website")]


def test_a_null_character_is_a_problem_not_a_database_error(cast):
    text = "Name (Thai),Kind,Province\nก\x00ข,school,chiang_mai\n"
    result = imports.preview(network=cast.network, kind="organisations", text=text)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Name (Thai)")]
    people = f"Organisation,Full name,Email\n{cast.partner_org.name_th},ก,a\x00@b.org\n"
    result = imports.preview(network=cast.network, kind="people", text=people)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Email")]
