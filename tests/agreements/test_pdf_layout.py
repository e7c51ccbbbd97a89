"""The signed agreement PDF's layout (issue 14, item 8): totals printed once, rows
whole, no page that holds only the footer note, no empty "Position:" line, and
"ภาคเรียนที่ 1/2569" never split across lines. Read back with pdftotext page by page;
the Thai pages are also rendered with pdftoppm into test-artifacts/agreements/ to
look at."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from agreements import services
from agreements.models import AgreementVersion, Party, ResourceItem, SigningEvent
from core import sealing
from tests.factories import PASSWORD

from . import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "agreements"
AT = dt.datetime(2026, 11, 28, 10, 5, tzinfo=dt.UTC)
TERMS = ("ภาคเรียนที่ 1/2569", "2/2569", "ภาคเรียนที่ 2/2569", "23/11/2569")
# Words of different widths before each term, so that across the paragraph the terms
# fall at every place of a line, the end of a line included.
FILLERS = ("ครู", "นักเรียน", "ผู้ปกครอง", "ชุมชน", "คณะกรรมการ", "ห้องสมุด", "การอ่าน")


def _term_text() -> str:
    sentences = []
    for n in range(36):
        filler = " ".join(FILLERS[: 1 + n % len(FILLERS)])
        sentences.append(f"{filler}{'ก' * (n % 5)} ร่วมกิจกรรม{TERMS[n % len(TERMS)]}")
    return " ".join(sentences)


def _sign_everyone(version: AgreementVersion) -> AgreementVersion:
    for party in version.parties.select_related("signatory__user"):
        with f.after_commit():
            services.party_sign(
                party=party,
                user=party.signatory.user,
                password=PASSWORD,
                typed_name=party.signatory.full_name,
                ip="198.51.100.4",
                user_agent="Mozilla/5.0 (Test)",
            )
    version.refresh_from_db()
    return version


@pytest.fixture
def version(cast):
    """A signed version (PDF render stubbed) with 14 resource rows, so the table
    crosses a page; one signatory without a position; a section full of terms; every
    event at one fixed time, so the layout does not depend on today's date."""
    version = f.draft_for(cast)
    version.planning = _term_text()
    version.save()
    kinds = (ResourceItem.Kind.MONEY, ResourceItem.Kind.OTHER)
    for n in range(1, 14):
        f.ResourceFactory(
            version=version,
            organisation=cast.partner_org if n % 2 else cast.network.lead_organisation,
            kind=kinds[n % 2],
            description=f"ค่าวัสดุอุปกรณ์ส่งเสริมการอ่าน รายการที่ {n} ภาคเรียนที่ 1/2569",
            amount_baht=Decimal(1000 * n),
        )
    Party.objects.filter(version=version, signatory=cast.partner.person).update(position="")
    with f.after_commit():
        services.version_send(version=version, user=cast.coordinator)
    version = _sign_everyone(version)
    SigningEvent.objects.filter(version=version).update(at=AT)
    Party.objects.filter(version=version).update(signed_at=AT)
    AgreementVersion.objects.filter(pk=version.pk).update(signed_at=AT)
    version.refresh_from_db()
    return version


def _render(version: AgreementVersion, language: str) -> tuple[bytes, str]:
    """The unsealed PDF as the task renders it, with its verify address and QR code;
    and the document's code, which the footer note prints."""
    document = sealing.sealed_document_reserve(
        kind="agreement", title=version.agreement.title, language=language
    )
    pdf = services.version_pdf_render_one(version=version, language=language, document=document)
    return pdf, document.code


def _pages(pdf: bytes, tmp_path: Path, *, layout: bool = True) -> list[str]:
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])
    pages = []
    for number in range(1, count + 1):
        args = ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number)]
        args += ["-layout"] if layout else []
        out = subprocess.run([*args, str(path), "-"], capture_output=True, check=True)
        pages.append(out.stdout.decode("utf-8"))
    return pages


PAGE_NUMBER = re.compile(r"^\s*(หน้า \d+ / \d+|Page \d+ of \d+)\s*$", re.M)


def _content(page: str, code: str) -> str:
    """A page's text without its page number and the footer note (network · version
    · code): what is left when a page holds nothing of the agreement."""
    return "\n".join(
        line.strip()
        for line in PAGE_NUMBER.sub("", page).splitlines()
        if line.strip() and code not in line
    )


@pytest.mark.parametrize("language", ["th", "en"])
def test_totals_once_rows_whole_no_empty_page(version, tmp_path, language):
    pdf, code = _render(version, language)
    pages = _pages(pdf, tmp_path)
    everything = "\n".join(pages)
    grand_total = "รวมทั้งสิ้น" if language == "th" else "Grand total"
    assert everything.count(grand_total) == 1
    # The totals close the table: printed after the last row, once.
    assert everything.index("รายการที่ 13") < everything.index(grand_total)
    # The table really crosses a page (the header repeats), so "once" means something.
    header = re.compile(r"^\s*ลำดับ\s+รายการ" if language == "th" else r"^\s*No\.\s+Item", re.M)
    assert sum(bool(header.search(page)) for page in pages) >= 2

    # Every row whole on one page: its description and its amount together.
    for n in range(1, 14):
        holding = [p for p in pages if f"รายการที่ {n} " in p]
        assert len(holding) == 1, n
        assert re.search(rf"(?<![\d,]){1000 * n:,}\.00", holding[0]), n

    # Every page holds content; the last one the verification block with the note.
    empty = [i + 1 for i, page in enumerate(pages) if not _content(page, code)]
    assert not empty, f"pages with nothing but a page number or footer note: {empty}"
    check_at = "ตรวจสอบเอกสารนี้ได้ที่" if language == "th" else "Check this document at"
    assert check_at in pages[-1]
    assert code in pages[-1]


def test_the_last_page_is_never_the_footer_note_alone(version, tmp_path):
    """Reminders lengthen the audit appendix. With 10 or 11 of them the old template
    pushed the footer note alone onto a seventh page (measured: 6 pages up to 9
    reminders, 7 pages with only "network · version · code" on the last for 10-11);
    the sweep covers that band and both sides of it."""
    for count in range(1, 14):
        SigningEvent.objects.create(version=version, kind=SigningEvent.Kind.REMINDED, at=AT)
        if count < 8:
            continue
        pdf, code = _render(version, "th")
        pages = _pages(pdf, tmp_path)
        with_content = [page for page in pages if _content(page, code)]
        assert len(with_content) == len(pages), (count, len(pages))
        assert code in pages[-1], count
        assert "ตรวจสอบเอกสารนี้ได้ที่" in pages[-1], count


def test_no_empty_position_line(version, tmp_path):
    text = "\n".join(_pages(_render(version, "th")[0], tmp_path))
    positions = re.findall(r"ตำแหน่ง:(.*)", text)
    # The coordinator's position is printed; the partner, who has none, gets no line.
    assert len(positions) == 1
    assert "ผู้อำนวยการโรงเรียน" in positions[0]
    assert all(p.strip() for p in positions)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils (pdftoppm)")
def test_terms_never_split_and_copy_out_exactly(version, tmp_path):
    pdf, _code = _render(version, "th")
    lines = [line.strip() for page in _pages(pdf, tmp_path) for line in page.splitlines()]
    typed = " ".join([version.planning, *version.resources.values_list("description", flat=True)])
    # Each term the section holds is found whole on one line, as many times as typed.
    flat = "\n".join(lines)
    for term in TERMS:
        assert flat.count(term) == len(re.findall(rf"(?<![\d/]){re.escape(term)}", typed)), term
    # No line ends inside one: on "ภาคเรียนที่" or on a day or term and its slash
    # ("1/", "23/11/"). The verify address may end in a digit and a slash: it is not
    # preceded by a space or a Thai letter.
    for before, after in itertools.pairwise(lines):
        assert not before.endswith("ภาคเรียนที่"), (before, after)
        assert not re.search(r"(?:^|[\s\u0e00-\u0e7f])\d{1,2}/(?:\d{1,2}/)?$", before), (
            before,
            after,
        )
    # Only spans were added: the text copies out exactly (whitespace aside).
    pages = _pages(pdf, tmp_path, layout=False)
    plain = re.sub(r"\s+", "", "".join(PAGE_NUMBER.sub("", page) for page in pages))
    assert re.sub(r"\s+", "", version.planning) in plain
    assert "\u2060" not in plain

    # The Thai pages as images, to look at (kept under test-artifacts/agreements/).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("layout-th-*.png"):
        old.unlink()
    source = tmp_path / "th.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", str(source), str(ARTIFACTS / "layout-th")], check=True
    )
    images = sorted(ARTIFACTS.glob("layout-th-*.png"))
    assert images
    assert all(p.stat().st_size > 2000 for p in images)


def test_keep_together_escapes_and_wraps_only_terms():
    kept = services.pdf_keep_together('<b>"x"</b> ภาคเรียนที่ 1/2569, 23/11/2569 และ 12/34')
    assert "&lt;b&gt;&quot;x&quot;&lt;/b&gt;" in kept
    assert '<span class="ag-nobr">ภาคเรียนที่ 1/2569</span>' in kept
    assert '<span class="ag-nobr">23/11/2569</span>' in kept
    assert "12/34" in kept
    assert '"ag-nobr">12/34' not in kept
    # An escaped quote (&#x27;) next to a number is never cut into.
    assert services.pdf_keep_together("'/2569") == "&#x27;/2569"
    assert services.pdf_keep_together("1/12/69") == '<span class="ag-nobr">1/12/69</span>'
    assert services.pdf_keep_together("") == ""


# A name with no space, hyphen or slash to break at, longer than its column.
LONG_NAME = "ThePartnershipForReadingAndLearningOfTheSubdistrict" * 2


@pytest.fixture
def long_partner_name(cast):
    """The partner's name before the version is sent (a sent version prints the names
    it froze then)."""
    cast.partner_org.name_th = cast.partner_org.name_en = LONG_NAME
    cast.partner_org.save()


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_audit_table_keeps_times_whole_and_names_in_the_column(
    long_partner_name, version, tmp_path, language
):
    """The audit table has fixed column widths: every time is whole on its line (the
    longest month, พฤศจิกายน, is in AT), and an organisation's name longer than its
    column wraps inside the text column instead of running past the right margin."""
    from core.dates import format_datetime
    from tests.core.pdf_helpers import TEXT_RIGHT_MM, rightmost_ink_mm

    pdf, _code = _render(version, language)
    with translation.override(language):
        when = format_datetime(AT)
    appendix = _pages(pdf, tmp_path)[-1]
    events = version.events.count()
    assert events >= 3
    assert sum(when in line for line in appendix.splitlines()) == events
    # Broken over lines, all of it printed, nothing past the margin.
    plain = re.sub(r"\s+", "", "".join(_pages(pdf, tmp_path, layout=False)))
    assert LONG_NAME in plain
    assert LONG_NAME not in appendix
    # The last page holds the appendix (and the verification block, which ends short).
    appendix_edge = rightmost_ink_mm(pdf, tmp_path / "ink")[-1]
    assert appendix_edge <= TEXT_RIGHT_MM + 0.7, round(appendix_edge, 1)
