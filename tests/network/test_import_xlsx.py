"""Import: Excel workbooks (.xlsx), read with openpyxl in read-only mode, bounded.

A workbook is told by its content (a zip), read with saved values only (formulas are
never run), dates become dates. Before openpyxl opens it the zip's directory must
show it within the limits (parts, declared unpacked size, packing) and its XML is
streamed once (no DOCTYPE, elements and cells per row counted), so a small upload
cannot make the server inflate or hold much. Measured in a fresh process (growth of
its peak resident memory while ``imports.read`` runs): a 2,000-row, 8-column
workbook 0.8 s and +10 MB; the worst files the limits let through, 2,000 rows of 49
cells 2.8 s and +18 MB, 99,000 styles 2.9 s and +55 MB, 390,000 stray sheet elements
1.4 s and +40 MB.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from network import imports
from network.models import Invitation, JoinRequest, Membership, Organisation, Person, Role

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _counts():
    return (
        Organisation.objects.count(),
        Membership.objects.count(),
        Person.objects.count(),
        Role.objects.count(),
        Invitation.objects.count(),
        JoinRequest.objects.count(),
    )


def _book(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "องค์กร"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(client, slug, data: bytes, kind="organisations", name="orgs.xlsx"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(f"/networks/{slug}/import/", {"kind": kind, "file": upload})


def _with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced or added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def _sheet(rows_xml: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{rows_xml}'
        "</sheetData></worksheet>"
    ).encode()


def test_a_workbook_made_with_openpyxl_imports(cast):
    data = _book(
        [
            ["ชื่อองค์กร (ภาษาไทย)", "ประเภท", "จังหวัด", "โทรศัพท์", "เว็บไซต์"],
            ["โรงเรียนบ้านหนองบัว", "สถานศึกษา", "เชียงใหม่", 53111111, "www.nongbua.ac.th"],
            ["มูลนิธิรักษ์ป่าต้นน้ำ", "Foundation or charity", "Lamphun", None, None],
        ]
    )
    client = cast.client("coordinator")
    response = _post(client, cast.network.slug, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "อ่านจากแผ่นงาน Excel “องค์กร”" in body
    assert "ยืนยันการนำเข้า" in body
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    school = Organisation.objects.get(name_th="โรงเรียนบ้านหนองบัว")
    assert (school.kind, school.province, school.phone, school.website) == (
        "school",
        "chiang_mai",
        "53111111",  # a whole number, not "53111111.0"
        "https://www.nongbua.ac.th",
    )
    assert Organisation.objects.get(name_th="มูลนิธิรักษ์ป่าต้นน้ำ").province == "lamphun"


def test_cells_become_text_dates_as_dates_and_formulas_are_not_run():
    data = _book(
        [
            ["a", "b", "c", "d", "e"],
            [dt.date(2026, 1, 15), dt.datetime(2026, 1, 15, 9, 30), 1.5, "=1+1", True],
        ]
    )
    rows = imports.read(data).rows
    # openpyxl saves no result for a formula it wrote; nothing computes one here.
    assert rows[1] == ["2026-01-15", "2026-01-15 09:30:00", "1.5", "", "TRUE"]


def test_a_formula_gives_its_saved_result_only():
    """A formula cell with a saved result (as Excel writes it) reads as that result."""
    data = _book([["Name (Thai)"], ["x"]])
    sheet = _sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name (Thai)</t></is></c></row>'
        '<row r="2"><c r="A2" t="str"><f>CONCAT("โรงเรียน","ดี")</f><v>โรงเรียนดี</v></c></row>'
    )
    rows = imports.read(_with_parts(data, {"xl/worksheets/sheet1.xml": sheet})).rows
    assert rows == [["Name (Thai)"], ["โรงเรียนดี"]]


def test_people_from_a_workbook(cast):
    data = _book(
        [
            ["องค์กร", "คำนำหน้า", "ชื่อ-นามสกุล", "บทบาท"],
            [cast.partner_org.name_th, "นาง", "สมใจ รักเรียน", "แกนนำหลัก"],
        ]
    )
    client = cast.client("coordinator")
    _post(client, cast.network.slug, data, kind="people")
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    person = Person.objects.get(full_name="สมใจ รักเรียน")
    assert Role.objects.filter(network=cast.network, person=person, kind="core_leader").exists()


# --- hostile workbooks ----------------------------------------------------------------------
def _refused(cast, data: bytes, expected: str, language="th"):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    before = _counts()
    response = _post(client, cast.network.slug, data)
    assert response.status_code == 422
    body = response.content.decode()
    assert expected in body, body[body.find("invalid-feedback") - 200 :][:800]
    assert "ยืนยันการนำเข้า" not in body
    assert "Confirm the import" not in body
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert _counts() == before
    return body


def test_a_zip_bomb_workbook_is_refused_from_its_directory(cast):
    """200 MB of zeros packed into ~200 KB: refused on the declared sizes alone."""
    data = _with_parts(_book([["Name (Thai)"], ["ก"]]), {"xl/media/image1.png": bytes(200 * 2**20)})
    assert len(data) < imports.MAX_BYTES
    body = _refused(cast, data, "ไฟล์จะขยายออกเป็น 200 MB")
    assert "16 MB" in body
    _refused(cast, data, "it would unpack to 200 MB", language="en")


def _lying_zip(data: bytes, name: str, real: bytes, declared: int) -> bytes:
    """The workbook with one part whose directory entry declares ``declared`` bytes
    while its data inflates to all of ``real`` (the CRC is of the declared bytes)."""
    packed = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = packed.compress(real) + packed.flush()
    crc = zlib.crc32(real[:declared])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info), zipfile.ZIP_DEFLATED)
    # Append the lying part by hand: local header, data, then rebuild the directory.
    archive = bytearray(out.getvalue())
    end = archive.rfind(b"PK\x05\x06")
    directory_at = struct.unpack("<I", archive[end + 16 : end + 20])[0]
    directory = archive[directory_at:end]
    count = struct.unpack("<H", archive[end + 10 : end + 12])[0]
    encoded = name.encode()
    offset = directory_at
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), declared, len(encoded), 0
    )
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        b"PK\x01\x02",
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(body),
        declared,
        len(encoded),
        0,
        0,
        0,
        0,
        0,
        offset,
    )
    new = bytes(archive[:directory_at]) + local + encoded + body
    directory_start = len(new)
    new += bytes(directory) + central + encoded
    eocd = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        count + 1,
        count + 1,
        len(new) - directory_start,
        directory_start,
        0,
    )
    return new + eocd


def test_a_part_packed_larger_than_it_declares_is_refused(cast):
    """A sheet declaring 1 KB whose packed data (51 KB) inflates to 50 MB."""
    real = _sheet('<row r="1"><c t="inlineStr"><is><t>Name (Thai)</t></is></c></row>') + b" " * (
        50 * 2**20
    )
    data = _lying_zip(_book([["x"]]), "xl/worksheets/sheet1.xml", real, declared=1024)
    assert len(data) < imports.MAX_BYTES
    _refused(cast, data, "อ่านไฟล์ Excel นี้ไม่ได้ เพราะไฟล์เสียหาย")


def test_a_part_that_inflates_past_its_declared_size_is_read_no_further(cast, monkeypatch):
    """A sheet declaring 200 KB (more than its 51 KB of packed data) that inflates to
    50 MB: zipfile stops at the declared size, so the XML ends early and the file is
    refused as damaged; no more than the declared bytes are ever inflated."""
    real = (
        f'<?xml version="1.0"?><worksheet {NS}><sheetData>'
        '<row r="1"><c t="inlineStr"><is><t>Name (Thai)</t></is></c></row>'
    ).encode()
    real += b" " * (50 * 2**20) + b"</sheetData></worksheet>"
    data = _lying_zip(_book([["x"]]), "xl/worksheets/sheet1.xml", real, declared=200 * 1024)
    inflated = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        chunk = original(self, n)
        inflated.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    _refused(cast, data, "อ่านไฟล์ Excel นี้ไม่ได้ เพราะไฟล์เสียหาย")
    assert sum(inflated) < 1024 * 1024


def test_too_many_parts_are_refused(cast):
    parts = {f"xl/media/p{i}.bin": b"x" for i in range(imports.XLSX_MAX_PARTS + 1)}
    data = _with_parts(_book([["Name (Thai)"], ["ก"]]), parts)
    _refused(cast, data, f"ไฟล์ประกอบด้วยส่วนย่อยเกิน {imports.XLSX_MAX_PARTS} ส่วน")


def test_xml_entities_are_refused(cast):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        f']><worksheet {NS}><sheetData><row r="1"><c t="inlineStr"><is><t>&c;</t></is></c>'
        "</row></sheetData></worksheet>"
    ).encode()
    data = _with_parts(_book([["x"]]), {"xl/worksheets/sheet1.xml": laughs})
    _refused(cast, data, "ไฟล์มีการประกาศเอนทิตี XML")


def test_a_row_of_too_many_cells_is_refused(cast):
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * (imports.XLSX_MAX_ROW_CELLS + 1)
    data = _with_parts(_book([["x"]]), {"xl/worksheets/sheet1.xml": _sheet(f"<row>{cells}</row>")})
    _refused(cast, data, f"มีแถวที่มีเซลล์เกิน {imports.XLSX_MAX_ROW_CELLS} เซลล์")


def test_a_sheet_of_too_many_elements_is_refused(cast):
    rows = "<row/>" * (imports.XLSX_MAX_SHEET_ELEMENTS + 1)
    data = _with_parts(_book([["x"]]), {"xl/worksheets/sheet1.xml": _sheet(rows)})
    _refused(cast, data, "ไฟล์มีขนาดใหญ่เกินกว่าจะนำเข้าได้")


def test_too_many_columns_are_refused(cast):
    header = ["Name (Thai)", "Kind", "Province"] + [""] * (imports.MAX_COLUMNS - 3) + ["extra"]
    _refused(cast, _book([header]), f"ไฟล์มีคอลัมน์เกิน {imports.MAX_COLUMNS} คอลัมน์")


def test_too_many_rows_are_a_problem_and_only_a_few_past_the_limit_are_read(cast):
    rows = [["Name (Thai)", "Kind", "Province"]] + [
        [f"โรงเรียน {i}", "school", "chiang_mai"] for i in range(imports.MAX_ROWS + 50)
    ]
    table = imports.read(_book(rows))
    assert len(table.rows) == imports.MAX_ROWS + 2
    result = imports.preview(network=cast.network, kind="organisations", rows=table.rows)
    assert [p.row for p in result.problems] == [1]
    assert "2000" in result.problems[0].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "ไฟล์เสียหาย"),
        (_book([["x"]])[:-200], "ไฟล์เสียหาย"),
    ],
)
def test_a_damaged_workbook_is_refused(cast, data, message):
    _refused(cast, data, message)


def test_an_opendocument_spreadsheet_is_named(cast):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    _refused(cast, out.getvalue(), "OpenDocument (.ods)")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        imports.read(out.getvalue())
    assert "not an Excel workbook" in refused.value.messages[0]
