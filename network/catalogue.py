"""The fixed catalogues of shared/domain.md, shipped as data in Thai and English.

Each entry keeps both languages; ``label(entry)`` picks the active one. Codes are
stable identifiers stored in the database; the order here is the order of the deck.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class Entry:
    code: str
    th: str
    en: str
    guidance_th: str = ""
    guidance_en: str = ""

    @property
    def label(self) -> str:
        return self.th if thai_active() else self.en

    @property
    def guidance(self) -> str:
        return self.guidance_th if thai_active() else self.guidance_en


def thai_active() -> bool:
    return (translation.get_language() or "th").startswith("th")


def choices(entries: tuple[Entry, ...]) -> list[tuple[str, str]]:
    """Model choices: the code and a bilingual label (the admin shows both)."""
    return [(e.code, f"{e.th} / {e.en}") for e in entries]


def by_code(entries: tuple[Entry, ...]) -> dict[str, Entry]:
    return {e.code: e for e in entries}


# §1 Forms of network
NETWORK_FORMS = (
    Entry("cop", "รวมกลุ่มสนใจ", "Community of Practice"),
    Entry("networked_org", "รวมกลุ่มหน่วยงาน", "Networked Organization"),
    Entry(
        "virtual",
        "รวมกลุ่มทางอินเทอร์เน็ตไม่เห็นตัวกัน",
        "Virtual Community (members never meet in person)",
    ),
)

# §2 The six-part management approach: the network's charter
CHARTER_PARTS = (
    Entry(
        "purpose",
        "จุดมุ่งหมาย (Purpose)",
        "Purpose",
        "การแสวงหาจุดมุ่งหมายร่วมกัน",
        "Seeking a shared purpose.",
    ),
    Entry(
        "principle",
        "หลักการ (Principle)",
        "Principle",
        "การกำหนดความเชื่อพื้นฐานร่วมกัน",
        "Agreeing shared basic beliefs.",
    ),
    Entry(
        "capability",
        "ความสามารถ (Capability)",
        "Capability",
        "การกำหนดความสามารถที่ต้องมีร่วมกัน",
        "The capabilities the network must have together.",
    ),
    Entry(
        "concept",
        "บทบาทและความสัมพันธ์ (Concept)",
        "Concept",
        "การกำหนดบทบาทของแต่ละฝ่ายและความสัมพันธ์ที่มีต่อกัน ความรับผิดชอบต่อกัน",
        "Each party's role, relationships and responsibilities to the others.",
    ),
    Entry(
        "structure",
        "โครงสร้าง (Structure)",
        "Structure",
        "การกำหนดกฎ ระเบียบที่ยึดโยงความสัมพันธ์ที่มีต่อกัน",
        "The rules that bind the relationships.",
    ),
    Entry(
        "practice",
        "การปฏิบัติ (Practice)",
        "Practice",
        "การกำหนดโครงการ กิจกรรมที่ควรทำร่วมกัน",
        "The projects and activities done together.",
    ),
)

# §9 Who a school invites into its network: member categories
MEMBER_CATEGORIES = (
    Entry("outstanding_teacher", "ครูที่สอนดี มีผลงานดีเด่น", "Outstanding teacher"),
    Entry("school_administrator", "ผู้บริหารสถานศึกษา", "School administrator"),
    Entry("university_faculty", "คณาจารย์มหาวิทยาลัย", "University faculty"),
    Entry("researcher", "นักวิจัย", "Researcher"),
    Entry("government_official", "หน่วยราชการ", "Government official"),
    Entry("foundation_representative", "มูลนิธิการกุศล", "Foundation representative"),
    Entry("expert_adviser", "ผู้ทรงคุณวุฒิ", "Expert adviser"),
    Entry("trainer_speaker", "วิทยากรที่มีประสบการณ์", "Trainer or speaker"),
    Entry("policy_executive", "ผู้บริหารระดับนโยบาย", "Policy executive"),
)

# §8 Benefits the network exists for
BENEFITS = (
    Entry(
        "fast_decisions",
        "ตัดสินใจและแก้ปัญหาได้รวดเร็วท่ามกลางความไม่แน่นอน",
        "Fast decisions and problem solving amid uncertainty",
    ),
    Entry(
        "lower_costs",
        "ลดต้นทุนการบริหารและค่าใช้จ่ายของผู้รับบริการ",
        "Lower costs for administration and service users",
    ),
    Entry(
        "fitting_services",
        "บริการที่ตรงกับความต้องการของกลุ่มเป้าหมาย",
        "Services that fit the target group's needs",
    ),
    Entry(
        "social_capital",
        "สร้างทุนทางสังคมให้หน่วยงานและประเทศ",
        "Social capital for agencies and the country",
    ),
    Entry("more_information", "มีแหล่งข้อมูลข่าวสารมากขึ้น", "More sources of information"),
    Entry(
        "more_learning",
        "มีเวทีแลกเปลี่ยนเรียนรู้มากขึ้น",
        "More places to exchange and learn",
    ),
    Entry(
        "flexible_work",
        "ทำงานได้ยืดหยุ่นโดยอาศัยความเชี่ยวชาญของหลายฝ่าย",
        "Flexible work drawing on many parties' expertise",
    ),
    Entry(
        "deep_knowledge",
        "ได้ความรู้เชิงลึกจากผู้เชี่ยวชาญโดยตรง",
        "Deep knowledge straight from the experts",
    ),
)

# Organisation kinds (issue: Network)
ORGANISATION_KINDS = (
    Entry("school", "สถานศึกษา", "School"),
    Entry("university", "มหาวิทยาลัย", "University"),
    Entry("government", "หน่วยงานราชการ", "Government agency"),
    Entry("local_government", "องค์กรปกครองส่วนท้องถิ่น", "Local government"),
    Entry("foundation", "มูลนิธิหรือองค์กรการกุศล", "Foundation or charity"),
    Entry("company", "บริษัทเอกชน", "Company"),
    Entry("community", "กลุ่มชุมชน", "Community group"),
    Entry("other", "อื่น ๆ", "Other"),
)
