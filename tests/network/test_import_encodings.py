"""Import: the file's encoding is read from its content (issue 14 item 2).

What Thai offices have: Excel on Thai Windows saves plain "CSV" as TIS-620 (cp874),
"Unicode Text" as UTF-16 with a BOM and tabs, "CSV UTF-8" with a BOM. Each is read;
anything else is refused with a message naming what is accepted, and nothing is
written.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from network import imports
from network.models import Invitation, JoinRequest, Membership, Organisation, Person, Role

THAI_ORGS = (
    "ชื่อองค์กร (ภาษาไทย),ประเภท,จังหวัด,ที่อยู่\n"
    "โรงเรียนบ้านหนองบัว,สถานศึกษา,เชียงใหม่,99 หมู่ 3 ตำบลหนองหาร\n"
    "มูลนิธิรักษ์ป่าต้นน้ำ,มูลนิธิหรือองค์กรการกุศล,ลำพูน,\n"
)


def _counts():
    return (
        Organisation.objects.count(),
        Membership.objects.count(),
        Person.objects.count(),
        Role.objects.count(),
        Invitation.objects.count(),
        JoinRequest.objects.count(),
    )


def _post(client, slug, data: bytes, *, name="file.csv", kind="organisations"):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(f"/networks/{slug}/import/", {"kind": kind, "file": upload})


def _confirm_imports_both(cast, client):
    response = client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert response.status_code == 302
    school = Organisation.objects.get(name_th="โรงเรียนบ้านหนองบัว")
    assert (school.kind, school.province, school.address) == (
        "school",
        "chiang_mai",
        "99 หมู่ 3 ตำบลหนองหาร",
    )
    assert Organisation.objects.get(name_th="มูลนิธิรักษ์ป่าต้นน้ำ").kind == "foundation"
    assert Membership.objects.filter(network=cast.network, organisation=school).exists()


def test_a_tis620_csv_from_thai_windows_excel_imports(cast):
    data = THAI_ORGS.replace("\n", "\r\n").encode("cp874")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # what used to be refused as "not UTF-8"
    client = cast.client("coordinator")
    response = _post(client, cast.network.slug, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "อ่านเป็นข้อความภาษาไทยของ Windows (TIS-620)" in body
    assert "โรงเรียนบ้านหนองบัว" in body
    assert "ยืนยันการนำเข้า" in body
    _confirm_imports_both(cast, client)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_unicode_text_file_with_tabs_imports(cast, encoding):
    """Excel's "Unicode Text": UTF-16 with its BOM, little-endian, tab-separated;
    big-endian with a BOM reads the same."""
    text = THAI_ORGS.replace(",", "\t").replace("\n", "\r\n")
    data = (
        ("\ufeff" + text).encode("utf-16-be") if encoding == "utf-16-be" else text.encode(encoding)
    )
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    client = cast.client("coordinator")
    body = _post(client, cast.network.slug, data, name="orgs.txt").content.decode()
    assert "อ่านเป็นข้อความ Unicode (UTF-16)" in body
    _confirm_imports_both(cast, client)


@pytest.mark.parametrize("bom", [True, False])
def test_utf8_with_and_without_bom_imports(cast, bom):
    data = (b"\xef\xbb\xbf" if bom else b"") + THAI_ORGS.encode("utf-8")
    client = cast.client("coordinator")
    body = _post(client, cast.network.slug, data).content.decode()
    assert "TIS-620" not in body.split("<form")[0]  # no note: UTF-8 is the plain case
    _confirm_imports_both(cast, client)


def test_the_content_decides_not_the_name(cast):
    """A CSV named .xlsx is read as CSV; a workbook named .csv is read as a workbook."""
    import io

    from openpyxl import Workbook

    client = cast.client("coordinator")
    body = _post(client, cast.network.slug, THAI_ORGS.encode(), name="orgs.xlsx").content.decode()
    assert "ยืนยันการนำเข้า" in body
    book = Workbook()
    for line in THAI_ORGS.splitlines():
        book.active.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    body = _post(client, cast.network.slug, out.getvalue(), name="orgs.csv").content.decode()
    assert "อ่านจากแผ่นงาน Excel" in body
    assert "ยืนยันการนำเข้า" in body
    _confirm_imports_both(cast, client)


UNREADABLE = {
    # Western European text: é reads as a Thai tone mark on a Latin letter.
    "latin-1": "Name (Thai),Kind,Province\nCafé de la Gare,school,chiang_mai\n".encode("latin-1"),
    "cp1252": "Name (Thai),Kind,Province\nHôtel Besançon,school,chiang_mai\n".encode("cp1252"),
    "gbk": "Name (Thai),Kind,Province\n北京大学,school,chiang_mai\n".encode("gbk"),
    "cp1251": "Name (Thai),Kind,Province\nМосква,school,chiang_mai\n".encode("cp1251"),
    "utf-16 without a BOM": "Name (Thai),Kind,Province\nก,school,chiang_mai\n".encode("utf-16-le"),
    "utf-32": "Name (Thai),Kind,Province\nก,school,chiang_mai\n".encode("utf-32"),
    "binary": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
@pytest.mark.parametrize("language", ["th", "en"])
def test_an_unknown_encoding_is_refused_clearly_and_writes_nothing(cast, name, language):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    before = _counts()
    response = _post(client, cast.network.slug, UNREADABLE[name])
    assert response.status_code == 422
    body = response.content.decode()
    if language == "th":
        assert "อ่านไฟล์นี้เป็นข้อความไม่ได้" in body
    else:
        assert "The file cannot be read as text" in body
    for accepted in ("CSV UTF-8", "UTF-16", "TIS-620", ".xlsx"):
        assert accepted in body
    assert "ยืนยันการนำเข้า" not in body
    assert "Confirm the import" not in body
    # Nothing kept for the confirm step either.
    response = client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert response.status_code == 302
    assert _counts() == before


def test_an_old_xls_workbook_is_named_and_refused(cast):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    body = _post(cast.client("coordinator"), cast.network.slug, data, name="a.xls").content
    assert "Excel 97–2003 (.xls)" in body.decode()


def test_decode_takes_a_bom_first_then_utf8_then_thai_windows():
    assert imports.decode("\ufeffก".encode()) == "ก"
    assert imports.decode("ก".encode("utf-16")) == "ก"
    assert imports.decode("ก,ข".encode()) == "ก,ข"
    assert imports.decode("โรงเรียน,ครู".encode("cp874")) == "โรงเรียน,ครู"
    # Pure ASCII is the same in every one of them.
    assert imports.decode(b"Name (Thai),Kind") == "Name (Thai),Kind"


def test_real_thai_text_reads_as_thai_in_cp874():
    """Every Thai string of the app's catalogues, encoded as cp874, is accepted."""
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parents[2]
    checked = coincidences = 0
    for path in root.glob("*/locale/th/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            try:
                data = entry.msgstr.encode("cp874")
            except UnicodeEncodeError:
                continue
            if not any("\u0e00" <= ch <= "\u0e7f" for ch in entry.msgstr):
                continue
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                # A word or two of TIS-620 can happen to be valid UTF-8 ("ลบ" is "ź"):
                # UTF-8 is tried first, as it must be. A whole file never is.
                coincidences += 1
                continue
            assert imports.decode(data) == entry.msgstr
            checked += 1
    assert checked > 500
    assert coincidences < 5
