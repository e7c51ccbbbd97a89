"""Roadmap demo content for both demo networks. Idempotent: keyed on natural keys.

The network demo runs first (INSTALLED_APPS order) and creates the networks; this
fills their roadmaps with activities, progress history, wins, the risk register
and health check rounds, in Thai.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from network.demo import NETWORKS as DEMO_NETWORKS
from network.demo import ORGANISATIONS as DEMO_ORGANISATIONS
from network.demo import PEOPLE as DEMO_PEOPLE
from network.models import Network, Organisation, Person

from .catalogue import HEALTH_ITEMS
from .evidence import CheckedFile
from .models import Activity, HealthResponse, HealthRound, ObstacleEntry, ProgressUpdate, Step, Win
from .services.activities import activity_create
from .services.obstacles import obstacle_update
from .services.progress import progress_record
from .services.steps import roadmap_create, step_update
from .services.wins import win_record

A = Activity.Status
DEMO_COORDINATORS = {spec["slug"]: spec["coordinator"] for spec in DEMO_NETWORKS}

# step, title, description, owner names (Thai), responsible email, start, due, status, percent
SANSAI_ACTIVITIES = [
    (
        1,
        "สำรวจผลการอ่านออกเขียนได้ของนักเรียน ป.1–ป.3 ทั้งอำเภอ",
        "ใช้แบบทดสอบการอ่านของ สพฐ. กับนักเรียนทุกโรงเรียนในเครือข่าย "
        "วิเคราะห์ข้อมูลรายโรงเรียนเพื่อชี้ให้เห็นขนาดของปัญหา",
        ["มหาวิทยาลัยเชียงใหม่", "โรงเรียนสันทรายวิทยาคม"],
        "partner@khruakhai.example",
        dt.date(2025, 6, 1),
        dt.date(2025, 8, 31),
        A.DONE,
        100,
    ),
    (
        1,
        "เวทีคืนข้อมูลสถานการณ์การอ่านให้ชุมชน",
        "นำเสนอผลสำรวจต่อผู้ปกครอง ผู้นำชุมชน และ อบต. ที่ศาลาอเนกประสงค์ตำบลหนองหาร",
        ["องค์การบริหารส่วนตำบลหนองหาร"],
        "obt@khruakhai.example",
        dt.date(2025, 9, 1),
        dt.date(2025, 9, 30),
        A.DONE,
        100,
    ),
    (
        2,
        "แต่งตั้งคณะทำงานแกนนำเครือข่ายส่งเสริมการอ่าน",
        "ผู้อำนวยการโรงเรียน อาจารย์มหาวิทยาลัย นายก อบต. และผู้แทนมูลนิธิ ประชุมร่วมกันทุกเดือน",
        ["โรงเรียนบ้านป่าประดู่"],
        "coordinator@khruakhai.example",
        dt.date(2025, 7, 1),
        dt.date(2025, 10, 31),
        A.DONE,
        100,
    ),
    (
        3,
        "ประชุมเชิงปฏิบัติการกำหนดวิสัยทัศน์และกลยุทธ์การอ่าน",
        "ร่วมกันเขียนวิสัยทัศน์ \u201cเด็กสันทรายทุกคนอ่านคล่อง เขียนคล่อง รักการอ่าน\u201d และกลยุทธ์ 3 ปี",
        ["มหาวิทยาลัยเชียงใหม่", "โรงเรียนบ้านป่าประดู่"],
        "partner@khruakhai.example",
        dt.date(2025, 11, 1),
        dt.date(2026, 1, 31),
        A.DONE,
        100,
    ),
    (
        4,
        "สื่อสารวิสัยทัศน์ผ่านเสียงตามสายและเพจเครือข่าย",
        "จัดทำคลิปสั้นและข่าวประชาสัมพันธ์เดือนละ 2 ครั้ง",
        ["บริษัท ล้านนาดิจิทัล จำกัด", "องค์การบริหารส่วนตำบลหนองหาร"],
        "lanna@khruakhai.example",
        dt.date(2026, 2, 1),
        dt.date(2026, 12, 31),
        A.IN_PROGRESS,
        60,
    ),
    (
        5,
        "อบรมครูภาษาไทยเรื่องการสอนอ่านแบบแจกลูกสะกดคำ",
        "อบรม 3 วัน และติดตามการสอนในชั้นเรียนโดยอาจารย์นิเทศ",
        ["มหาวิทยาลัยเชียงใหม่"],
        "partner@khruakhai.example",
        dt.date(2026, 5, 1),
        dt.date(2026, 9, 30),
        A.IN_PROGRESS,
        70,
    ),
    (
        5,
        "ห้องสมุดเคลื่อนที่หมุนเวียนทุกหมู่บ้าน",
        "รถห้องสมุดเคลื่อนที่ออกให้บริการหมู่บ้านละ 1 วันต่อเดือน พร้อมอาสาสมัครเล่านิทาน",
        ["มูลนิธิน้ำใจเพื่อการศึกษา", "องค์การบริหารส่วนตำบลหนองหาร"],
        "foundation@khruakhai.example",
        dt.date(2026, 6, 1),
        dt.date(2027, 3, 31),
        A.IN_PROGRESS,
        45,
    ),
    (
        5,
        "จัดหาแท็บเล็ตและแอปฝึกอ่านสำหรับห้องเรียน ป.2",
        "บริษัทสนับสนุนแท็บเล็ต 40 เครื่อง รอการอนุมัติครุภัณฑ์จากเขตพื้นที่",
        ["บริษัท ล้านนาดิจิทัล จำกัด"],
        "lanna@khruakhai.example",
        dt.date(2026, 7, 1),
        dt.date(2026, 10, 31),
        A.BLOCKED,
        30,
    ),
    (
        6,
        "ประกวดยอดนักอ่านประจำภาคเรียน",
        "มอบเกียรติบัตรให้นักเรียนและครูที่พัฒนาการอ่านดีขึ้นมากที่สุด",
        ["โรงเรียนสันทรายวิทยาคม", "มูลนิธิน้ำใจเพื่อการศึกษา"],
        "teacher@khruakhai.example",
        dt.date(2026, 9, 1),
        dt.date(2026, 11, 15),
        A.IN_PROGRESS,
        80,
    ),
    (
        7,
        "บรรจุกิจกรรมรักการอ่านในแผนพัฒนาท้องถิ่น อบต.",
        "เสนอโครงการเข้าแผนพัฒนาท้องถิ่น 5 ปี เพื่อให้มีงบประมาณต่อเนื่อง",
        ["องค์การบริหารส่วนตำบลหนองหาร"],
        "obt@khruakhai.example",
        dt.date(2026, 11, 1),
        dt.date(2027, 2, 28),
        A.NOT_STARTED,
        0,
    ),
    (
        8,
        "พัฒนาแกนนำครูรุ่นใหม่ของเครือข่าย",
        "คัดเลือกครูรุ่นใหม่ 10 คน เป็นพี่เลี้ยงการสอนอ่านให้โรงเรียนอื่น",
        ["โรงเรียนบ้านป่าประดู่", "มหาวิทยาลัยเชียงใหม่"],
        "coordinator@khruakhai.example",
        dt.date(2027, 1, 1),
        dt.date(2027, 6, 30),
        A.NOT_STARTED,
        0,
    ),
]

RIVERSIDE_ACTIVITIES = [
    (
        1,
        "สำรวจผลสัมฤทธิ์วิชาวิทยาศาสตร์ของโรงเรียนริมแม่น้ำท่าจีน",
        "รวบรวมผล O-NET และผลการประเมินภายในย้อนหลัง 3 ปี",
        ["มหาวิทยาลัยราชภัฏนครปฐม"],
        "partner2@khruakhai.example",
        dt.date(2026, 6, 15),
        dt.date(2026, 8, 31),
        A.DONE,
        100,
    ),
    (
        2,
        "ประชุมจัดตั้งกลุ่มแกนนำครูวิทยาศาสตร์",
        "ครูวิทยาศาสตร์จาก 3 โรงเรียนและอาจารย์มหาวิทยาลัยร่วมเป็นแกนนำ",
        ["โรงเรียนวัดริมน้ำ", "โรงเรียนท่าจีนพิทยา"],
        "coordinator2@khruakhai.example",
        dt.date(2026, 7, 1),
        dt.date(2026, 10, 31),
        A.IN_PROGRESS,
        50,
    ),
    (
        3,
        "ร่างวิสัยทัศน์ \u201cห้องเรียนวิทยาศาสตร์ริมน้ำ\u201d",
        "ใช้แม่น้ำท่าจีนเป็นแหล่งเรียนรู้ คุณภาพน้ำ ระบบนิเวศ และวิถีชุมชน",
        ["มหาวิทยาลัยราชภัฏนครปฐม", "โรงเรียนวัดริมน้ำ"],
        "partner2@khruakhai.example",
        dt.date(2026, 11, 1),
        dt.date(2027, 1, 31),
        A.NOT_STARTED,
        0,
    ),
]

# (activity title, author email, percent, status, narrative, days after start)
UPDATES = [
    (
        "สำรวจผลการอ่านออกเขียนได้ของนักเรียน ป.1–ป.3 ทั้งอำเภอ",
        "partner@khruakhai.example",
        50,
        A.IN_PROGRESS,
        "ทดสอบครบ 6 โรงเรียนจาก 12 โรงเรียน นักศึกษาฝึกสอนช่วยเก็บข้อมูล",
        30,
    ),
    (
        "สำรวจผลการอ่านออกเขียนได้ของนักเรียน ป.1–ป.3 ทั้งอำเภอ",
        "partner@khruakhai.example",
        100,
        A.DONE,
        "ทดสอบครบทุกโรงเรียน พบนักเรียน ป.3 อ่านไม่คล่องร้อยละ 27 ส่งรายงานให้คณะกรรมการแล้ว",
        85,
    ),
    (
        "อบรมครูภาษาไทยเรื่องการสอนอ่านแบบแจกลูกสะกดคำ",
        "partner@khruakhai.example",
        70,
        A.IN_PROGRESS,
        "อบรมครบ 3 วัน ครูเข้าร่วม 38 คน เริ่มนิเทศติดตามในชั้นเรียนแล้ว 5 โรงเรียน",
        60,
    ),
    (
        "ห้องสมุดเคลื่อนที่หมุนเวียนทุกหมู่บ้าน",
        "foundation@khruakhai.example",
        45,
        A.IN_PROGRESS,
        "ออกให้บริการแล้ว 7 หมู่บ้าน ยืมหนังสือรวม 412 เล่ม อาสาสมัครเล่านิทานเพิ่มเป็น 9 คน",
        90,
    ),
    (
        "จัดหาแท็บเล็ตและแอปฝึกอ่านสำหรับห้องเรียน ป.2",
        "lanna@khruakhai.example",
        30,
        A.BLOCKED,
        "ส่งมอบแท็บเล็ตได้ 12 เครื่อง ส่วนที่เหลือรอการรับรองครุภัณฑ์",
        45,
    ),
    (
        "สื่อสารวิสัยทัศน์ผ่านเสียงตามสายและเพจเครือข่าย",
        "lanna@khruakhai.example",
        60,
        A.IN_PROGRESS,
        "เผยแพร่คลิปแล้ว 14 ตอน ยอดชมรวม 8,300 ครั้ง",
        200,
    ),
    (
        "ประกวดยอดนักอ่านประจำภาคเรียน",
        "teacher@khruakhai.example",
        80,
        A.IN_PROGRESS,
        "คัดเลือกยอดนักอ่านระดับโรงเรียนครบแล้ว รอพิธีมอบเกียรติบัตร",
        40,
    ),
    (
        "ประชุมจัดตั้งกลุ่มแกนนำครูวิทยาศาสตร์",
        "coordinator2@khruakhai.example",
        50,
        A.IN_PROGRESS,
        "ประชุมครั้งแรกแล้ว มีครูเข้าร่วม 7 คน นัดประชุมครั้งต่อไปที่โรงเรียนท่าจีนพิทยา",
        20,
    ),
]

# slug: {step number: (status, target start, target end, notes)}
STEP_PLANS = {
    "sansai-reading": {
        1: (
            "done",
            dt.date(2025, 6, 1),
            dt.date(2025, 9, 30),
            "ผลสำรวจชี้ว่านักเรียน ป.3 อ่านไม่คล่องร้อยละ 27",
        ),
        2: ("done", dt.date(2025, 7, 1), dt.date(2025, 10, 31), "คณะทำงานแกนนำ 9 คน จาก 6 องค์กร"),
        3: ("done", dt.date(2025, 11, 1), dt.date(2026, 1, 31), ""),
        4: ("in_progress", dt.date(2026, 2, 1), dt.date(2026, 12, 31), ""),
        5: ("in_progress", dt.date(2026, 5, 1), dt.date(2027, 3, 31), ""),
        6: ("in_progress", dt.date(2026, 6, 1), dt.date(2027, 3, 31), ""),
        7: ("not_started", dt.date(2026, 11, 1), dt.date(2027, 6, 30), ""),
        8: ("not_started", dt.date(2027, 1, 1), dt.date(2027, 12, 31), ""),
    },
    "riverside-nakhonpathom": {
        1: ("done", dt.date(2026, 6, 15), dt.date(2026, 8, 31), ""),
        2: ("in_progress", dt.date(2026, 7, 1), dt.date(2026, 10, 31), ""),
        3: ("not_started", dt.date(2026, 11, 1), dt.date(2027, 1, 31), ""),
    },
}

BLOCKED_REASON = "รอการอนุมัติรับบริจาคครุภัณฑ์จากสำนักงานเขตพื้นที่การศึกษา"

WINS = {
    "sansai-reading": [
        (
            "นักเรียน ป.3 อ่านคล่องเพิ่มขึ้นร้อยละ 15",
            "ผลการทดสอบกลางภาคเรียนที่ 1/2569 เทียบกับผลสำรวจต้นปี",
            dt.date(2026, 9, 20),
            ["โรงเรียนสันทรายวิทยาคม", "มหาวิทยาลัยเชียงใหม่"],
            ["teacher@khruakhai.example"],
        ),
        (
            "ห้องสมุดเคลื่อนที่ครบ 7 หมู่บ้านแรก",
            "ผู้ปกครองมาร่วมฟังนิทานกับลูกทุกครั้ง",
            dt.date(2026, 8, 30),
            ["มูลนิธิน้ำใจเพื่อการศึกษา", "องค์การบริหารส่วนตำบลหนองหาร"],
            ["foundation@khruakhai.example", "obt@khruakhai.example"],
        ),
        (
            "ครูภาษาไทย 38 คนผ่านการอบรมการสอนอ่าน",
            "",
            dt.date(2026, 6, 30),
            ["มหาวิทยาลัยเชียงใหม่"],
            ["partner@khruakhai.example"],
        ),
    ],
    "riverside-nakhonpathom": [
        (
            "ได้ข้อมูลผลสัมฤทธิ์วิทยาศาสตร์ครบทั้ง 3 โรงเรียน",
            "เป็นครั้งแรกที่สามโรงเรียนแบ่งปันข้อมูลกันอย่างเปิดเผย",
            dt.date(2026, 8, 31),
            ["มหาวิทยาลัยราชภัฏนครปฐม"],
            ["partner2@khruakhai.example"],
        ),
    ],
}

# code: likelihood, impact, mitigation, owner email, review date
RISKS = {
    "sansai-reading": {
        "obstacle_hard": (
            3,
            4,
            "แบ่งงานเป็นกิจกรรมย่อย รายงานความก้าวหน้าทุกเดือน",
            "coordinator@khruakhai.example",
            dt.date(2026, 12, 15),
        ),
        "obstacle_credit": (
            2,
            4,
            "ระบุชื่อทุกภาคีในผลงานและข่าวประชาสัมพันธ์",
            "coordinator@khruakhai.example",
            dt.date(2027, 1, 15),
        ),
        "obstacle_leadership": (
            2,
            5,
            "เชิญผู้อำนวยการเขตพื้นที่เป็นที่ปรึกษา",
            "chair@khruakhai.example",
            dt.date(2026, 12, 1),
        ),
        "obstacle_complacency": (
            4,
            3,
            "คืนข้อมูลผลการอ่านให้ชุมชนทุกภาคเรียน",
            "obt@khruakhai.example",
            dt.date(2026, 11, 20),
        ),
        "disadvantage_dominance": (
            3,
            3,
            "หมุนเวียนประธานการประชุม ตัดสินใจโดยฉันทามติ",
            "chair@khruakhai.example",
            dt.date(2027, 2, 1),
        ),
        "disadvantage_drift": (
            2,
            3,
            "ทบทวนวิสัยทัศน์ร่วมกันปีละครั้ง",
            "partner@khruakhai.example",
            dt.date(2027, 3, 1),
        ),
    },
    "riverside-nakhonpathom": {
        "obstacle_vision": (
            4,
            4,
            "จัดเวทีร่างวิสัยทัศน์ร่วมกันก่อนเริ่มโครงการ",
            "coordinator2@khruakhai.example",
            dt.date(2026, 12, 10),
        ),
        "disadvantage_roles": (
            4,
            3,
            "เขียนบทบาทแต่ละฝ่ายไว้ในข้อตกลง",
            "coordinator2@khruakhai.example",
            dt.date(2026, 12, 31),
        ),
        "obstacle_no_steps": (
            3,
            3,
            "กำหนดตัวชี้วัดรายภาคเรียน",
            "partner2@khruakhai.example",
            dt.date(2027, 1, 31),
        ),
    },
}

# label, opened, closes, {respondent email: (12 scores, comment)}
HEALTH = {
    "sansai-reading": [
        (
            "ภาคเรียนที่ 2/2568",
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 31),
            {
                "coordinator@khruakhai.example": ([4, 4, 4, 3, 3, 3, 4, 4, 4, 3, 3, 3], "เริ่มต้นได้ดี"),
                "partner@khruakhai.example": (
                    [4, 3, 5, 3, 2, 3, 4, 5, 4, 3, 3, 2],
                    "ข้อมูลผลการอ่านยังไม่ถึงครูทุกคน",
                ),
                "obt@khruakhai.example": ([3, 3, 4, 2, 3, 2, 4, 4, 4, 4, 2, 3], ""),
                "foundation@khruakhai.example": (
                    [4, 4, 4, 3, 3, 3, 5, 4, 4, 4, 3, 3],
                    "อยากให้ประชุมนอกเวลาราชการบ้าง",
                ),
            },
        ),
        (
            "ภาคเรียนที่ 1/2569",
            dt.date(2026, 9, 1),
            dt.date(2026, 9, 30),
            {
                "coordinator@khruakhai.example": ([4, 4, 5, 4, 4, 4, 5, 5, 4, 4, 4, 4], ""),
                "partner@khruakhai.example": (
                    [5, 4, 5, 4, 4, 4, 5, 5, 4, 4, 4, 3],
                    "การนิเทศร่วมกันช่วยได้มาก",
                ),
                "obt@khruakhai.example": ([4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 3, 4], ""),
                "foundation@khruakhai.example": ([4, 4, 5, 4, 4, 4, 5, 5, 4, 4, 4, 4], ""),
                "lanna@khruakhai.example": (
                    [3, 3, 4, 3, 3, 4, 4, 4, 4, 3, 3, 3],
                    "ขั้นตอนราชการทำให้งานล่าช้า",
                ),
            },
        ),
        (
            "ภาคเรียนที่ 2/2569",
            dt.date(2026, 11, 1),
            dt.date(2027, 3, 31),
            {
                "partner@khruakhai.example": ([5, 4, 5, 4, 4, 5, 5, 5, 4, 4, 4, 4], ""),
            },
        ),
    ],
    "riverside-nakhonpathom": [
        (
            "ภาคเรียนที่ 1/2569",
            dt.date(2026, 9, 15),
            dt.date(2026, 10, 15),
            {
                "coordinator2@khruakhai.example": ([4, 4, 4, 3, 3, 3, 4, 4, 4, 4, 3, 3], ""),
                "partner2@khruakhai.example": (
                    [4, 3, 4, 3, 3, 3, 4, 4, 4, 3, 3, 3],
                    "ยังต้องการเวลาทำความรู้จักกัน",
                ),
            },
        ),
    ],
}


def _evidence_image(text: str) -> CheckedFile:
    """A small generated photo-like PNG, so the demo has evidence to download."""
    image = Image.new("RGB", (480, 320), (233, 241, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 460, 300), outline=(13, 110, 253), width=4)
    for i, h in enumerate((80, 140, 190, 240)):
        draw.rectangle((70 + i * 95, 280 - h, 130 + i * 95, 280), fill=(25, 135, 84))
    draw.text((30, 30), text, fill=(33, 37, 41))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return CheckedFile(
        name="reading-results.png",
        content=out.getvalue(),
        content_type="image/png",
        extension=".png",
    )


def _load_network(network: Network, activities: list, people: dict, orgs: dict) -> int:
    roadmap_create(network=network)
    steps = {s.number: s for s in Step.objects.filter(network=network)}
    created = 0
    for number, title, description, owners, email, start, due, status, percent in activities:
        activity = Activity.objects.filter(step__network=network, title=title).first()
        if activity is None:
            activity = activity_create(
                step=steps[number],
                title=title,
                description=description,
                owners=[orgs[o] for o in owners],
                responsible=people.get(email),
                start_on=start,
                due_on=due,
                status=status,
                blocked_reason=BLOCKED_REASON if status == A.BLOCKED else "",
                percent=percent,
            )
            created += 1
    return created


def _load_updates(network: Network, people: dict) -> None:
    for title, email, percent, status, narrative, days in UPDATES:
        activity = Activity.objects.filter(step__network=network, title=title).first()
        if activity is None or activity.updates.filter(narrative=narrative).exists():
            continue
        person = people[email]
        final = (activity.percent, activity.status)
        update = progress_record(
            activity=activity,
            author=person.user,
            organisation=person.organisation,
            based_on_version=activity.version,
            percent=percent,
            status=status,
            narrative=narrative,
            blocked_reason=BLOCKED_REASON if status == A.BLOCKED else "",
            files=[_evidence_image("Reading results")] if days == 85 else [],
        )
        when = timezone.make_aware(
            dt.datetime.combine(activity.start_on + dt.timedelta(days=days), dt.time(15, 30))
        )
        ProgressUpdate.objects.filter(pk=update.pk).update(created_at=when)
        # The planned figures stay the activity's figures when an earlier update lands later.
        if (activity.percent, activity.status) != final and percent < final[0]:
            activity.percent, activity.status = final
            activity.save()


def _load_steps(network: Network, slug: str) -> None:
    for step in Step.objects.filter(network=network, number__in=STEP_PLANS.get(slug, {})):
        status, start, end, notes = STEP_PLANS[slug][step.number]
        if (step.status, step.target_start, step.target_end, step.notes) != (
            status,
            start,
            end,
            notes,
        ):
            step_update(step=step, status=status, target_start=start, target_end=end, notes=notes)


def _load_wins(network: Network, slug: str, people: dict, orgs: dict) -> None:
    for title, description, day, org_names, emails in WINS.get(slug, []):
        if not Win.objects.filter(network=network, title=title).exists():
            win_record(
                network=network,
                title=title,
                description=description,
                happened_on=day,
                organisations=[orgs[o] for o in org_names],
                people=[people[e] for e in emails],
                recorded_by=people[DEMO_COORDINATORS[slug]].user,
            )


def _load_risks(network: Network, slug: str, people: dict) -> None:
    for code, (likelihood, impact, mitigation, email, review_on) in RISKS.get(slug, {}).items():
        entry = ObstacleEntry.objects.get(network=network, code=code)
        wanted = (likelihood, impact, mitigation, people[email].pk, review_on)
        if (
            entry.likelihood,
            entry.impact,
            entry.mitigation,
            entry.owner_id,
            entry.review_on,
        ) != wanted:
            obstacle_update(
                entry=entry,
                likelihood=likelihood,
                impact=impact,
                mitigation=mitigation,
                owner=people[email],
                review_on=review_on,
            )


def _load_health(network: Network, slug: str, people: dict) -> None:
    """The demo's past rounds with the answers given while they were open. The service
    (health_answer) rightly refuses a closed round, so these rows are written as they
    stand: history, not a new answer."""
    User = get_user_model()
    for label, opened, closes, answers in HEALTH.get(slug, []):
        round_, _ = HealthRound.objects.get_or_create(
            network=network, label=label, defaults={"opened_on": opened, "closes_on": closes}
        )
        for email, (scores, comment) in answers.items():
            user = User.objects.filter(email=email).first() if email in people else None
            if (
                user is None
                or HealthResponse.objects.filter(round=round_, respondent=user).exists()
            ):
                continue
            HealthResponse.objects.create(
                round=round_,
                respondent=user,
                organisation=people[email].organisation,
                answers={item.code: s for item, s in zip(HEALTH_ITEMS, scores, strict=True)},
                comment=comment,
            )


def load(*, stdout=None) -> None:
    """Only for a demo network whose roadmap has none of the demo's activities yet: one
    that has them was loaded before, and what its people have since done to its steps,
    risks and activities stays as they left it."""
    # Only the demo's own people and organisations, by their fixed emails and names.
    emails = [row[0] for row in DEMO_PEOPLE]
    people = {
        p.email: p
        for p in Person.objects.filter(email__in=emails).select_related("organisation", "user")
    }
    orgs = {
        o.name_th: o
        for o in Organisation.objects.filter(name_th__in=[row[1] for row in DEMO_ORGANISATIONS])
    }
    totals = 0
    for slug, activities in (
        ("sansai-reading", SANSAI_ACTIVITIES),
        ("riverside-nakhonpathom", RIVERSIDE_ACTIVITIES),
    ):
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            continue
        titles = [row[1] for row in activities]
        if Activity.objects.filter(step__network=network, title__in=titles).exists():
            continue  # loaded before: the quick second run
        totals += _load_network(network, activities, people, orgs)
        _load_updates(network, people)
        _load_steps(network, slug)
        _load_wins(network, slug, people, orgs)
        _load_risks(network, slug, people)
        _load_health(network, slug, people)
    if stdout:
        stdout.write(f"roadmap: {totals} new activities")
