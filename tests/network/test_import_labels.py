"""Import: coded columns take what the pages show; errors say what they take; the
preview shows labels; the template carries an example row."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from network import imports
from network.catalogue import MEMBER_CATEGORIES, ORGANISATION_KINDS
from network.imports.codes import _key
from network.models import Organisation, Person, Role
from network.provinces import PROVINCES

CODED = {
    "kind": (imports.KIND_CODES, [e.code for e in ORGANISATION_KINDS]),
    "province": (imports.PROVINCE_CODES, [e.code for e in PROVINCES]),
    "category": (imports.CATEGORY_CODES, [e.code for e in MEMBER_CATEGORIES]),
    "role": (imports.ROLE_CODES, list(Role.Kind.values)),
}


def _labels(codes, language: str) -> list[tuple[str, str]]:
    with translation.override(language):
        return [(codes.label(code), code) for code in CODED_CODES[codes]]


CODED_CODES = {codes: values for codes, values in CODED.values()}


@pytest.mark.parametrize("column", sorted(CODED))
@pytest.mark.parametrize("language", ["th", "en"])
def test_every_label_the_pages_show_is_taken_in_both_languages(column, language):
    codes, values = CODED[column]
    labels = _labels(codes, language)
    assert len(labels) == len(values)
    for label, code in labels:
        # As shown, in capitals, with spaces doubled, squeezed out or padded.
        variants = {label, label.upper(), f"  {label}  ", label.replace(" ", "  ")}
        variants.add(label.replace(" ", ""))
        for variant in variants:
            with translation.override("en" if language == "th" else "th"):
                assert codes.clean(variant) == code, (variant, code)
        assert codes.clean(code) == code
        assert codes.clean(code.upper()) == code


def test_the_role_labels_of_the_pages_are_taken():
    """The two the first Thai coordinator was refused, and the first import's names."""
    assert imports.ROLE_CODES.clean("แกนนำหลัก") == "core_leader"
    assert imports.ROLE_CODES.clean("ผู้ประสานงานเครือข่าย") == "coordinator"
    assert imports.ROLE_CODES.clean("แกนนำ") == "core_leader"
    assert imports.ROLE_CODES.clean("Partner representative") == "partner_rep"
    with translation.override("th"):
        shown = {str(label) for label in Role.Kind.labels}
    assert {"แกนนำหลัก", "ผู้ประสานงานเครือข่าย"} <= shown


def test_admin_labels_and_province_spellings_are_taken():
    assert imports.KIND_CODES.clean("สถานศึกษา / School") == "school"
    assert imports.KIND_CODES.clean("อื่นๆ") == "other"  # "อื่น ๆ" without its space
    for text in ("จังหวัดเชียงใหม่", "จ.เชียงใหม่", "Chiang Mai Province", "chiangmai"):
        assert imports.PROVINCE_CODES.clean(text) == "chiang_mai", text
    for text in ("กรุงเทพฯ", "กทม.", "Bangkok"):
        assert imports.PROVINCE_CODES.clean(text) == "bangkok", text
    assert imports.PROVINCE_CODES.clean("Chon Buri") == "chonburi"  # spaces aside


def test_no_two_codes_share_a_label():
    for codes, _values in CODED.values():
        lookup = codes.lookup()
        for language in ("th", "en"):
            for label, code in _labels(codes, language):
                assert lookup[_key(label)] == code


def _upload(client, slug, text, kind="organisations"):
    upload = SimpleUploadedFile("f.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(f"/networks/{slug}/import/", {"kind": kind, "file": upload})


def test_people_import_takes_the_role_labels_the_people_page_shows(cast):
    text = (
        "องค์กร,ชื่อ-นามสกุล,กลุ่มบุคคล,บทบาท\n"
        f"{cast.partner_org.name_th},ครูใหญ่ ใจดี,ผู้บริหารสถานศึกษา,ผู้ประสานงานเครือข่าย\n"
        f"{cast.partner_org.name_th},ครูน้อย ใจงาม,Outstanding teacher,แกนนำหลัก\n"
        f"{cast.partner_org.name_th},ครูกลาง ใจเย็น,,committee member\n"
    )
    client = cast.client("coordinator")
    body = _upload(client, cast.network.slug, text, kind="people").content.decode()
    assert "ยืนยันการนำเข้า" in body
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    kinds = dict(
        Role.objects.filter(network=cast.network, person__full_name__startswith="ครู").values_list(
            "person__full_name", "kind"
        )
    )
    assert kinds == {
        "ครูใหญ่ ใจดี": "coordinator",
        "ครูน้อย ใจงาม": "core_leader",
        "ครูกลาง ใจเย็น": "committee",
    }
    assert Person.objects.get(full_name="ครูน้อย ใจงาม").category == "outstanding_teacher"


# --- errors say what a column takes ---------------------------------------------------------
def test_an_unknown_kind_lists_the_kinds_in_thai(cast):
    text = "ชื่อองค์กร (ภาษาไทย),ประเภท,จังหวัด\nโรงเรียนดี,โรงเรียนประถม,เชียงใหม่\n"
    body = _upload(cast.client("coordinator"), cast.network.slug, text).content.decode()
    with translation.override("th"):
        kinds = ", ".join(e.label for e in ORGANISATION_KINDS)
    assert f"ไม่รู้จัก “โรงเรียนประถม” ในฐานะประเภทองค์กร โปรดใช้ค่าใดค่าหนึ่งต่อไปนี้: {kinds}" in body


def test_an_unknown_role_lists_the_roles_in_english(cast):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = "en"
    text = f"Organisation,Full name,Role\n{cast.partner_org.name_th},ก ข,Boss\n"
    body = _upload(client, cast.network.slug, text, kind="people").content.decode()
    assert (
        "“Boss” is not a known role. Use one of: Coordinator, Committee chair, Committee "
        "member, Core leader, Partner representative, Member." in body
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("th", "ไม่รู้จัก “Atlantis” ในฐานะจังหวัด โปรดใส่ชื่อจังหวัด เช่น เชียงใหม่"),
        ("en", "“Atlantis” is not a known province. Write a province name such as Chiang Mai."),
    ],
)
def test_an_unknown_province_gives_one_example_not_77_names(cast, language, expected):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    text = "Name (Thai),Kind,Province\nโรงเรียนดี,school,Atlantis\n"
    body = _upload(client, cast.network.slug, text).content.decode()
    assert expected in body
    assert "ลำพูน" not in body
    assert "Lamphun" not in body


# --- the preview shows labels ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("th", ("สถานศึกษา", "เชียงใหม่", "มหาวิทยาลัย", "ลำพูน"), ("chiang_mai", "lamphun")),
        ("en", ("School", "Chiang Mai", "University", "Lamphun"), ("chiang_mai", "lamphun")),
    ],
)
def test_the_preview_shows_labels_not_codes(cast, language, shown, hidden):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    text = "Name (Thai),Kind,Province\nโรงเรียนดี,school,chiang_mai\nมหาวิทยาลัยดี,university,lamphun\n"
    body = _upload(client, cast.network.slug, text).content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    for text in shown:
        assert f"<td>{text}</td>" in table
    for code in (*hidden, "<td>school</td>", "<td>university</td>"):
        assert code not in table


def test_the_people_preview_shows_role_and_category_labels(cast):
    text = (
        "Organisation,Full name,Category,Role\n"
        f"{cast.partner_org.name_th},ก ข,researcher,core_leader\n"
    )
    body = _upload(cast.client("coordinator"), cast.network.slug, text, "people").content.decode()
    table = body[body.index("<tbody>") : body.index("</tbody>")]
    assert "<td>นักวิจัย</td>" in table
    assert "<td>แกนนำหลัก</td>" in table
    assert "core_leader" not in table
    assert "researcher" not in table


# --- the template ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["organisations", "people"])
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_template_has_an_example_row_that_imports_cleanly(cast, kind, language):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = language
    response = client.get(f"/networks/{cast.network.slug}/import/{kind}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert len(rows[0]) == len(rows[1])
    columns = imports.KINDS[kind]
    assert rows[0] == [c.th if language == "th" else c.en for c in columns]
    example = dict(zip([c.key for c in columns], rows[1], strict=True))
    assert "ตัวอย่าง" in example[imports.EXAMPLE_KEY[kind]]  # Thai content, marked
    if kind == "organisations":
        assert example["kind"] == ("สถานศึกษา" if language == "th" else "School")
        assert example["province"] == ("เชียงใหม่" if language == "th" else "Chiang Mai")
    else:
        assert example["organisation"] == cast.network.lead_organisation.name_th
        assert example["role"] == ("แกนนำหลัก" if language == "th" else "Core leader")
    # As downloaded, the example row is left out (with a note) and there is nothing else.
    result = imports.preview(network=cast.network, kind=kind, text=response.content.decode())
    assert [p.message for p in result.problems] == [_("The file has a header but no rows.")]
    assert any("ตัวอย่าง" in note or "example" in note for note in result.notes)
    # Renamed, the same row is a valid row: every cell as written is accepted.
    rows[1][[c.key for c in columns].index(imports.EXAMPLE_KEY[kind])] = "ชื่อจริง ทดสอบ"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    result = imports.preview(network=cast.network, kind=kind, text=out.getvalue())
    assert result.problems == []
    assert len(result.rows) == 1


def test_a_template_with_its_example_and_real_rows_imports_only_the_real_ones(cast):
    client = cast.client("coordinator")
    template = client.get(f"/networks/{cast.network.slug}/import/organisations.csv")
    text = template.content.decode("utf-8-sig") + "โรงเรียนจริง,,สถานศึกษา,ลำปาง,,,,\n"
    body = _upload(client, cast.network.slug, text).content.decode()
    assert "แถวที่ 2 เป็นแถวตัวอย่างของแม่แบบ: จึงไม่นำเข้า" in body
    client.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert Organisation.objects.filter(name_th="โรงเรียนจริง").exists()
    assert not Organisation.objects.filter(name_th__contains="ตัวอย่าง").exists()
