"""The roadmap's fixed catalogues (shared/domain.md §4–§7), shipped as data in Thai and English.

Codes are stored in the database; the order is the deck's order. Each step's
description is kept in ``guidance_th``/``guidance_en`` so ``entry.guidance`` reads it
in the active language.
"""

from __future__ import annotations

from network.catalogue import Entry, by_code

# §4 The 8-step change roadmap
STEPS = (
    Entry(
        "urgency",
        "ทำให้รู้สึกถึงความเร่งด่วนที่ต้องมีเครือข่าย",
        "Create a sense of urgency",
        "ประเมินสถานการณ์ด้านต่าง ๆ ที่มีผลกระทบต่อความสำเร็จตามวัตถุประสงค์ของเครือข่ายความร่วมมือ "
        "ชี้ให้เห็นวิกฤตและโอกาสทางเลือกของความสำเร็จ",
        "Assess everything that affects the network's objectives; show the crisis and the "
        "opportunities.",
    ),
    Entry(
        "core_group",
        "ก่อรูปกลุ่มแกนนำเครือข่ายความร่วมมือ",
        "Form the core leadership group",
        "รวมตัวกันของคนและกลุ่มที่มีพลังพอที่จะขับเคลื่อนความร่วมมือ ทำกิจกรรมร่วมกันของแกนนำในลักษณะทีม",
        "People and groups with enough power to drive the collaboration, working together as "
        "a team.",
    ),
    Entry(
        "vision",
        "สร้างจินตภาพ/วิสัยทัศน์ความร่วมมือ",
        "Create the vision of the collaboration",
        "กำหนดกลยุทธ์ไปสู่ความสำเร็จ",
        "Create the vision of the collaboration and the strategy to reach it.",
    ),
    Entry(
        "communicate",
        "แผ่ขยายการรับรู้และยอมรับในวิสัยทัศน์ใหม่",
        "Spread awareness and acceptance of the vision",
        "ใช้ทุกช่องทางในการสื่อวิสัยทัศน์ใหม่และกลยุทธ์ กลุ่มแกนนำทำเป็นตัวอย่าง",
        "Communicate the new vision and strategy through every channel; the core group leads "
        "by example.",
    ),
    Entry(
        "action",
        "ขับเคลื่อนการกระทำระหว่างหน่วยงาน",
        "Drive action across organisations",
        "ลดอุปสรรค เปลี่ยนระบบและโครงสร้างที่บั่นทอนการเปลี่ยนแปลง ส่งเสริม "
        "\u201cความคิดใหม่ การกระทำใหม่ที่ดี\u201d",
        "Remove obstacles, change the systems and structures that undermine change, encourage "
        "good new ideas and actions.",
    ),
    Entry(
        "wins",
        "ชื่นชมความสำเร็จทีละเล็กละน้อย",
        "Celebrate short-term wins",
        "กำหนดและชื่นชมการปรับปรุงผลงานที่เริ่มเกิดขึ้น ชื่นชมสรรเสริญคนที่ปรับปรุงตนเอง "
        "สร้างกระแสความเชื่อในความสำเร็จแม้จะเป็นเรื่องเล็ก",
        "Name and praise early improvements and the people behind them, however small.",
    ),
    Entry(
        "consolidate",
        "ผนึกกำลังผลความสำเร็จก่อตัวเป็นคลื่นของการเปลี่ยนแปลง",
        "Consolidate gains into a wave of change",
        "เมื่อความคิดเริ่มเคลื่อนเปลี่ยน รีบปรับระบบ โครงสร้างและนโยบายให้คล้อยตาม "
        "ตอกย้ำความเชื่อมั่นด้วยโครงการใหม่และแกนนำการเปลี่ยนแปลงหน้าใหม่",
        "Align systems, structures and policies; reinforce with new projects and new change "
        "leaders.",
    ),
    Entry(
        "culture",
        "ปลูกฝังแนวทางการทำงานแบบเครือข่ายให้เป็นวัฒนธรรม",
        "Anchor network working in the culture",
        "ผลงานที่ดีมาจากความร่วมมือและการยึดจุดมุ่งหมายร่วมกัน ผนวกกับภาวะผู้นำที่ดีและการจัดการที่ดี "
        "เชื่อมโยงให้เห็นว่าพฤติกรรมความร่วมมือระหว่างหน่วยงานนำไปสู่ความสำเร็จของวัตถุประสงค์ "
        "ร่วมกันคิดค้นกลไกที่พัฒนาภาวะผู้นำ และสร้างผู้นำเครือข่ายรุ่นใหม่",
        "Show that collaboration leads to results; grow the next generation of network leaders.",
    ),
)
WINS_STEP_NUMBER = 6

# §5 Obstacles: nine, used as a risk register
OBSTACLES = (
    Entry(
        "obstacle_hard",
        "ผู้คนรู้สึกว่าเป็นเรื่องยาก ไม่มีแรงพลังพอที่จะทำให้เครือข่ายความร่วมมือเป็นไปอย่างต่อเนื่อง",
        "People find it hard; not enough energy to keep going",
    ),
    Entry(
        "obstacle_no_steps",
        "ไม่ได้กำหนดการทำงานและความสำเร็จทีละขั้น",
        "Work and success not defined step by step",
    ),
    Entry(
        "obstacle_perseverance",
        "ขาดความวิริยะในการผลักดันให้มีความร่วมมืออย่างต่อเนื่อง",
        "No perseverance in pushing collaboration",
    ),
    Entry(
        "obstacle_culture",
        "ไม่ได้ปลูกฝัง \u201cความร่วมมือกัน\u201d ให้เป็นวัฒนธรรมของหน่วยงาน",
        "Collaboration not made part of the culture",
    ),
    Entry(
        "obstacle_credit",
        "แย่งผลงานกัน หรือรู้สึกถูกชุบมือเปิบ",
        "Credit grabbing; partners feel exploited",
    ),
    Entry(
        "obstacle_complacency",
        "ผู้คนนิ่งนอนใจ เห็นว่าเครือข่ายความร่วมมือเป็นเรื่องที่ไม่จำเป็นเร่งด่วน",
        "Complacency; seen as not urgent",
    ),
    Entry(
        "obstacle_leadership",
        "ขาดแรงผลักดันที่มากพอจากกลุ่มผู้บริหารระดับสูง",
        "Too little push from senior management",
    ),
    Entry(
        "obstacle_vision",
        "ขาดวิสัยทัศน์ที่มีพลังชี้นำการเปลี่ยนแปลง",
        "No powerful vision guiding change",
    ),
    Entry(
        "obstacle_communication",
        "ไม่สามารถสื่อสารวิสัยทัศน์ให้รู้และยอมรับร่วมกันระหว่างหน่วยงาน",
        "Vision not communicated and shared across organisations",
    ),
)

# §6 Disadvantages of network working: five, also risks
DISADVANTAGES = (
    Entry(
        "disadvantage_rigid",
        "เครือข่ายทำงานไประยะหนึ่งอาจติดยึด ไม่อยากให้เกิดการเปลี่ยนแปลง",
        "Becomes rigid and resists change",
    ),
    Entry(
        "disadvantage_drift",
        "เครือข่ายอาจเริ่มเบี่ยงเบน ไม่เป็นที่สนใจของสมาชิก",
        "Drifts; members lose interest",
    ),
    Entry(
        "disadvantage_no_vision",
        "เครือข่ายอาจเริ่มก่อตั้งโดยไม่มีวิสัยทัศน์ ต้องการไม่ตรงกัน ทำให้ภารกิจไม่ชัดเจน",
        "Founded without vision; unclear mission",
    ),
    Entry(
        "disadvantage_roles",
        "ไม่ได้กำหนดบทบาททุกฝ่ายไว้ชัดเจน",
        "Roles not defined",
    ),
    Entry(
        "disadvantage_dominance",
        "กลุ่มผู้รู้บางคนหรือบางหน่วยอาจเข้มแข็งมีอิทธิพลเหนือผู้อื่น ซึ่งอาจทำลายบรรยากาศความร่วมมือ",
        "Some dominate the others",
    ),
)
RISKS = OBSTACLES + DISADVANTAGES

# §7 Health of the collaboration: 3 principles, 4 basics, 5 factors
HEALTH_PRINCIPLES = (
    Entry(
        "p_equal",
        "ทุกฝ่ายมีศักดิ์ศรี สิทธิ และโอกาสเท่าเทียมกัน",
        "Equal dignity, rights and opportunity for every party",
    ),
    Entry(
        "p_horizontal",
        "ทำงานแนวราบ ไม่มีฝ่ายใดสั่งการฝ่ายใด",
        "Horizontal work: no party commands another",
    ),
    Entry(
        "p_learning",
        "เป็นกระบวนการเรียนรู้ผ่านการทำงานร่วมกัน",
        "A learning process through working together",
    ),
)
HEALTH_BASICS = (
    Entry(
        "b_from_start",
        "ทุกฝ่ายที่เกี่ยวข้องมีส่วนร่วมตั้งแต่เริ่มต้น",
        "Everyone involved takes part from the start",
    ),
    Entry("b_visible", "ทำให้ข้อมูลปรากฏให้เห็น", "Information is made visible"),
    Entry(
        "b_shared",
        "ข้อมูลเคลื่อนไหวและแบ่งปันกัน",
        "Information moves and is shared",
    ),
    Entry(
        "b_enjoy",
        "สนุกกับการคิดและทำร่วมกัน",
        "We enjoy thinking and doing together",
    ),
)
HEALTH_FACTORS = (
    Entry("f_purpose", "มีจุดมุ่งหมายร่วมกัน", "A shared purpose"),
    Entry("f_autonomy", "สมาชิกเป็นอิสระต่อกัน", "Autonomous members"),
    Entry("f_voluntary", "เชื่อมโยงกันโดยสมัครใจ", "Voluntary links"),
    Entry("f_leaders", "มีผู้นำหลายคน", "Many leaders"),
    Entry(
        "f_relationships",
        "มีความสัมพันธ์ในทุกระดับ",
        "Relationships at every level",
    ),
)
HEALTH_GROUPS = (
    (Entry("principles", "หลักการ 3 ประการ", "The three working principles"), HEALTH_PRINCIPLES),
    (
        Entry(
            "basics",
            "หลักพื้นฐาน 4 ประการของความร่วมมือสร้างสรรค์",
            "The four basics of creative collaboration",
        ),
        HEALTH_BASICS,
    ),
    (Entry("factors", "ปัจจัย 5 ประการ", "The five factors"), HEALTH_FACTORS),
)
HEALTH_ITEMS = HEALTH_PRINCIPLES + HEALTH_BASICS + HEALTH_FACTORS

STEP_BY_NUMBER = {number: entry for number, entry in enumerate(STEPS, start=1)}
RISK_BY_CODE = by_code(RISKS)
HEALTH_BY_CODE = by_code(HEALTH_ITEMS)
