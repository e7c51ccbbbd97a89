"""Thai courtesy in every email's opening line (issue 14 item 6).

คุณ goes before a name only when the name carries no title of its own; a monk is
greeted นมัสการ; English adds no Mr/Ms. One helper decides (core.thai_names), every
email reaches it through the ``salutation`` filter.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.template import Context, Template
from django.utils import translation

from core.templatetags.salutation import name_and_title
from core.thai_names import address, salutation, split_title
from network import services
from network.models import Invitation
from tests import factories

EMAILS = Path(__file__).resolve().parents[2] / "templates" / "emails"

# (name, title, Thai opening line, English opening line)
CASES = [
    # No title: คุณ in Thai, nothing added in English.
    ("สมชาย ใจดี", "", "เรียน คุณสมชาย ใจดี", "Dear สมชาย ใจดี,"),
    ("  สมชาย   ใจดี ", "", "เรียน คุณสมชาย ใจดี", "Dear สมชาย ใจดี,"),
    ("คุณากร ศรีสุข", "", "เรียน คุณคุณากร ศรีสุข", "Dear คุณากร ศรีสุข,"),
    ("นายิกา ทองดี", "", "เรียน คุณนายิกา ทองดี", "Dear นายิกา ทองดี,"),
    ("Somchai Jaidee", "", "เรียน คุณ Somchai Jaidee", "Dear Somchai Jaidee,"),
    ("Drew Barrymore", "", "เรียน คุณ Drew Barrymore", "Dear Drew Barrymore,"),
    # A title in the name itself.
    ("นายสมชาย ใจดี", "", "เรียน นายสมชาย ใจดี", "Dear นายสมชาย ใจดี,"),
    ("นางสมศรี ใจดี", "", "เรียน นางสมศรี ใจดี", "Dear นางสมศรี ใจดี,"),
    ("นางสาววิไล ใจงาม", "", "เรียน นางสาววิไล ใจงาม", "Dear นางสาววิไล ใจงาม,"),
    ("น.ส.วิไล ใจงาม", "", "เรียน น.ส.วิไล ใจงาม", "Dear น.ส.วิไล ใจงาม,"),
    ("ด.ช.ก้องภพ มีสุข", "", "เรียน ด.ช.ก้องภพ มีสุข", "Dear ด.ช.ก้องภพ มีสุข,"),
    ("ด.ญ.ปิยะดา มีสุข", "", "เรียน ด.ญ.ปิยะดา มีสุข", "Dear ด.ญ.ปิยะดา มีสุข,"),
    ("ดร.สมชาย ใจดี", "", "เรียน ดร.สมชาย ใจดี", "Dear ดร.สมชาย ใจดี,"),
    ("ผศ.ดร.วิไลวรรณ ใจงาม", "", "เรียน ผศ.ดร.วิไลวรรณ ใจงาม", "Dear ผศ.ดร.วิไลวรรณ ใจงาม,"),
    ("รศ.ดร.ประเสริฐ ศรีสุข", "", "เรียน รศ.ดร.ประเสริฐ ศรีสุข", "Dear รศ.ดร.ประเสริฐ ศรีสุข,"),
    ("ศ.ดร.อรุณ แสงทอง", "", "เรียน ศ.ดร.อรุณ แสงทอง", "Dear ศ.ดร.อรุณ แสงทอง,"),
    ("ศ.อรุณ แสงทอง", "", "เรียน ศ.อรุณ แสงทอง", "Dear ศ.อรุณ แสงทอง,"),
    ("อาจารย์มานี มีนา", "", "เรียน อาจารย์มานี มีนา", "Dear อาจารย์มานี มีนา,"),
    ("อ.มานี มีนา", "", "เรียน อ.มานี มีนา", "Dear อ.มานี มีนา,"),
    ("ครูสุดา รักเรียน", "", "เรียน ครูสุดา รักเรียน", "Dear ครูสุดา รักเรียน,"),
    ("ผู้อำนวยการสมหมาย ดีเลิศ", "", "เรียน ผู้อำนวยการสมหมาย ดีเลิศ", None),
    ("ผอ.สมหมาย ดีเลิศ", "", "เรียน ผอ.สมหมาย ดีเลิศ", None),
    ("ว่าที่ร้อยตรีสมศักดิ์ กล้าหาญ", "", "เรียน ว่าที่ร้อยตรีสมศักดิ์ กล้าหาญ", None),
    ("ว่าที่ ร.ต.สมศักดิ์ กล้าหาญ", "", "เรียน ว่าที่ ร.ต.สมศักดิ์ กล้าหาญ", None),
    ("ร.ต.หญิง สมศรี กล้าหาญ", "", "เรียน ร.ต.หญิงสมศรี กล้าหาญ", None),
    ("พ.ต.อ.ชาติชาย รักษา", "", "เรียน พ.ต.อ.ชาติชาย รักษา", None),
    ("นพ.สมบัติ รักษาดี", "", "เรียน นพ.สมบัติ รักษาดี", None),
    ("พญ.สมใจ รักษาดี", "", "เรียน พญ.สมใจ รักษาดี", None),
    ("ทพ.ธนา ฟันดี", "", "เรียน ทพ.ธนา ฟันดี", None),
    ("ทพญ.ธิดา ฟันดี", "", "เรียน ทพญ.ธิดา ฟันดี", None),
    ("ภก.ยาดี มีสุข", "", "เรียน ภก.ยาดี มีสุข", None),
    ("ภญ.ยาใจ มีสุข", "", "เรียน ภญ.ยาใจ มีสุข", None),
    ("คุณสมชาย ใจดี", "", "เรียน คุณสมชาย ใจดี", "Dear คุณสมชาย ใจดี,"),
    # Spaces after titles, as people type them.
    ("ผศ. ดร. วิไลวรรณ ใจงาม", "", "เรียน ผศ.ดร.วิไลวรรณ ใจงาม", "Dear ผศ.ดร.วิไลวรรณ ใจงาม,"),
    ("นาย สมชาย ใจดี", "", "เรียน นายสมชาย ใจดี", None),
    ("ว่าที่ ร.ต. สมศักดิ์ กล้าหาญ", "", "เรียน ว่าที่ ร.ต.สมศักดิ์ กล้าหาญ", None),
    ("อ. มานี มีนา", "", "เรียน อ.มานี มีนา", None),
    # Monks and novices: นมัสการ.
    ("พระครูสุนทรธรรม", "", "นมัสการ พระครูสุนทรธรรม", "Dear พระครูสุนทรธรรม,"),
    ("พระมหาสมปอง", "", "นมัสการ พระมหาสมปอง", None),
    ("พระสมชาย", "", "นมัสการ พระสมชาย", None),
    # The title in Person.title (display_name glues it on; the helper reads both).
    ("สมชาย ใจดี", "นาย", "เรียน นายสมชาย ใจดี", "Dear นายสมชาย ใจดี,"),
    ("วิไลวรรณ ใจงาม", "ผศ.ดร.", "เรียน ผศ.ดร.วิไลวรรณ ใจงาม", "Dear ผศ.ดร.วิไลวรรณ ใจงาม,"),
    ("วิไลวรรณ ใจงาม", "ผศ. ดร.", "เรียน ผศ.ดร.วิไลวรรณ ใจงาม", None),
    ("มานี มีนา", "อาจารย์", "เรียน อาจารย์มานี มีนา", None),
    ("สมหมาย ดีเลิศ", "ผู้อำนวยการ", "เรียน ผู้อำนวยการสมหมาย ดีเลิศ", None),
    ("สุนทรธรรม", "พระครู", "นมัสการ พระครูสุนทรธรรม", None),
    ("นายสมชาย ใจดี", "นาย", "เรียน นายสมชาย ใจดี", None),  # never นายนาย
    ("นายสมชาย ใจดี", "ดร.", "เรียน ดร.สมชาย ใจดี", None),  # ดร. stands for นาย
    ("ดร.สมชาย", "คุณ", "เรียน ดร.สมชาย", None),  # never คุณดร.
    ("สมชาย ใจดี", "ผศ.ดร", "เรียน ผศ.ดรสมชาย ใจดี", None),  # an unknown title is kept
    # English names and titles.
    ("Dr Somchai Jaidee", "", "เรียน Dr Somchai Jaidee", "Dear Dr Somchai Jaidee,"),
    ("Dr. Somchai Jaidee", "", "เรียน Dr. Somchai Jaidee", "Dear Dr. Somchai Jaidee,"),
    ("Somchai Jaidee", "Dr", "เรียน Dr Somchai Jaidee", "Dear Dr Somchai Jaidee,"),
    ("Assoc. Prof. Dr. Wilaiwan Jai-ngam", "", None, "Dear Assoc. Prof. Dr. Wilaiwan Jai-ngam,"),
    ("Mr. John Smith", "", "เรียน Mr. John Smith", "Dear Mr. John Smith,"),
    ("Mrs Jane Smith", "", None, "Dear Mrs Jane Smith,"),
    ("Jane Smith", "Prof.", None, "Dear Prof. Jane Smith,"),
    ("Prof. Dr. Jane Smith", "", None, "Dear Prof. Dr. Jane Smith,"),
    # Nothing to go on.
    ("someone@example.org", "", "เรียน someone@example.org", "Dear someone@example.org,"),
    ("", "", "เรียน ท่านผู้เกี่ยวข้อง", "Dear colleague,"),
]


def test_at_least_thirty_names_are_checked():
    assert len(CASES) >= 30


@pytest.mark.parametrize(("name", "title", "thai", "english"), CASES)
def test_salutation(name, title, thai, english):
    if thai is not None:
        assert salutation(name, title=title, language="th") == thai
    if english is not None:
        assert salutation(name, title=title, language="en") == english


@pytest.mark.parametrize(("name", "title", "thai", "english"), CASES)
def test_never_khun_before_a_title_and_never_mr_ms_added(name, title, thai, english):
    line = salutation(name, title=title, language="th")
    # คุณ + a title, unless the "title" is only the start of a longer word (นายิกา).
    doubled = r"คุณ\s*(นาย|นาง|น\.ส\.|ดร\.|ผศ\.|รศ\.|ศ\.|อาจารย์|ครู|ผู้อำนวยการ|พระ)"
    assert not re.search(doubled + r"(?![\u0e30-\u0e3a\u0e45\u0e47-\u0e4e])", line)
    assert re.fullmatch(r"(เรียน|นมัสการ) \S.*", line)
    english_line = salutation(name, title=title, language="en")
    assert english_line.startswith("Dear ")
    assert english_line.endswith(",")
    if not re.search(r"\b(Mr|Mrs|Ms|Miss)\b", f"{title} {name}"):
        assert not re.search(r"\b(Mr|Mrs|Ms|Miss)\b", english_line)


def test_the_active_language_is_used_when_none_is_given():
    with translation.override("th"):
        assert salutation("สมชาย ใจดี") == "เรียน คุณสมชาย ใจดี"
    with translation.override("en"):
        assert salutation("สมชาย ใจดี") == "Dear สมชาย ใจดี,"


def test_split_title_and_address():
    assert split_title("ผศ. ดร. วิไลวรรณ ใจงาม") == ("ผศ.ดร.", "วิไลวรรณ ใจงาม")
    assert split_title("คุณากร ศรีสุข") == ("", "คุณากร ศรีสุข")
    assert split_title("Drew Barrymore") == ("", "Drew Barrymore")
    assert address("สมชาย ใจดี", language="th") == "คุณสมชาย ใจดี"
    assert address("สมชาย ใจดี", "ครู", language="th") == "ครูสมชาย ใจดี"


@pytest.mark.django_db
def test_filter_reads_a_person_an_invitation_a_login_and_a_plain_name():
    person = factories.PersonFactory(title="ผศ.ดร.", full_name="วิไลวรรณ ใจงาม")
    invitation = Invitation(title="นาย", full_name="สมชาย ใจดี")
    bare_login = factories.UserFactory(full_name="มานี มีนา")
    nameless_login = factories.UserFactory(full_name="", email="nobody@example.org")
    template = Template("{% load salutation %}{{ who|salutation }}")
    with translation.override("th"):
        lines = [
            template.render(Context({"who": who}))
            for who in (person, invitation, person.user, bare_login, nameless_login, "ครูสุดา")
        ]
    assert lines == [
        "เรียน ผศ.ดร.วิไลวรรณ ใจงาม",
        "เรียน นายสมชาย ใจดี",
        "เรียน ผศ.ดร.วิไลวรรณ ใจงาม",  # a login is greeted with its person's title
        "เรียน คุณมานี มีนา",
        "เรียน nobody@example.org",
        "เรียน ครูสุดา",
    ]
    assert name_and_title(None) == ("", "")


def test_html_emails_escape_the_name():
    template = Template("{% load salutation %}<p>{{ who|salutation }}</p>")
    with translation.override("th"):
        html = template.render(Context({"who": "<b>สมชาย</b>"}))
    assert "<b>" not in html
    assert "&lt;b&gt;" in html


def _greeting_lines() -> dict[str, str]:
    lines = {}
    for path in sorted(EMAILS.glob("*_body.*")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "|salutation" in line or re.search(r"Dear|เรียน|คุณ", line):
                lines[path.name] = line
                break
    return lines


def test_every_email_that_greets_uses_the_one_helper():
    lines = _greeting_lines()
    # Every email that opens with a greeting (a few notices have none).
    assert len(lines) >= 14
    for name, line in lines.items():
        assert "|salutation" in line, name
        assert not re.search(r"Dear \{\{|เรียน|คุณ", line), name


@pytest.mark.parametrize(
    ("language", "expected"),
    [("th", "เรียน ผศ.ดร.วิไลวรรณ ใจงาม"), ("en", "Dear ผศ.ดร.วิไลวรรณ ใจงาม,")],
)
def test_a_real_email_opens_with_the_salutation_in_both_parts(
    cast, django_capture_on_commit_callbacks, language, expected
):
    """The invitation as the service sends it: text and HTML open with the one line."""
    organisation = factories.OrganisationFactory()
    factories.MembershipFactory(network=cast.network, organisation=organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            network=cast.network,
            organisation=organisation,
            email="wilaiwan@example.org",
            title="ผศ. ดร.",
            full_name="วิไลวรรณ ใจงาม",
            invited_by=cast.coordinator,
            language=language,
        )
    message = mail.outbox[-1]
    assert message.body.startswith(expected + "\n")
    html = message.alternatives[0][0]
    assert f"<p>{expected}</p>" in html
    assert "คุณผศ" not in message.body
    assert "คุณผศ" not in html
