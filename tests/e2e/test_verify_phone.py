"""The public verify page on a phone (360 px), in Thai and in English: the long hashes
wrap instead of widening the page, before and after a copy is checked."""

from __future__ import annotations

import pytest

from core.pdf import render_pdf
from core.sealing import sealed_document_reserve, sealed_document_store
from tests.core.pdf_helpers import signing_dir  # noqa: F401
from tests.e2e.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("signing_dir"),
]

WIDTH = 360
CONTENT = "7b3a8255468ad10db895d171108bd9a1c8b4db109042f52bde7b045935a94865"


def _seal(language: str, title: str, summary: dict):
    document = sealed_document_reserve(kind="agreement", title=title, language=language)
    pdf = render_pdf(f"<h1>{title}</h1>")
    return sealed_document_store(
        document=document, pdf=pdf, summary=summary, content_sha256=CONTENT
    )


@pytest.fixture
def record():
    """One agreement version sealed in Thai and in English (two documents, one content)."""
    party = {
        "organisation": "องค์การบริหารส่วนตำบลหนองหาร อำเภอสันทราย จังหวัดเชียงใหม่",
        "verified": False,
        "verification": "ยังไม่ได้ตรวจสอบโดยผู้ดูแลระบบ",
        "signatory": "นายบุญเลิศ คำน้ำ",
        "position": "นายกองค์การบริหารส่วนตำบลหนองหาร",
        "signed_at": "2026-11-28T10:05:00+07:00",
    }
    thai = _seal(
        "th",
        "บันทึกข้อตกลงความร่วมมือเครือข่ายส่งเสริมการอ่าน อำเภอสันทราย — ฉบับที่ 1",
        {
            "network": "เครือข่ายส่งเสริมการอ่านและการเรียนรู้ตลอดชีวิต อำเภอสันทราย",
            "period": {"start": "2026-05-16", "end": "2027-05-15"},
            "parties": [party],
            "details": [["ฉบับที่", "1"], ["ค่า SHA-256 ของเนื้อหา", CONTENT]],
        },
    )
    english = _seal(
        "en",
        "San Sai reading network agreement — version 1",
        {
            "network": "San Sai Reading and Lifelong Learning Network",
            "period": {"start": "2026-05-16", "end": "2027-05-15"},
            "parties": [
                party
                | {
                    "organisation": "Nong Han Subdistrict Administrative Organization",
                    "verification": "Not yet verified by a site administrator",
                }
            ],
            "details": [["Version", "1"], ["Content SHA-256", CONTENT]],
        },
    )
    return thai, english


def _stored(document) -> bytes:
    with document.file.open("rb") as fh:
        return fh.read()


def _fits(page, name: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"{name}: the page is {width} px wide at {WIDTH} px"
    bad = axe_check(page, name)
    assert not bad, f"axe found serious/critical violations on {name}: {bad}"
    screenshot(page, name)


@pytest.mark.parametrize("locale", ["th-TH", "en-GB"])
def test_the_verify_page_fits_a_phone(page_factory, live_server, record, tmp_path, locale):
    thai, english = record
    language = locale[:2]
    page = page_factory(width=WIDTH, height=740, locale=locale)
    if language == "en":
        page.context.add_cookies(
            [{"name": "khruakhai_language", "value": "en", "url": live_server.url}]
        )
    page.goto(f"/verify/{thai.code}/")
    assert page.locator("html").get_attribute("lang") == language
    _fits(page, f"verify-{language}-phone-1-record")

    # The English PDF checked on the Thai document's page: the same record.
    upload = tmp_path / "agreement-en.pdf"
    upload.write_bytes(_stored(english))
    page.set_input_files("input[name=pdf]", str(upload))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    result = page.locator("#verify-result")
    assert "alert-success" in (result.get_attribute("class") or "")
    assert ("English" if language == "en" else "อังกฤษ") in result.inner_text()
    _fits(page, f"verify-{language}-phone-2-checked")
