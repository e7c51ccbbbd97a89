"""The agreement proposes the schedule (issue 13 item 4): IV-D, else IV-C, read the
way Thai agreements write how often, and the clause quoted back on the schedule page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.translation import override

from reports import periods as P
from reports import services
from tests.agreements.factories import AgreementFactory, VersionFactory

from .factories import ScheduleFactory

# (the agreement's words, the frequency proposed, months asked when not one we offer)
PHRASINGS = [
    ("ภาคีรายงานผลทุก 3 เดือน", "quarterly", None),
    ("ภาคีรายงานผลทุกสามเดือน", "quarterly", None),
    ("ภาคีรายงานผลทุก ๓ เดือน", "quarterly", None),
    ("รายงานผลทุกๆ 3 เดือน", "quarterly", None),
    ("ทุก 4 เดือน ภาคีส่งรายงาน", "quarterly", 4),
    ("ทุกสี่เดือน", "quarterly", 4),
    ("รายงานปีละ 4 ครั้ง", "quarterly", None),
    ("รายงานปีละ ๔ ครั้ง", "quarterly", None),
    ("รายงานปีละสี่ครั้ง", "quarterly", None),
    ("รายงานปีละ 12 ครั้ง", "monthly", None),
    ("รายงานปีละสิบสองครั้ง", "monthly", None),
    ("ส่งรายงานเดือนละครั้ง", "monthly", None),
    ("ส่งรายงานเดือนละ 1 ครั้ง", "monthly", None),
    ("ภาคีส่งรายงานทุกเดือน", "monthly", None),
    ("ทุก 1 เดือน", "monthly", None),
    ("ทุกหนึ่งเดือน", "monthly", None),
    ("ทุก 6 เดือน", "fiscal_half", None),
    ("ทุกหกเดือน ตามปีงบประมาณ", "fiscal_half", None),
    ("ทุก 6 เดือน คือภาคเรียนละครั้ง", "semester", None),
    ("รายงานผลปีละ 2 ครั้ง", "fiscal_half", None),
    ("รายงานผลปีละสองครั้ง", "fiscal_half", None),
    ("ทุก 12 เดือน", "yearly", None),
    ("ทุกสิบสองเดือน", "yearly", None),
    ("รายงานปีละครั้ง", "yearly", None),
    ("รายงานปีละ 1 ครั้ง", "yearly", None),
    ("รายงานผลประจำปีต่อสำนักงานเขตพื้นที่การศึกษา", "yearly", None),
    ("รายงานผลทุกปีงบประมาณ", "yearly", None),
    ("รายงานความก้าวหน้าทุกภาคเรียน", "semester", None),
    ("ส่งรายงานเมื่อสิ้นภาคเรียน", "semester", None),
    ("รายงานผลรายไตรมาสตามปีงบประมาณ", "fiscal_quarter", None),
    ("ทุก 3 เดือนตามปีงบประมาณ", "fiscal_quarter", None),
    ("ทุก 5 เดือน", "fiscal_half", 5),
    ("ทุก 2 เดือน", "monthly", 2),
    ("ปีละ 3 ครั้ง", "quarterly", 4),
    ("Partners report every two months.", "monthly", 2),
    ("Partners report every 3 months.", "quarterly", None),
    ("Partners report every three months.", "quarterly", None),
    ("Progress is reported four times a year.", "quarterly", None),
    ("Partners report monthly to the coordinator.", "monthly", None),
    ("Partners report once a month.", "monthly", None),
    ("Progress is reported quarterly; the committee meets each semester.", "quarterly", None),
    ("Partners report twice a year.", "fiscal_half", None),
    ("An annual report to the district office.", "yearly", None),
    ("Partners report once a year.", "yearly", None),
    ("Partners report each semester.", "semester", None),
    ("Partners report every 12 months.", "yearly", None),
    ("ไม่มีการกำหนด", None, None),
    ("Often times a year the committee meets.", None, None),
    ("", None, None),
]


@pytest.mark.parametrize(("text", "frequency", "months"), PHRASINGS)
def test_how_thai_agreements_write_how_often(text, frequency, months):
    found = P.frequency_reading(text)
    assert (found.frequency if found else None) == frequency
    if found is None:
        return
    assert found.words in text and found.words in found.clause and found.clause in text
    assert found.offered is (months is None)
    if months is not None:
        assert found.months == months
        with override("en"):
            assert found.note.startswith(f"every {months} months is not a frequency we offer")
        with override("th"):
            assert f"{months}" in found.note and "closest" not in found.note
    else:
        assert found.note == ""


def test_the_table_is_long_enough():
    assert len(PHRASINGS) >= 30


def test_the_clause_is_the_sentence_the_words_stand_in():
    text = "ข้อ 1 ภาคีประชุมร่วมกัน.\nข้อ 2 ภาคีส่งรายงานความก้าวหน้าทุก 3 เดือน\nข้อ 3 อื่น ๆ"
    found = P.frequency_reading(text)
    assert found.clause == "ข้อ 2 ภาคีส่งรายงานความก้าวหน้าทุก 3 เดือน"
    long = "ก" * 300 + " ภาคีรายงานทุกเดือน " + "ข" * 300
    clause = P.frequency_reading(long).clause
    assert "ภาคีรายงานทุกเดือน" in clause and len(clause) < 200


def test_frequency_from_text_still_answers_the_words():
    assert P.frequency_from_text("รายงานปีละ 4 ครั้ง") == ("quarterly", "ปีละ 4 ครั้ง")


def _signed(network, **texts):
    return VersionFactory(
        agreement=AgreementFactory(network=network),
        status="signed",
        signed_at=timezone.now(),
        **texts,
    )


def test_the_schedule_page_quotes_section_iv_d(cast):
    _signed(
        cast.network,
        monitoring="ติดตามผลทุกภาคเรียน",
        reporting="ข้อ 1 จัดเก็บฐานข้อมูลร่วมกัน\nข้อ 2 ภาคีส่งรายงานทุกสามเดือนต่อคณะกรรมการ",
    )
    url = f"/networks/{cast.network.slug}/reports/schedule/"
    assert cast.client("coordinator").post(url + "propose/").status_code == 302
    schedule = services.schedule_for(network=cast.network)
    assert (schedule.frequency, schedule.status) == ("quarterly", "proposed")
    assert schedule.proposed_from == "IV-D: «ข้อ 2 ภาคีส่งรายงานทุกสามเดือนต่อคณะกรรมการ»"
    page = cast.client("coordinator").get(url).content.decode()
    assert "เสนอจากข้อตกลง หมวด IV-D: «ข้อ 2 ภาคีส่งรายงานทุกสามเดือนต่อคณะกรรมการ»" in page
    english = cast.client("coordinator")
    english.post("/language/", {"language": "en", "next": "/"})
    page = english.get(url).content.decode()
    assert "Proposed from the agreement, section IV-D: «" in page


def test_section_iv_c_when_iv_d_says_nothing(cast):
    _signed(cast.network, monitoring="ติดตามผลปีละ 4 ครั้ง", reporting="จัดเก็บข้อมูลในระบบ")
    schedule = services.schedule_propose_from_agreement(network=cast.network)
    assert schedule.frequency == "quarterly"
    assert schedule.proposed_from == "IV-C: «ติดตามผลปีละ 4 ครั้ง»"


def test_a_confirmed_schedule_is_left_as_it_is(cast):
    ScheduleFactory(network=cast.network, frequency="monthly")
    _signed(cast.network, reporting="รายงานปีละครั้ง")
    schedule = services.schedule_propose_from_agreement(network=cast.network)
    assert schedule.frequency == "monthly" and schedule.is_confirmed
