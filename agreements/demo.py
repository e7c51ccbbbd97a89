"""Demo agreements. Idempotent: a network that already has an agreement is left alone
(except that a signed version missing its PDF gets it).

- sansai-reading: version 1 signed by all six partners, with its sealed Thai and
  English PDFs;
- riverside-nakhonpathom: version 1 sent for signature; the lead school has signed,
  partner2@khruakhai.example (password in network.demo) can sign it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from network.demo import DEMO_PASSWORD
from network.models import Network, Person

from .models import Agreement, AgreementVersion
from .services import drafting, pdf, signing

SANSAI = {
    "title": "บันทึกข้อตกลงความร่วมมือเครือข่ายส่งเสริมการอ่าน อำเภอสันทราย ปีการศึกษา 2569",
    "effective_from": dt.date(2026, 5, 16),
    "effective_until": dt.date(2027, 5, 15),
    "sections": {
        "basic_information": (
            "เครือข่ายส่งเสริมการอ่านและการเรียนรู้ตลอดชีวิต อำเภอสันทราย จังหวัดเชียงใหม่ "
            "ก่อตั้งเมื่อวันที่ 16 พฤษภาคม 2568 โดยมีโรงเรียนบ้านป่าประดู่เป็นหน่วยงานหลัก "
            "มีวัตถุประสงค์ให้นักเรียนทุกคนอ่านออก เขียนได้ และรักการอ่าน ภายในปีการศึกษา 2570\n"
            "ผู้ประสานงาน: นางสุภาพร ใจดี ผู้อำนวยการโรงเรียนบ้านป่าประดู่"
        ),
        "duties_text": (
            "ภาคีทุกฝ่ายร่วมกันจัดกิจกรรมส่งเสริมการอ่าน แลกเปลี่ยนข้อมูลและทรัพยากร "
            "และร่วมติดตามผลการอ่านของนักเรียน โดยไม่มีฝ่ายใดสั่งการฝ่ายใด"
        ),
        "resources_text": (
            "ภาคีสนับสนุนงบประมาณและทรัพยากรตามตารางข้างล่าง "
            "การใช้งบประมาณรายงานต่อคณะกรรมการเครือข่ายทุกภาคเรียน"
        ),
        "planning": ("คณะกรรมการเครือข่ายประชุมทุกเดือน วางแผนกิจกรรมรายภาคเรียนร่วมกัน และตัดสินใจโดยฉันทามติ"),
        "communication": (
            "ใช้กลุ่มไลน์ของเครือข่ายสำหรับข่าวสารประจำวัน อีเมลสำหรับเอกสารทางการ "
            "และจดหมายข่าวรายเดือนถึงผู้ปกครอง"
        ),
        "monitoring": (
            "ประเมินการอ่านของนักเรียนต้นและปลายภาคเรียน มหาวิทยาลัยเชียงใหม่วิเคราะห์ผล "
            "และรายงานความก้าวหน้าต่อที่ประชุม"
        ),
        "reporting": (
            "จัดทำรายงานความก้าวหน้าทุกภาคเรียน และบันทึกข้อมูลกิจกรรมและผลการอ่านในระบบเครือข่ายร่วมกัน"
        ),
        "other_matters": (
            "องค์กรที่ประสงค์เข้าร่วมหรือออกจากเครือข่ายแจ้งคณะกรรมการล่วงหน้า 30 วัน "
            "การแก้ไขข้อตกลงทำเป็นฉบับใหม่และลงนามใหม่ทุกฝ่าย"
        ),
    },
    # signatory email, position, duties, resources [(kind, description, amount)]
    "parties": [
        (
            "coordinator@khruakhai.example",
            "ผู้อำนวยการโรงเรียนบ้านป่าประดู่",
            ["จัดกิจกรรมการอ่านทุกวันก่อนเข้าเรียน", "เป็นศูนย์ประสานงานของเครือข่าย"],
            [("other", "ห้องสมุดและห้องประชุมของโรงเรียน", Decimal("20000"))],
        ),
        (
            "partner@khruakhai.example",
            "อาจารย์คณะศึกษาศาสตร์ มหาวิทยาลัยเชียงใหม่",
            ["อบรมครูภาษาไทยด้านการสอนอ่าน", "ประเมินและวิเคราะห์ผลการอ่าน"],
            [("other", "วิทยากรอบรมครู 4 ครั้ง", Decimal("40000"))],
        ),
        (
            "obt@khruakhai.example",
            "นายกองค์การบริหารส่วนตำบลหนองหาร",
            ["สนับสนุนงบประมาณกิจกรรม", "จัดหาสถานที่สำหรับค่ายรักการอ่าน"],
            [("money", "งบประมาณค่ายรักการอ่าน", Decimal("50000"))],
        ),
        (
            "foundation@khruakhai.example",
            "ผู้จัดการมูลนิธิน้ำใจเพื่อการศึกษา",
            ["จัดหาหนังสือสำหรับห้องสมุดเคลื่อนที่"],
            [("money", "จัดซื้อหนังสือห้องสมุดเคลื่อนที่", Decimal("30000"))],
        ),
        (
            "lanna@khruakhai.example",
            "ผู้จัดการฝ่ายความรับผิดชอบต่อสังคม",
            ["สนับสนุนแท็บเล็ตและระบบติดตามผลการอ่าน"],
            [("other", "แท็บเล็ต 10 เครื่อง", Decimal("45000"))],
        ),
        (
            "teacher@khruakhai.example",
            "ครูชำนาญการพิเศษ โรงเรียนสันทรายวิทยาคม",
            ["เป็นพี่เลี้ยงครูภาษาไทยของโรงเรียนในเครือข่าย"],
            [],
        ),
    ],
}

RIVERSIDE = {
    "title": "บันทึกข้อตกลงความร่วมมือเครือข่ายโรงเรียนคุณภาพชุมชนริมน้ำท่าจีน",
    "effective_from": dt.date(2026, 7, 1),
    "effective_until": dt.date(2028, 6, 30),
    "sections": {
        "basic_information": (
            "เครือข่ายโรงเรียนคุณภาพชุมชนริมน้ำท่าจีน จังหวัดนครปฐม มุ่งยกระดับคุณภาพ"
            "การจัดการเรียนรู้ด้านวิทยาศาสตร์ของโรงเรียนริมแม่น้ำท่าจีน"
        ),
        "duties_text": "ภาคีร่วมกันพัฒนาหน่วยการเรียนรู้วิทยาศาสตร์จากแม่น้ำท่าจีน",
        "resources_text": "ภาคีสนับสนุนบุคลากรและอุปกรณ์ตามตาราง",
        "planning": "ประชุมร่วมกันทุกสองเดือน ตัดสินใจโดยเสียงข้างมาก",
        "communication": "อีเมลและการประชุมออนไลน์",
        "monitoring": "ติดตามผลการเรียนรู้ของนักเรียนทุกภาคเรียน",
        "reporting": "รายงานผลประจำปีต่อสำนักงานเขตพื้นที่การศึกษา",
        "other_matters": "ข้อตกลงนี้ทบทวนทุกปีการศึกษา",
    },
    "parties": [
        (
            "coordinator2@khruakhai.example",
            "รองผู้อำนวยการโรงเรียนวัดริมน้ำ",
            ["จัดกิจกรรมการเรียนรู้ริมแม่น้ำ"],
            [("other", "ห้องปฏิบัติการวิทยาศาสตร์", Decimal("15000"))],
        ),
        (
            "partner2@khruakhai.example",
            "อาจารย์ภาควิชาการศึกษาปฐมวัย มหาวิทยาลัยราชภัฏนครปฐม",
            ["พัฒนาหน่วยการเรียนรู้และอบรมครู"],
            [("money", "งบประมาณอบรมครู", Decimal("25000"))],
        ),
    ],
}


def _person(email: str) -> Person:
    return Person.objects.select_related("user", "organisation").get(user__email=email)


def _build(network: Network, spec: dict) -> AgreementVersion:
    coordinator = _person(spec["parties"][0][0]).user
    version = drafting.agreement_start(network=network, user=coordinator, title=spec["title"])
    drafting.version_update(
        version=version,
        user=coordinator,
        data={
            **spec["sections"],
            "effective_from": spec["effective_from"],
            "effective_until": spec["effective_until"],
        },
    )
    for email, position, duties, resources in spec["parties"]:
        person = _person(email)
        drafting.party_add(version=version, signatory=person, position=position)
        for text in duties:
            drafting.duty_add(version=version, organisation=person.organisation, text=text)
        for kind, description, amount in resources:
            drafting.resource_add(
                version=version,
                kind=kind,
                description=description,
                amount_baht=amount,
                organisation=person.organisation,
            )
    return signing.version_send(
        version=version, user=coordinator, ip="127.0.0.1", user_agent="demo data"
    )


def _sign(version: AgreementVersion, email: str) -> None:
    person = _person(email)
    party = version.parties.get(signatory=person)
    signing.party_sign(
        party=party,
        user=person.user,
        password=DEMO_PASSWORD,
        typed_name=person.full_name,
        ip="127.0.0.1",
        user_agent="demo data",
    )


def load(*, stdout=None) -> None:
    """Only for a demo network without an agreement; a network whose agreement exists
    (the demo's, or one its people have since written) is left alone. The one repair,
    the sealed PDFs of the demo's own signed version 1, is keyed on its title."""
    sansai = Network.objects.filter(slug="sansai-reading").first()
    if sansai is not None and not Agreement.objects.filter(network=sansai).exists():
        version = _build(sansai, SANSAI)
        for email, *_rest in SANSAI["parties"]:
            _sign(version, email)
    if sansai is not None:
        # Rendered here, not left to a worker, so the demo shows the PDF at once.
        demo_version = AgreementVersion.objects.filter(
            agreement__network=sansai,
            agreement__title=SANSAI["title"],
            number=1,
            signed_at__isnull=False,
        ).filter(Q(sealed_document__isnull=True) | Q(sealed_document_en__isnull=True))
        version_id = demo_version.values_list("pk", flat=True).first()
        if version_id is not None:
            pdf.version_pdf_render(version_id=version_id)
            if stdout:
                stdout.write("agreements: sealed PDFs of the San Sai agreement rendered")

    riverside = Network.objects.filter(slug="riverside-nakhonpathom").first()
    if riverside is not None and not Agreement.objects.filter(network=riverside).exists():
        version = _build(riverside, RIVERSIDE)
        _sign(version, RIVERSIDE["parties"][0][0])
