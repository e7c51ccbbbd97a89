"""The product's main journeys in a real browser, in Thai, as its users would go through them.

One test walks the whole life of a network: the coordinator founds it, brings in a partner
organisation, invites its representative and drafts the agreement; the partner accepts the
emailed link, signs, reports progress with evidence and submits the period's report; the
chair downloads the sealed agreement and the committee PDF. It is one test on purpose:
each step needs the rows the previous ones made, and the live-server tests flush the
database between tests. Celery runs eagerly, so emails land in ``mail.outbox`` and PDFs
are built inside the request that asks for them.

Setup that no person does through a page is done with services and says so: the beat
task that opens reporting periods, and the committee chair's seat (site administration).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core import mail
from PIL import Image

from agreements.models import Party
from network import services as network_services
from network.models import Network, Person, Role
from reports.models import ProgressReport
from roadmap.models import Activity
from tests.e2e.conftest import (
    axe_check,
    login,
    logout,
    mailed_path,
    no_sideways_scroll,
    pdf_text,
    screenshot,
)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME_TH = "เครือข่ายโรงเรียนรักษ์ถิ่น แม่ริม"
NAME_EN = "Mae Rim Schools Network"
PARTNER_ORG = "มหาวิทยาลัยราชภัฏเชียงใหม่ทดลอง"
PARTNER_NAME = "ดร.สมศรี ใจดี"
PARTNER_EMAIL = "somsri@example.ac.th"
PARTNER_PASSWORD = "ภาคีเครือข่าย-2569-ok"


def _accessible(page, name: str) -> None:
    if page.viewport_size["width"] < 600:
        # The partner works on a phone: nothing may scroll the page sideways.
        assert no_sideways_scroll(page), f"{name} scrolls sideways on a phone"
    bad = axe_check(page, name)
    assert not bad, f"axe found serious/critical violations on {name}: {bad}"


def _png() -> bytes:
    """A small real photo-like PNG (the evidence check decodes images with Pillow)."""
    image = Image.new("RGB", (64, 48), (30, 120, 200))
    for x in range(64):
        image.putpixel((x, x % 48), (250, 200, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()


def _follow(page, link) -> None:
    """Click a link and wait for the page it opens: a check run while the old page
    unloads finds no document (the flake CI met: documentElement was null)."""
    with page.expect_navigation():
        link.click()


def _flash_ok(page) -> None:
    """A page after a successful post shows no error alert."""
    problems = page.locator(".alert-danger, .invalid-feedback, .is-invalid, .errorlist")
    assert problems.count() == 0, page.inner_text("main")[:2000]


def test_network_life_in_thai(page_factory, cast):
    coordinator, chair = cast.coordinator, cast.chair

    # --- 1. The coordinator founds the network and writes its charter --------------
    desk = page_factory(width=1280, height=900)
    login(desk, coordinator.email, PASSWORD)
    assert desk.locator("html").get_attribute("lang") == "th"
    _follow(desk, desk.get_by_role("link", name="ก่อตั้งเครือข่ายใหม่"))
    desk.fill("#id_name_th", NAME_TH)
    desk.fill("#id_name_en", NAME_EN)
    desk.select_option("#id_form", "networked_org")
    desk.fill("#id_founded_on", "01/06/2569")
    _submit(desk, "main form[method=post]")
    _flash_ok(desk)
    network = Network.objects.get(name_th=NAME_TH)
    slug = network.slug
    assert desk.url.endswith(f"/networks/{slug}/charter/")
    desk.fill("#id_purpose", "ยกระดับการอ่านของนักเรียนในอำเภอแม่ริม")
    desk.fill("#id_practice", "ค่ายรักการอ่านและการนิเทศร่วมทุกภาคเรียน")
    _submit(desk, "main form[method=post]")
    _flash_ok(desk)
    assert desk.url.endswith(f"/networks/{slug}/")
    assert "ยกระดับการอ่านของนักเรียน" in desk.inner_text("main")
    _accessible(desk, "th-network-page")
    screenshot(desk, "th-1-network-page")

    # The committee chair's seat is given by site administration, not by a page.
    network_services.membership_add(network=network, organisation=chair.person.organisation)
    network_services.role_grant(network=network, person=chair.person, kind=Role.Kind.CHAIR)

    # --- 2. ... brings the partner organisation in (CSV import) and invites its rep ----
    desk.goto(f"/networks/{slug}/import/")
    csv_text = (
        "ชื่อองค์กร (ภาษาไทย),ชื่อองค์กร (ภาษาอังกฤษ),ประเภท,จังหวัด\n"
        f"{PARTNER_ORG},Chiang Mai Trial University,มหาวิทยาลัย,เชียงใหม่\n"
    )
    desk.check("input[name=kind][value=organisations]")
    desk.set_input_files(
        "input[name=file]",
        files=[{"name": "partners.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}],
    )
    _submit(desk, "form[enctype='multipart/form-data']")
    assert PARTNER_ORG in desk.inner_text("main"), desk.inner_text("main")
    _submit(desk, f"form[action='/networks/{slug}/import/confirm/']")
    _flash_ok(desk)

    desk.goto(f"/networks/{slug}/invitations/")
    _accessible(desk, "th-invitations")
    desk.select_option("#id_organisation", label=PARTNER_ORG)
    desk.fill("#id_full_name", PARTNER_NAME)
    desk.fill("#id_position", "อาจารย์ประจำคณะครุศาสตร์")
    desk.fill("#id_email", PARTNER_EMAIL)
    desk.select_option("#id_role", Role.Kind.PARTNER_REP)
    _submit(desk, "main form[method=post]")
    _flash_ok(desk)
    assert PARTNER_EMAIL in desk.inner_text("main")
    invitation_path = mailed_path(mail.outbox, to=PARTNER_EMAIL, contains="/invitations/")

    # --- 3. ... drafts the agreement: five sections, a resource line, a duty ----------
    desk.goto(f"/networks/{slug}/agreement/")
    _accessible(desk, "th-agreement-index-empty")
    _submit(desk, f"form[action='/networks/{slug}/agreement/start/']")
    assert "/agreement/v1/edit/" in desk.url
    sections = {
        "basic_information": f"ข้อตกลงความร่วมมือของ{NAME_TH} ระหว่างโรงเรียนแกนนำและมหาวิทยาลัย",
        "duties_text": "ทุกฝ่ายร่วมพัฒนาการอ่านของนักเรียน",
        "resources_text": "งบประมาณจากโรงเรียนแกนนำและวิทยากรจากมหาวิทยาลัย",
        "planning": "ประชุมวางแผนร่วมกันภาคเรียนละครั้ง",
        "communication": "กลุ่มไลน์และอีเมลของเครือข่าย",
        "monitoring": "นิเทศติดตามทุกเดือน",
        "reporting": "รายงานความก้าวหน้าทุกเดือน",
        "other_matters": "แก้ไขข้อตกลงได้เมื่อทุกฝ่ายยินยอม",
    }
    for field, text in sections.items():
        desk.fill(f"#id_{field}", text)
    desk.fill("#id_effective_from", "01/07/2569")
    desk.fill("#id_effective_until", "30/06/2570")
    _submit(desk, "main form[method=post]:not([action])")
    _flash_ok(desk)
    partner_org_id = str(network.memberships.get(organisation__name_th=PARTNER_ORG).organisation_id)
    duty_form = f"form[action='/networks/{slug}/agreement/v1/duties/add/']"
    desk.select_option(f"{duty_form} select[name=organisation]", partner_org_id)
    desk.fill(f"{duty_form} textarea[name=text]", "จัดวิทยากรอบรมครูภาษาไทยปีละสองครั้ง")
    _submit(desk, duty_form)
    resource_form = f"form[action='/networks/{slug}/agreement/v1/resources/add/']"
    desk.select_option(f"{resource_form} select[name=kind]", "money")
    desk.fill(f"{resource_form} input[name=description]", "ค่าหนังสือสำหรับห้องสมุด")
    desk.fill(f"{resource_form} input[name=amount_baht]", "25000")
    desk.select_option(
        f"{resource_form} select[name=organisation]", str(network.lead_organisation_id)
    )
    _submit(desk, resource_form)
    _flash_ok(desk)
    page_text = desk.inner_text("main")
    assert "จัดวิทยากรอบรมครูภาษาไทย" in page_text
    assert "ค่าหนังสือสำหรับห้องสมุด" in page_text
    assert "25,000.00" in page_text
    _accessible(desk, "th-agreement-draft")
    screenshot(desk, "th-2-agreement-draft")

    # --- 4. The partner opens the emailed link and creates an account -----------------
    phone = page_factory(width=390, height=844)
    phone.goto(invitation_path)
    assert NAME_TH in phone.inner_text("main")
    _accessible(phone, "th-invitation-accept")
    assert phone.input_value("#id_full_name") == PARTNER_NAME
    phone.fill("#id_password1", PARTNER_PASSWORD)
    phone.fill("#id_password2", PARTNER_PASSWORD)
    _submit(phone, "main form[method=post]")
    _flash_ok(phone)
    assert phone.url.endswith(f"/networks/{slug}/")
    assert PARTNER_NAME in phone.inner_text("main")
    screenshot(phone, "th-3-partner-landed")
    partner_person = Person.objects.get(user__email=PARTNER_EMAIL)

    # --- 5. The coordinator names the signatories and sends for signature ------------
    desk.goto(f"/networks/{slug}/agreement/v1/parties/")
    for person in (coordinator.person, partner_person):
        desk.select_option("#id_signatory", str(person.pk))
        _submit(desk, "main form.card")
        _flash_ok(desk)
    desk.goto(f"/networks/{slug}/agreement/v1/send/")
    _submit(desk, "main form[method=post]")
    _flash_ok(desk)
    assert desk.url.endswith("/agreement/v1/")
    screenshot(desk, "th-4-agreement-sent")
    sign_path = mailed_path(mail.outbox, to=PARTNER_EMAIL, contains="/agreement/v1/")

    # --- 6. The partner signs: the password again and the full name -----------------
    phone.goto(sign_path)
    if not phone.url.endswith("/sign/"):
        _follow(phone, phone.get_by_role("link", name="อ่านและลงนาม").first)
    assert phone.url.endswith("/agreement/v1/sign/")
    _accessible(phone, "th-sign-page")
    # A mistyped password is refused in Thai and signs nothing.
    phone.fill("#id_password", "ไม่ใช่รหัสนี้")
    phone.fill("#id_typed_name", PARTNER_NAME)
    phone.check("#id_confirm")
    _submit(phone, "main form[method=post]")
    assert "รหัสผ่านไม่ถูกต้อง" in phone.inner_text("main")
    assert Party.objects.get(signatory=partner_person).status == Party.Status.PENDING
    phone.fill("#id_password", PARTNER_PASSWORD)
    phone.fill("#id_typed_name", PARTNER_NAME)
    phone.check("#id_confirm")
    screenshot(phone, "th-5-sign-form")
    _submit(phone, "main form[method=post]")
    _flash_ok(phone)
    # The coordinator signs for the lead school; the last signature seals the PDF.
    desk.goto(f"/networks/{slug}/agreement/v1/sign/")
    desk.fill("#id_password", PASSWORD)
    desk.fill("#id_typed_name", coordinator.person.full_name)
    desk.check("#id_confirm")
    _submit(desk, "main form[method=post]")
    _flash_ok(desk)
    desk.goto(f"/networks/{slug}/agreement/v1/")
    _accessible(desk, "th-agreement-page")
    screenshot(desk, "th-6-agreement-signed")

    # --- 7. The coordinator plans an activity for the partner and the schedule ---------
    desk.goto(f"/networks/{slug}/roadmap/activities/new/?step=5")
    desk.fill("#id_title", "ค่ายรักการอ่านภาคฤดูร้อน")
    desk.fill("#id_description", "ค่ายสามวันสำหรับนักเรียนชั้น ป.4-6")
    desk.check(f"input[name=owners][value='{partner_org_id}']")
    desk.fill("#id_due_on", "31/12/2569")
    _submit(desk, "main form[method=post]")
    _flash_ok(desk)
    activity = Activity.objects.get(title="ค่ายรักการอ่านภาคฤดูร้อน")
    desk.goto(f"/networks/{slug}/reports/schedule/")
    desk.select_option("#id_frequency", "monthly")
    desk.fill("#id_starts_on", "01/07/2569")
    desk.fill("#id_due_day", "5")
    _submit(desk, "main form[method=post]:not([action])")
    _flash_ok(desk)
    assert desk.url.endswith(f"/networks/{slug}/reports/"), desk.inner_text("main")[:2000]
    # Confirming the schedule opened the periods that have started, in that request.
    assert ProgressReport.objects.filter(period__network__slug=slug).exists()

    # --- 8. The partner updates the activity with evidence, then reports ---------------
    phone.goto(f"/networks/{slug}/roadmap/")
    _accessible(phone, "th-roadmap-overview")
    phone.goto(f"/networks/{slug}/roadmap/activities/{activity.pk}/")
    _accessible(phone, "th-activity-page")
    phone.fill("input[name=percent]", "60")
    phone.select_option("select[name=status]", "in_progress")
    phone.fill("textarea[name=narrative]", "จัดค่ายรุ่นแรกแล้ว นักเรียนเข้าร่วม 48 คน")
    phone.set_input_files(
        "input[name=files]",
        files=[{"name": "ภาพกิจกรรม.png", "mimeType": "image/png", "buffer": _png()}],
    )
    phone.locator("form.progress-form [type=submit]").click()
    phone.get_by_text("บันทึกรายงานความก้าวหน้าของคุณแล้ว").wait_for()
    assert "ภาพกิจกรรม" in phone.inner_text("#progress-panel")
    screenshot(phone, "th-7-activity-updated")
    activity.refresh_from_db()
    assert activity.percent == 60
    assert activity.updates.get().evidence.get().content_type == "image/png"

    report = partner_person.organisation.progress_reports.order_by("-period__starts_on").first()
    phone.goto(f"/networks/{slug}/reports/")
    _follow(phone, phone.locator(f"a[href='/networks/{slug}/reports/{report.pk}/']"))
    _accessible(phone, "th-report-form")
    phone.fill("#id_problems", "นักเรียนบางส่วนเดินทางไกล")
    phone.fill("#id_help_needed", "รถรับส่งนักเรียน")
    narratives = phone.locator("textarea[name^=n_]")
    if narratives.count():
        narratives.first.fill("ค่ายรุ่นแรกสำเร็จตามแผน")
    # Submitting locks the report: the page asks for a confirmation first.
    phone.check("#confirm_submit")
    with phone.expect_navigation():
        phone.locator("button[name=action][value=submit]").click()
    _flash_ok(phone)
    screenshot(phone, "th-8-report-submitted")
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.problems == "นักเรียนบางส่วนเดินทางไกล"

    # --- 9. The chair downloads the signed agreement and builds the committee PDF -------
    chair_page = page_factory(width=1280, height=900)
    login(chair_page, chair.email, PASSWORD)
    chair_page.goto(f"/networks/{slug}/dashboard/")
    _accessible(chair_page, "th-dashboard")
    screenshot(chair_page, "th-9-dashboard")
    chair_page.goto(f"/networks/{slug}/agreement/")
    signed_link = chair_page.get_by_role("link", name="PDF ที่ลงนามแล้ว").first
    href = signed_link.get_attribute("href")
    response = chair_page.request.get(f"{href}?download=1")
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert NAME_TH in text, text[:500]
    assert PARTNER_NAME.split()[-1] in text

    chair_page.goto(f"/networks/{slug}/reports/committee/")
    _accessible(chair_page, "th-committee")
    chair_page.select_option("#id_period", str(report.period_id))
    chair_page.select_option("#id_language", "th")
    _submit(chair_page, "main form[method=post]")
    chair_page.locator("#committee-status a[href$='/pdf/']").wait_for(timeout=60_000)
    screenshot(chair_page, "th-10-committee-ready")
    _accessible(chair_page, "th-committee-ready")
    with chair_page.expect_download() as download_info:
        chair_page.locator("#committee-status a[href$='/pdf/']").click()
    download = download_info.value
    text = pdf_text(Path(download.path()).read_bytes())
    assert NAME_TH in text, text[:500]

    logout(phone)
