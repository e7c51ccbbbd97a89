"""Everyday use in a real browser, in Thai, as the coordinator (issue 14, "Must show").

1. Imports the organisations from a CSV that Excel on Thai Windows wrote (cp874, no
   BOM): the preview shows kinds and provinces as the site names them (สถานศึกษา,
   เชียงใหม่), not the codes, and says the file was read as TIS-620; then the people
   from an Excel workbook.
2. Finds one of the people just imported on the directory's People tab by a piece
   from the middle of her surname.
3. Renames an organisation that signed the agreement, on its own page; the signed
   version's page and its sealed PDF still carry the name it signed under.

The signed agreement is set up with the services before the browser starts (its
signatories sign through the sign page in test_journeys; here only what follows
matters). Celery runs eagerly, so the last signature seals the PDF inside that call.
"""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from agreements import services as agreement_services
from agreements.models import AgreementVersion
from network.models import Organisation, Person, Role
from tests.agreements import factories as agreement_factories
from tests.core.pdf_helpers import signing_dir  # noqa: F401
from tests.e2e.conftest import axe_check, login, pdf_text, screenshot
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_dir"),
]

SCHOOL = "โรงเรียนบ้านหนองบัววิทยาคม"
TAMBON = "องค์การบริหารส่วนตำบลหนองบัว"
PERSON = "พิมพ์ชนก ศรีสุวรรณรัตน์"
FRAGMENT = "สุวรรณ"  # from the middle of the surname
OTHER_PERSON = "ประเสริฐ มั่นคงดี"
OLD_NAME = "โรงเรียนแม่ริมวิทยาคม"
NEW_NAME = "โรงเรียนแม่ริมวิทยาคม ในพระราชูปถัมภ์"
TIS_620_NOTE = "TIS-620"


def _accessible(page, name: str) -> None:
    bad = axe_check(page, name)
    assert not bad, f"axe found serious/critical violations on {name}: {bad}"


def _no_errors(page) -> None:
    problems = page.locator(".alert-danger, .invalid-feedback, .is-invalid, .errorlist")
    assert problems.count() == 0, page.inner_text("main")[:2000]


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()


def _organisations_cp874() -> bytes:
    """What Excel on Thai Windows saves as plain "CSV": cp874 bytes, no BOM. One row
    gives kind and province as codes, the other as the Thai labels."""
    text = (
        "ชื่อองค์กร (ภาษาไทย),ชื่อองค์กร (ภาษาอังกฤษ),ประเภท,จังหวัด\r\n"
        f"{SCHOOL},Ban Nong Bua Wittayakhom School,school,chiang_mai\r\n"
        f"{TAMBON},,องค์กรปกครองส่วนท้องถิ่น,เชียงใหม่\r\n"
    )
    data = text.encode("cp874")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really Thai Windows bytes, not UTF-8 in disguise
    return data


def _people_xlsx(path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["องค์กร", "คำนำหน้า", "ชื่อ-นามสกุล", "ตำแหน่ง", "อีเมล", "บทบาท"])
    sheet.append([SCHOOL, "นางสาว", PERSON, "ครูชำนาญการ", "pimchanok@example.ac.th", "แกนนำ"])
    sheet.append([TAMBON, "นาย", OTHER_PERSON, "ปลัด อบต.", "", "คณะกรรมการ"])
    book.save(path)


def _signed_agreement(cast) -> AgreementVersion:
    """Version 1 sent and signed by both parties under the lead school's OLD name."""
    lead = cast.network.lead_organisation
    lead.name_th = OLD_NAME
    lead.save()
    version = agreement_factories.draft_for(cast)
    agreement_services.version_send(version=version, user=cast.coordinator)
    for party in version.parties.select_related("signatory__user"):
        agreement_services.party_sign(
            party=party,
            user=party.signatory.user,
            password=PASSWORD,
            typed_name=party.signatory.full_name,
        )
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.SIGNED
    assert version.sealed_document_id, "the last signature did not seal the PDF"
    return version


def test_import_search_and_rename_after_signing(page_factory, cast, tmp_path):
    network = cast.network
    slug = network.slug
    version = _signed_agreement(cast)
    desk = page_factory(width=1280, height=900)
    login(desk, cast.coordinator.email, PASSWORD)
    assert desk.locator("html").get_attribute("lang") == "th"

    # --- 1a. organisations from a Thai Windows CSV: preview in labels, then confirm ---
    desk.goto(f"/networks/{slug}/import/")
    desk.check("input[name=kind][value=organisations]")
    desk.set_input_files(
        "input[name=file]",
        files=[{"name": "องค์กร.csv", "mimeType": "text/csv", "buffer": _organisations_cp874()}],
    )
    _submit(desk, "form[enctype='multipart/form-data']")
    _no_errors(desk)
    confirm = f"form[action='/networks/{slug}/import/confirm/']"
    desk.locator(confirm).wait_for()
    notes = desk.inner_text("main ul.list-unstyled")
    assert TIS_620_NOTE in notes, notes
    assert "ภาษาไทย" in notes, notes
    cells = desk.locator("main table.table-striped tbody td").all_inner_texts()
    assert SCHOOL in cells, cells
    assert TAMBON in cells, cells
    assert "สถานศึกษา" in cells, cells
    assert "องค์กรปกครองส่วนท้องถิ่น" in cells, cells
    assert "เชียงใหม่" in cells, cells
    assert "school" not in cells, cells
    assert "chiang_mai" not in cells, cells
    _accessible(desk, "th-everyday-import-preview-organisations")
    screenshot(desk, "th-everyday-1-import-preview-organisations")
    _submit(desk, confirm)
    _no_errors(desk)
    school = Organisation.objects.get(name_th=SCHOOL)
    assert school.kind == "school"
    assert school.province == "chiang_mai"
    assert network.memberships.filter(organisation=school, left_on=None).exists()

    # --- 1b. people from an Excel workbook ------------------------------------------
    workbook = tmp_path / "บุคลากร.xlsx"
    _people_xlsx(workbook)
    desk.goto(f"/networks/{slug}/import/")
    desk.check("input[name=kind][value=people]")
    desk.set_input_files("input[name=file]", str(workbook))
    _submit(desk, "form[enctype='multipart/form-data']")
    _no_errors(desk)
    desk.locator(confirm).wait_for()
    cells = desk.locator("main table.table-striped tbody td").all_inner_texts()
    assert PERSON in cells, cells
    assert OTHER_PERSON in cells, cells
    assert "core_leader" not in cells, cells
    _accessible(desk, "th-everyday-import-preview-people")
    screenshot(desk, "th-everyday-2-import-preview-people")
    _submit(desk, confirm)
    _no_errors(desk)
    person = Person.objects.get(full_name=PERSON)
    assert person.organisation == school
    assert person.roles.filter(network=network, kind=Role.Kind.CORE_LEADER).exists()

    # --- 2. the directory's People tab finds her by a piece of her surname ----------
    desk.goto(f"/organisations/people/?q={FRAGMENT}")
    main = desk.inner_text("main")
    assert PERSON in main, main[:2000]
    assert OTHER_PERSON not in main
    assert desk.input_value("input[name=q]") == FRAGMENT
    _accessible(desk, "th-everyday-people-search")
    screenshot(desk, "th-everyday-3-people-search")

    # --- 3. rename a signing party on its page; what was signed keeps the old name ---
    lead = network.lead_organisation
    desk.goto(f"/organisations/{lead.pk}/edit/")
    assert desk.input_value("#id_name_th") == OLD_NAME
    desk.fill("#id_name_th", NEW_NAME)
    _submit(desk, "main form[method=post]")
    _no_errors(desk)
    assert desk.url.endswith(f"/organisations/{lead.pk}/")
    assert NEW_NAME in desk.inner_text("main")
    lead.refresh_from_db()
    assert lead.name_th == NEW_NAME

    desk.goto(f"/networks/{slug}/agreement/v{version.number}/")
    parties = desk.locator("main table:has(td .badge)").inner_text()
    sections = desk.locator("main .agreement-content").inner_text()
    assert OLD_NAME in parties, parties
    assert NEW_NAME not in parties, parties
    assert OLD_NAME in sections, sections
    assert NEW_NAME not in sections, sections
    screenshot(desk, "th-everyday-4-signed-version-after-rename")

    pdf_link = desk.locator(f"main a[href$='/agreement/v{version.number}/pdf/']").first
    href = pdf_link.get_attribute("href")
    response = desk.request.get(f"{href}?download=1")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert OLD_NAME in text, text[:1000]
    assert NEW_NAME not in text, text[:1000]
    assert "ในพระราชูปถัมภ์" not in text, text[:1000]
