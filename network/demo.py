"""Demo networks of Thai schools and partners. Idempotent: keyed on natural keys."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Invitation, JoinRequest, Network, Organisation, Person, Role
from .services.founding import network_create
from .services.membership import membership_add, role_grant

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


# Contact details so organisation pages and the directory export look real.
CONTACTS = {
    "padu": (
        "123 หมู่ 4 ตำบลป่าไผ่ อำเภอสันทราย จังหวัดเชียงใหม่ 50210",
        "053-491234",
        "padu@school.example",
        "https://padu.school.example",
    ),
    "cmu": (
        "239 ถนนห้วยแก้ว ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200",
        "053-941000",
        "edu@cmu.example",
        "https://edu.cmu.example",
    ),
    "nonghan": (
        "99 หมู่ 1 ตำบลหนองหาร อำเภอสันทราย จังหวัดเชียงใหม่ 50290",
        "053-380111",
        "saraban@nonghan.example",
        "",
    ),
    "namjai": (
        "55/8 ถนนเจริญราษฎร์ ตำบลวัดเกต อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50000",
        "081-234-5678",
        "hello@namjai.example",
        "https://namjai.example",
    ),
    "lanna": (
        "88 ถนนนิมมานเหมินท์ ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200",
        "053-222333",
        "csr@lanna-digital.example",
        "https://lanna-digital.example",
    ),
    "sansai": ("1 หมู่ 9 ตำบลสันทรายหลวง อำเภอสันทราย จังหวัดเชียงใหม่ 50210", "053-491555", "", ""),
    "esa1": (
        "ถนนโชตนา ตำบลช้างเผือก อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50300",
        "053-112233",
        "",
        "https://cmarea1.example",
    ),
    "rimnam": ("12 หมู่ 3 ตำบลบางหลวง อำเภอบางเลน จังหวัดนครปฐม 73130", "034-391234", "", ""),
    "npru": (
        "85 ถนนมาลัยแมน ตำบลนครปฐม อำเภอเมืองนครปฐม จังหวัดนครปฐม 73000",
        "034-261065",
        "edu@npru.example",
        "https://npru.example",
    ),
}

# People without logins: listed in the network, reached by the coordinator.
EXTRA_PEOPLE = [
    # org key, title, full name, position, category, network slug, role
    (
        "cmu",
        "รศ.ดร.",
        "ชัยวัฒน์ สุขเกษม",
        "นักวิจัยสถาบันวิจัยการศึกษา",
        "researcher",
        "sansai-reading",
        Role.Kind.MEMBER,
    ),
    (
        "padu",
        "นางสาว",
        "อรทัย ใจงาม",
        "ครูบรรณารักษ์",
        "outstanding_teacher",
        "sansai-reading",
        Role.Kind.CORE_LEADER,
    ),
    (
        "esa1",
        "นาย",
        "วีระ ศักดิ์ดี",
        "ศึกษานิเทศก์",
        "government_official",
        "sansai-reading",
        Role.Kind.COMMITTEE,
    ),
    (
        "namjai",
        "นาง",
        "ศรีนวล คำมูล",
        "ประธานมูลนิธิ",
        "policy_executive",
        "sansai-reading",
        Role.Kind.COMMITTEE,
    ),
    (
        "tachin",
        "นาง",
        "มาลี ศรีท่าจีน",
        "ครูวิทยาศาสตร์",
        "outstanding_teacher",
        "riverside-nakhonpathom",
        Role.Kind.CORE_LEADER,
    ),
    (
        "bangluang",
        "นาย",
        "ประยูร ริมน้ำ",
        "ปลัด อบต.",
        "government_official",
        "riverside-nakhonpathom",
        Role.Kind.MEMBER,
    ),
]

RIVERSIDE_CHARTER_MORE = {
    "capability": "การสอนวิทยาศาสตร์แบบสืบเสาะ การใช้แม่น้ำท่าจีนเป็นห้องเรียน การเก็บข้อมูลคุณภาพน้ำ",
    "concept": "โรงเรียนแกนนำจัดค่ายวิทยาศาสตร์ มหาวิทยาลัยราชภัฏเป็นพี่เลี้ยงครู อบต. ดูแลพื้นที่ริมน้ำ",
}


def _load_organisations() -> dict:
    """The demo's organisations by key: the oldest of each name, made when missing."""
    orgs = {}
    for key, name_th, name_en, kind, province in ORGANISATIONS:
        address, phone, email, website = CONTACTS.get(key, ("", "", "", ""))
        orgs[key] = Organisation.objects.filter(name_th=name_th).order_by("pk").first()
        if orgs[key] is None:
            orgs[key] = Organisation.objects.create(
                name_th=name_th,
                name_en=name_en,
                kind=kind,
                province=province,
                address=address,
                phone=phone,
                email=email,
                website=website,
            )
    return orgs


def _load_people(orgs: dict) -> dict:
    """The demo's people with logins, by email: each login and person made when missing."""
    User = get_user_model()
    people = {}
    for email, org_key, title, full_name, position, category in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=full_name
            )
        people[email] = Person.objects.filter(email=email).order_by("pk").first()
        if people[email] is None:
            people[email] = Person.objects.create(
                email=email,
                organisation=orgs[org_key],
                user=user,
                title=title,
                full_name=full_name,
                position=position,
                category=category,
            )
    return people


def _load_network(spec: dict, *, orgs: dict, people: dict) -> None:
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
        membership_add(network=network, organisation=orgs[org_key], joined_on=spec["founded_on"])
        for email, kind in roles:
            role_grant(network=network, person=people[email], kind=kind)
    for email, kind in spec["extra_roles"]:
        role_grant(network=network, person=people[email], kind=kind)


def load(*, stdout=None) -> None:
    """Create what is missing of the demo, never update: on a second run every query is
    keyed on the demo's own emails, names and slugs, and rows people have since edited
    (an organisation renamed, a role taken away, a coordinator without a login) stay as
    they are. A demo network that exists is left alone entirely."""
    User = get_user_model()
    if not User.objects.filter(email="admin@khruakhai.example").exists():
        User.objects.create_superuser(
            email="admin@khruakhai.example", password=DEMO_PASSWORD, full_name="ผู้ดูแลระบบ"
        )
    slugs = [spec["slug"] for spec in NETWORKS]
    existing = set(Network.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    missing = [spec for spec in NETWORKS if spec["slug"] not in existing]
    if not missing:
        return  # the quick second `make run`: the demo is there, nothing to read or write
    orgs = _load_organisations()
    people = _load_people(orgs)
    for spec in missing:
        _load_network(spec, orgs=orgs, people=people)
    _load_extras(orgs=orgs, people=people, slugs={spec["slug"] for spec in missing})
    if stdout:
        stdout.write(f"network: {len(missing)} networks, {len(orgs)} organisations")


def _load_extras(*, orgs: dict, people: dict, slugs: set[str]) -> None:
    """People without logins, a shared member, more charter text, a pending invitation
    and a request to join waiting for partner2 (the university's representative); only
    for the networks made in this run (``slugs``)."""
    networks = {n.slug: n for n in Network.objects.filter(slug__in=slugs)}
    for org_key, title, full_name, position, category, slug, kind in EXTRA_PEOPLE:
        network = networks.get(slug)
        if network is None:
            continue
        person, _ = Person.objects.get_or_create(
            organisation=orgs[org_key],
            full_name=full_name,
            user=None,
            defaults={"title": title, "position": position, "category": category},
        )
        membership_add(network=network, organisation=orgs[org_key], joined_on=network.founded_on)
        role_grant(network=network, person=person, kind=kind)

    # The foundation works with both networks: the map shows the link between them.
    riverside = networks.get("riverside-nakhonpathom")
    sansai = networks.get("sansai-reading")
    if riverside is not None:
        _load_riverside_extras(riverside=riverside, orgs=orgs)
    if sansai is not None:
        _load_sansai_extras(sansai=sansai, orgs=orgs, people=people)


def _load_riverside_extras(*, riverside: Network, orgs: dict) -> None:
    membership_add(network=riverside, organisation=orgs["namjai"], joined_on=dt.date(2026, 7, 1))
    changed = False
    for part, text in RIVERSIDE_CHARTER_MORE.items():
        if not getattr(riverside, part):
            setattr(riverside, part, text)
            changed = True
    if changed:
        riverside.save()


def _load_sansai_extras(*, sansai: Network, orgs: dict, people: dict) -> None:
    if not Invitation.objects.filter(network=sansai, email="kru.ratchada@khruakhai.example"):
        coordinator = people["coordinator@khruakhai.example"].user
        Invitation.objects.create(
            network=sansai,
            organisation=orgs["sansai"],
            email="kru.ratchada@khruakhai.example",
            title="นางสาว",
            full_name="รัชฎา บุญมา",
            position="ครูภาษาไทย",
            category="outstanding_teacher",
            role=Role.Kind.CORE_LEADER,
            # A token nobody knows: the demo shows a pending invitation, not a usable link.
            token_hash=secrets.token_hex(32),
            invited_by=coordinator,
            expires_at=timezone.now() + dt.timedelta(days=7),
        )

    # Network 1 asks network 2's university to join: partner2 answers it (Requests to
    # join). Made directly, so loading the demo sends no email.
    if not JoinRequest.objects.filter(network=sansai, organisation=orgs["npru"]).exists():
        JoinRequest.objects.create(
            network=sansai,
            organisation=orgs["npru"],
            requested_by=people["coordinator@khruakhai.example"].user,
            message="ขอเชิญร่วมพัฒนาครูภาษาไทยในเครือข่ายส่งเสริมการอ่านครับ",
            notice_sent_at=timezone.now(),
        )
