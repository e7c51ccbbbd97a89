"""The written agreement's five sections (shared/domain.md §3), shipped as data.

Thai and English labels with the guidance a coordinator sees while drafting. The
codes of the text sections are the field names on ``AgreementVersion``; the order
here is the order of the deck and of the signed PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

from network.catalogue import Entry

# §3 I–V. Section II and III also hold rows (duties per organisation, resource lines);
# their codes name the free-text field that accompanies the rows.
SECTIONS = (
    Entry(
        "basic_information",
        "ข้อมูลพื้นฐาน",
        "Basic information",
        "ชื่อเครือข่าย ความเป็นมา วัตถุประสงค์ของความร่วมมือ องค์กรภาคีที่ร่วมลงนาม "
        "ระยะเวลาของข้อตกลง และผู้ประสานงานที่ติดต่อได้",
        "The network's name and background, the purpose of the collaboration, the "
        "organisations that sign, how long the agreement runs and who to contact.",
    ),
    Entry(
        "duties_text",
        "หน้าที่ของเครือข่าย",
        "Duties of the network",
        "สิ่งที่เครือข่ายจะทำร่วมกัน และหน้าที่ของแต่ละองค์กรภาคีที่ระบุไว้อย่างชัดเจน เพื่อไม่ให้บทบาทซ้ำซ้อนหรือตกหล่น",
        "What the network does together, and each partner organisation's duties, stated "
        "clearly so no role is duplicated or forgotten.",
    ),
    Entry(
        "resources_text",
        "เงิน/ทรัพยากรที่ใช้",
        "Money and resources used",
        "งบประมาณ บุคลากร สถานที่ วัสดุอุปกรณ์ ที่แต่ละภาคีสนับสนุน พร้อมมูลค่าโดยประมาณ (บาท) "
        "และวิธีการใช้และรายงานการใช้ทรัพยากร",
        "The budget, staff, venues and materials each partner contributes with an estimated "
        "value in baht, and how the resources are used and accounted for.",
    ),
    Entry(
        "management",
        "ระบบบริหารจัดการ",
        "Management system",
        "วิธีที่เครือข่ายวางแผน สื่อสาร ติดตาม และรายงานผลร่วมกัน",
        "How the network plans, communicates, monitors and reports together.",
    ),
    Entry(
        "other_matters",
        "งานอื่น ๆ",
        "Other matters",
        "เรื่องอื่นที่ภาคีตกลงร่วมกัน เช่น การเข้าร่วมและการออกจากเครือข่าย การแก้ไขข้อตกลง และการระงับข้อขัดแย้ง",
        "Anything else the partners agree, such as joining and leaving the network, "
        "amending the agreement and settling disagreements.",
    ),
)

# §3 IV A–D: the parts of the management system.
MANAGEMENT_PARTS = (
    Entry(
        "planning",
        "การวางแผนและตัดสินใจ",
        "Planning and decision making",
        "ใครร่วมวางแผน ประชุมบ่อยเพียงใด และตัดสินใจอย่างไร (เช่น ฉันทามติ หรือเสียงข้างมาก)",
        "Who plans together, how often the partners meet and how decisions are made "
        "(for example by consensus or by majority).",
    ),
    Entry(
        "communication",
        "การติดต่อสื่อสาร",
        "Communication",
        "ช่องทางการติดต่อสื่อสารระหว่างภาคี การแจ้งข่าวสาร และการแบ่งปันข้อมูลแบบสองทาง",
        "The channels between partners, how news is shared and how information flows both ways.",
    ),
    Entry(
        "monitoring",
        "การกำกับติดตาม",
        "Monitoring and follow-up",
        "วิธีการกำกับติดตามความก้าวหน้าของกิจกรรม ตัวชี้วัด และผู้รับผิดชอบการติดตาม",
        "How progress on activities is followed up, the indicators and who follows up.",
    ),
    Entry(
        "reporting",
        "การจัดทำรายงานและการจัดทำฐานข้อมูล",
        "Reporting and keeping the database",
        "รอบการรายงานความก้าวหน้า ผู้จัดทำรายงาน และการจัดเก็บข้อมูลของเครือข่ายในฐานข้อมูลร่วม",
        "How often progress is reported, who writes the reports and how the network's "
        "information is kept in a shared database.",
    ),
)

NUMERALS = ("I", "II", "III", "IV", "V")
PART_LETTERS = ("A", "B", "C", "D")

# Every text field of a version, in the order of the agreement.
TEXT_FIELDS = (
    "basic_information",
    "duties_text",
    "resources_text",
    "planning",
    "communication",
    "monitoring",
    "reporting",
    "other_matters",
)


@dataclass(frozen=True)
class Section:
    """One section of a version as pages and the PDF show it."""

    numeral: str
    entry: Entry
    text: str = ""
    parts: tuple = ()  # (letter, Entry, text) for section IV
