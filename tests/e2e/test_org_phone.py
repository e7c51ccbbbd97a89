"""An organisation's page and the directory on a 360px phone (issue 14, item 8).

Before: a long unbroken email, web address or name (and a badge with a long network
name, which Bootstrap keeps on one line) made the organisation page wider than the
phone, so it scrolled sideways.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import login
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LONG = "โรงเรียนวิทยาศาสตร์จุฬาภรณราชวิทยาลัยเฉลิมพระเกียรติสมเด็จพระเทพรัตนราชสุดา"


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_an_organisation_with_long_words_fits_a_360px_phone(page_factory, cast):
    org = cast.partner_org
    org.name_th = LONG
    org.name_en = "Princess-Chulabhorn-Science-High-School-Pathumthani-Extended-Campus"
    org.email = "academic.affairs.department.office@chulabhornscience-pathumthani.ac.th"
    org.website = "https://www.chulabhornscience-pathumthani.ac.th/academic/affairs/index.php"
    org.address = "หมู่ที่๑๒ตำบลบ่อเงินอำเภอลาดหลุมแก้วจังหวัดปทุมธานีรหัสไปรษณีย์๑๒๑๔๐"
    org.save()
    cast.network.name_th = "เครือข่ายพัฒนาคุณภาพการศึกษาขั้นพื้นฐานเพื่อความเป็นเลิศทางวิชาการ"
    cast.network.save()
    phone = page_factory(width=360, height=740)
    login(phone, cast.partner.email, PASSWORD)
    phone.goto(f"/organisations/{org.pk}/")
    assert LONG[:20] in phone.inner_text("main")
    assert _width(phone) <= 360
    phone.goto("/organisations/")
    assert _width(phone) <= 360
