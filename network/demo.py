"""Demo networks of Thai schools and partners. Idempotent: keyed on natural keys."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from .models import Membership, Network, Organisation, Person, Role
from .services import network_create, role_grant

DEMO_PASSWORD = "khruakhai-demo-2569"  # noqa: S105 — a published demo login

ORGANISATIONS = [
    # key, name_th, name_en, kind, province
    ("padu", "โรงเรียนบ้านป่าประดู่", "Ban Pa Pradu School", "school", "chiang_mai"),
    ("cmu", "มหาวิทยาลัยเชียงใหม่", "Chiang Mai University", "university", "chiang_mai"),
    (
        "nonghan",
        "องค์การบริหารส่วนตำบลหนองหาร",
        "Nong Han Subdistrict Administrative Organization",
        "local_government",
        "chiang_mai",
    ),
    (
        "namjai",
        "มูลนิธิน้ำใจเพื่อการศึกษา",
        "Nam Jai Education Foundation",
        "foundation",
        "chiang_mai",
    ),
    ("lanna", "บริษัท ล้านนาดิจิทัล จำกัด", "Lanna Digital Co., Ltd.", "company", "chiang_mai"),
    ("sansai", "โรงเรียนสันทรายวิทยาคม", "San Sai Witthayakhom School", "school", "chiang_mai"),
    (
        "esa1",
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต 1",
        "Chiang Mai Primary Educational Service Area Office 1",
        "government",
        "chiang_mai",
    ),
    ("rimnam", "โรงเรียนวัดริมน้ำ", "Wat Rim Nam School", "school", "nakhon_pathom"),
    (
        "npru",
        "มหาวิทยาลัยราชภัฏนครปฐม",
        "Nakhon Pathom Rajabhat University",
        "university",
        "nakhon_pathom",
    ),
    (
        "bangluang",
        "องค์การบริหารส่วนตำบลบางหลวง",
        "Bang Luang Subdistrict Administrative Organization",
        "local_government",
        "nakhon_pathom",
    ),
    ("tachin", "โรงเรียนท่าจีนพิทยา", "Tha Chin Phitthaya School", "school", "nakhon_pathom"),
]

PEOPLE = [
    # email, org key, title, full name, position, category, is_demo_login
    (
        "coordinator@khruakhai.example",
        "padu",
        "นาง",
        "สุภาพร ใจดี",
        "ผู้อำนวยการโรงเรียน",
        "school_administrator",
    ),
    (
        "chair@khruakhai.example",
        "esa1",
        "ดร.",
        "ประเสริฐ วงศ์คำ",
        "ผู้ทรงคุณวุฒิ ประธานคณะกรรมการเครือข่าย",
        "expert_adviser",
    ),
    (
        "partner@khruakhai.example",
        "cmu",
        "ผศ.ดร.",
        "วิไลวรรณ ศรีสุข",
        "อาจารย์คณะศึกษาศาสตร์",
        "university_faculty",
    ),
    (
        "partner2@khruakhai.example",
        "npru",
        "อาจารย์",
        "ธนากร แก้วมณี",
        "อาจารย์ภาควิชาการศึกษาปฐมวัย",
        "university_faculty",
    ),
    (
        "coordinator2@khruakhai.example",
        "rimnam",
        "นาย",
        "สมชาย ทองดี",
        "รองผู้อำนวยการโรงเรียน",
        "school_administrator",
    ),
    ("obt@khruakhai.example", "nonghan", "นาย", "บุญเลิศ คำน้ำ", "นายก อบต.", "policy_executive"),
    (
        "foundation@khruakhai.example",
        "namjai",
        "นางสาว",
        "ปิยะนุช ผู้ใหญ่บ้าน",
        "ผู้จัดการมูลนิธิ",
        "foundation_representative",
    ),
    (
        "lanna@khruakhai.example",
        "lanna",
        "นาย",
        "กิตติศักดิ์ ตั๋วคำ",
        "ผู้จัดการฝ่ายความรับผิดชอบต่อสังคม",
        "trainer_speaker",
    ),
    (
        "teacher@khruakhai.example",
        "sansai",
        "นาง",
        "กิ่งแก้ว ปู่เจ้า",
        "ครูชำนาญการพิเศษ",
        "outstanding_teacher",
    ),
]

NETWORKS = [
    {
        "slug": "sansai-reading",
        "name_th": "เครือข่ายส่งเสริมการอ่านและการเรียนรู้ตลอดชีวิต อำเภอสันทราย",
        "name_en": "San Sai Reading and Lifelong Learning Network",
        "form": "networked_org",
        "status": Network.Status.ACTIVE,
        "lead": "padu",
        "coordinator": "coordinator@khruakhai.example",
        "founded_on": dt.date(2025, 5, 16),
        "benefits": ["more_learning", "fitting_services", "social_capital", "deep_knowledge"],
        "charter": {
            "purpose": "นักเรียนทุกคนในอำเภอสันทรายอ่านออก เขียนได้ และรักการอ่าน ภายในปีการศึกษา 2570",
            "principle": "ทุกภาคีมีศักดิ์ศรีเท่าเทียมกัน ทำงานแนวราบ ไม่มีฝ่ายใดสั่งการฝ่ายใด และเรียนรู้ไปด้วยกัน",
            "capability": "การสอนอ่านแบบแจกลูกสะกดคำ การวิจัยในชั้นเรียน การจัดหาหนังสือและสื่อดิจิทัล",
            "concept": "โรงเรียนจัดกิจกรรมการอ่าน มหาวิทยาลัยพัฒนาครูและประเมินผล "
            "อบต. สนับสนุนงบประมาณและสถานที่ มูลนิธิจัดหาหนังสือ บริษัทสนับสนุนแท็บเล็ต",
            "structure": "ประชุมคณะกรรมการทุกเดือน รายงานความก้าวหน้าทุกภาคเรียน ตัดสินใจโดยฉันทามติ",
            "practice": "ห้องสมุดเคลื่อนที่ ค่ายรักการอ่าน อบรมครูภาษาไทย ระบบติดตามผลการอ่าน",
        },
        "members": {
            "cmu": [("partner@khruakhai.example", Role.Kind.PARTNER_REP)],
            "esa1": [("chair@khruakhai.example", Role.Kind.CHAIR)],
            "nonghan": [("obt@khruakhai.example", Role.Kind.PARTNER_REP)],
            "namjai": [("foundation@khruakhai.example", Role.Kind.PARTNER_REP)],
            "lanna": [("lanna@khruakhai.example", Role.Kind.PARTNER_REP)],
            "sansai": [
                ("teacher@khruakhai.example", Role.Kind.PARTNER_REP),
                ("teacher@khruakhai.example", Role.Kind.CORE_LEADER),
            ],
        },
        "extra_roles": [
            ("coordinator@khruakhai.example", Role.Kind.CORE_LEADER),
            ("partner@khruakhai.example", Role.Kind.CORE_LEADER),
            ("obt@khruakhai.example", Role.Kind.COMMITTEE),
        ],
    },
    {
        "slug": "riverside-nakhonpathom",
        "name_th": "เครือข่ายโรงเรียนคุณภาพชุมชนริมน้ำท่าจีน จังหวัดนครปฐม",
        "name_en": "Tha Chin Riverside Quality Schools Network, Nakhon Pathom",
        "form": "cop",
        "status": Network.Status.FORMING,
        "lead": "rimnam",
        "coordinator": "coordinator2@khruakhai.example",
        "founded_on": dt.date(2026, 6, 1),
        "benefits": ["more_information", "flexible_work", "lower_costs"],
        "charter": {
            "purpose": "ยกระดับคุณภาพการจัดการเรียนรู้ด้านวิทยาศาสตร์ของโรงเรียนริมแม่น้ำท่าจีน",
            "principle": "ความร่วมมือโดยสมัครใจ และการแบ่งปันข้อมูลอย่างเปิดเผย",
        },
        "members": {
            "npru": [("partner2@khruakhai.example", Role.Kind.PARTNER_REP)],
            "bangluang": [],
            "tachin": [],
        },
        "extra_roles": [],
    },
]


def load(*, stdout=None) -> None:
    User = get_user_model()
    orgs = {}
    for key, name_th, name_en, kind, province in ORGANISATIONS:
        orgs[key], _ = Organisation.objects.update_or_create(
            name_th=name_th,
            defaults={"name_en": name_en, "kind": kind, "province": province},
        )
    people = {}
    for email, org_key, title, full_name, position, category in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD)
        if user.full_name != full_name:
            user.full_name = full_name
            user.save(update_fields=["full_name"])
        people[email], _ = Person.objects.update_or_create(
            email=email,
            defaults={
                "organisation": orgs[org_key],
                "user": user,
                "title": title,
                "full_name": full_name,
                "position": position,
                "category": category,
            },
        )
    if not User.objects.filter(email="admin@khruakhai.example").exists():
        User.objects.create_superuser(
            email="admin@khruakhai.example", password=DEMO_PASSWORD, full_name="ผู้ดูแลระบบ"
        )

    for spec in NETWORKS:
        network = Network.objects.filter(slug=spec["slug"]).first()
        if network is None:
            network = network_create(
                name_th=spec["name_th"],
                name_en=spec["name_en"],
                slug=spec["slug"],
                form=spec["form"],
                lead_organisation=orgs[spec["lead"]],
                coordinator=people[spec["coordinator"]],
                founded_on=spec["founded_on"],
                benefits=spec["benefits"],
            )
            for part, text in spec["charter"].items():
                setattr(network, part, text)
            network.status = spec["status"]
            network.save()
        for org_key, roles in spec["members"].items():
            Membership.objects.get_or_create(
                network=network,
                organisation=orgs[org_key],
                left_on=None,
                defaults={"joined_on": spec["founded_on"]},
            )
            for email, kind in roles:
                role_grant(network=network, person=people[email], kind=kind)
        for email, kind in spec["extra_roles"]:
            role_grant(network=network, person=people[email], kind=kind)
    if stdout:
        stdout.write(f"network: {len(NETWORKS)} networks, {len(orgs)} organisations")
