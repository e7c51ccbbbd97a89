"""The agreement proposes the schedule (issue 13 item 4): IV-D, else IV-C, read the
way Thai agreements write how often, and the clause quoted back on the schedule page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.translation import override

from reports import services
from reports.frequency import frequency_from_text, frequency_reading
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
    found = frequency_reading(text)
    assert (found.frequency if found else None) == frequency
    if found is None:
        return
    assert found.words in text
    assert found.words in found.clause
    assert found.clause in text
    assert found.offered is (months is None)
    if months is not None:
        assert found.months == months
        with override("en"):
            assert found.note.startswith(f"every {months} months is not a frequency we offer")
        with override("th"):
            assert f"{months}" in found.note
            assert "closest" not in found.note
    else:
        assert found.note == ""


def test_the_table_is_long_enough():
    assert len(PHRASINGS) >= 30


def test_the_clause_is_the_sentence_the_words_stand_in():
    text = "ข้อ 1 ภาคีประชุมร่วมกัน.\nข้อ 2 ภาคีส่งรายงานความก้าวหน้าทุก 3 เดือน\nข้อ 3 อื่น ๆ"
    found = frequency_reading(text)
    assert found.clause == "ข้อ 2 ภาคีส่งรายงานความก้าวหน้าทุก 3 เดือน"
    long = "ก" * 300 + " ภาคีรายงานทุกเดือน " + "ข" * 300
    clause = frequency_reading(long).clause
    assert "ภาคีรายงานทุกเดือน" in clause
    assert len(clause) < 200


def test_frequency_from_text_still_answers_the_words():
    assert frequency_from_text("รายงานปีละ 4 ครั้ง") == ("quarterly", "ปีละ 4 ครั้ง")


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
    assert schedule.frequency == "monthly"
    assert schedule.is_confirmed


# --- section II's duties become roadmap activities -------------------------------------
def _signed_with_duties(cast, *texts_by_org):
    """A signed version with these (organisation, duty text) rows (added while draft:
    duties are frozen once a version leaves draft)."""
    from agreements.models import Agreement, AgreementVersion
    from tests.agreements.factories import DutyFactory

    agreement = Agreement.objects.filter(network=cast.network).first()
    version = VersionFactory(agreement=agreement or AgreementFactory(network=cast.network))
    duties = [
        DutyFactory(version=version, organisation=org, text=text) for org, text in texts_by_org
    ]
    AgreementVersion.objects.filter(pk=version.pk).update(status="signed", signed_at=timezone.now())
    return version, duties


def _duties_url(cast, tail=""):
    return f"/networks/{cast.network.slug}/reports/duties/{tail}"


def test_duties_not_yet_in_the_roadmap_are_proposed_and_made_only_on_the_click(cast):
    from roadmap.models import Activity

    _version, (reading, camp) = _signed_with_duties(
        cast,
        (cast.partner_org, "จัดกิจกรรมส่งเสริมการอ่านให้นักเรียนทุกสัปดาห์"),
        (cast.network.lead_organisation, "จัดค่ายวิชาการภาคฤดูร้อน"),
    )
    client = cast.client("coordinator")
    page = client.get(_duties_url(cast))
    assert {d.pk for d in page.context["duties"]} == {reading.pk, camp.pk}
    assert "เพิ่มเป็นกิจกรรม" in page.content.decode()
    # The form, pre-filled: the duty's words, its organisation, step 5; nothing created yet.
    form_page = client.get(_duties_url(cast, f"{reading.pk}/activity/"))
    form = form_page.context["form"]
    assert form.initial["title"] == reading.text
    assert form.initial["owners"] == [cast.partner_org.pk]
    assert form.initial["step"].number == 5
    assert not Activity.objects.filter(step__network=cast.network).exists()
    step5 = form.initial["step"]
    data = {
        "step": step5.pk,
        "title": reading.text,
        "description": reading.text,
        "owners": [cast.partner_org.pk],
        "status": "not_started",
    }
    response = client.post(_duties_url(cast, f"{reading.pk}/activity/"), data)
    assert response.status_code == 302
    activity = Activity.objects.get(step__network=cast.network)
    assert activity.source_duty_id == reading.pk
    assert activity.step.number == 5
    assert list(activity.owners.all()) == [cast.partner_org]
    # Marked: not proposed again, and a second click makes no second activity.
    assert [d.pk for d in client.get(_duties_url(cast)).context["duties"]] == [camp.pk]
    again = client.post(_duties_url(cast, f"{reading.pk}/activity/"), data)
    assert again.status_code == 302
    assert Activity.objects.filter(step__network=cast.network).count() == 1


def test_a_new_version_repeating_a_planned_duty_does_not_propose_it_again(cast):
    from agreements.models import AgreementVersion
    from roadmap.models import Activity

    first, (duty,) = _signed_with_duties(cast, (cast.partner_org, "ดูแลห้องสมุดชุมชน"))
    activity = Activity.objects.create(step=cast.network.steps.get(number=5), title="ห้องสมุด")
    activity.source_duty_id = duty.pk
    activity.save()
    AgreementVersion.objects.filter(pk=first.pk).update(status="superseded")
    _signed_with_duties(cast, (cast.partner_org, "ดูแลห้องสมุดชุมชน"), (cast.partner_org, "ใหม่"))
    names = [d.text for d in cast.client("coordinator").get(_duties_url(cast)).context["duties"]]
    assert names == ["ใหม่"]


def test_bad_input_changes_nothing_and_says_why(cast):
    from roadmap.models import Activity

    _version, (duty,) = _signed_with_duties(cast, (cast.partner_org, "จัดอบรมครู"))
    url = _duties_url(cast, f"{duty.pk}/activity/")
    response = cast.client("coordinator").post(url, {"title": "", "owners": ["x"], "step": "9999"})
    assert response.status_code == 422
    assert not Activity.objects.filter(step__network=cast.network)
    assert (
        "errorlist" in response.content.decode() or "invalid-feedback" in response.content.decode()
    )


def test_another_networks_duty_is_a_404_and_a_draft_duty_too(cast):
    from tests.agreements.factories import DutyFactory

    other_version = VersionFactory(agreement=AgreementFactory(network=cast.other_network))
    theirs = DutyFactory(version=other_version, organisation=cast.other_org)
    client = cast.client("coordinator")
    assert client.get(_duties_url(cast, f"{theirs.pk}/activity/")).status_code == 404
    draft = DutyFactory(version=VersionFactory(agreement=AgreementFactory(network=cast.network)))
    assert client.get(_duties_url(cast, f"{draft.pk}/activity/")).status_code == 404
    page = client.get(_duties_url(cast))
    assert page.status_code == 200
    assert page.context["version"] is None


def test_only_coordinators(cast):
    _version, (duty,) = _signed_with_duties(cast, (cast.partner_org, "จัดอบรมครู"))
    for who, status in (("partner", 403), ("chair", 403), ("other_partner", 404)):
        assert cast.client(who).get(_duties_url(cast)).status_code == status
        assert (
            cast.client(who).post(_duties_url(cast, f"{duty.pk}/activity/"), {}).status_code
            == status
        )


def test_a_rhythm_we_do_not_offer_says_so_on_the_page(cast):
    _signed(cast.network, reporting="ภาคีส่งรายงานทุก ๕ เดือน", monitoring="")
    schedule = services.schedule_propose_from_agreement(network=cast.network)
    assert schedule.frequency == "fiscal_half"
    url = f"/networks/{cast.network.slug}/reports/schedule/"
    page = cast.client("coordinator").get(url).content.decode()
    assert "ระบบไม่มีรอบรายงานทุก 5 เดือน รอบที่ใกล้เคียงที่สุดคือ" in page
    english = cast.client("coordinator")
    english.post("/language/", {"language": "en", "next": "/"})
    assert (
        "Every 5 months is not a frequency we offer; closest:" in english.get(url).content.decode()
    )


def test_the_roadmap_links_coordinators_to_the_duties_list(cast):
    url = f"/networks/{cast.network.slug}/roadmap/"
    duties = f"/networks/{cast.network.slug}/reports/duties/"
    assert duties in cast.client("coordinator").get(url).content.decode()
    assert duties not in cast.client("partner").get(url).content.decode()
