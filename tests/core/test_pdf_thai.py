"""Issue 8: Thai text that copies out of our PDFs exactly (core.pdf.thai_text)."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
import weasyprint
from PIL import Image, ImageChops
from pypdf import PdfReader

from core.pdf import render_pdf, thai_text

from .pdf_helpers import pdftotext
from .thai_corpus import ENGLISH, PARAGRAPH, SENTENCES


def _html(sentences) -> str:
    return "".join(f"<p>{s}</p>" for s in sentences)


NARROW_CSS = "<style>.narrow { width: 9cm; }</style>"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def thai_pdfs() -> tuple[bytes, bytes]:
    # The sentences, then the long paragraph wrapped in a narrow column.
    html = _html(SENTENCES) + f'<div class="narrow">{PARAGRAPH}</div>' + NARROW_CSS
    with thai_text.disabled():
        before = render_pdf(html)
    return before, render_pdf(html)


def test_corpus_is_rich_enough():
    assert len(SENTENCES) >= 20
    text = "".join(SENTENCES)
    for needle in ("น้ำ", "ค่ำ", "ปู่", "ผู้", "กิ่ง", "ตั๋ว", "๒๕๖๙", "ฯ", "ๆ", "STEM"):
        assert needle in text


def test_pdftotext_gives_back_every_sentence_exactly(thai_pdfs):
    _before, after = thai_pdfs
    assert _squash(pdftotext(after)) == _squash("".join(SENTENCES) + PARAGRAPH)


def test_without_the_fix_the_text_layer_is_wrong(thai_pdfs):
    """The defect is real (so the fix is not a no-op); see the bench for figures."""
    before, _after = thai_pdfs
    text = _squash(pdftotext(before))
    exact = sum(_squash(s) in text for s in SENTENCES)
    assert exact < len(SENTENCES) // 2


def _pngs(pdf: bytes, tmp_path: Path, name: str, *, dpi: int = 110) -> list[Path]:
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", source, tmp_path / name], check=True)
    return sorted(tmp_path.glob(f"{name}-*.png"))


def test_page_images_are_identical_before_and_after(thai_pdfs, tmp_path):
    before, after = thai_pdfs
    old, new = _pngs(before, tmp_path, "before"), _pngs(after, tmp_path, "after")
    assert old
    assert len(old) == len(new)
    for a, b in zip(old, new, strict=True):
        with Image.open(a) as first, Image.open(b) as second:
            assert first.size == second.size
            assert (
                ImageChops.difference(first.convert("RGB"), second.convert("RGB")).getbbox() is None
            )


def test_actual_text_spans_are_balanced_and_hold_exact_text(thai_pdfs):
    _before, after = thai_pdfs
    content = b"".join(page.get_contents().get_data() for page in PdfReader(BytesIO(after)).pages)
    spans = content.count(b"/ActualText")
    assert spans > 0
    assert content.count(b"BDC") == content.count(b"EMC")
    texts = _actual_texts(content)
    assert len(texts) == spans
    # Each Span holds exact text: together they are pieces of the corpus.
    corpus = "".join(SENTENCES) + PARAGRAPH
    assert all(text in corpus for text in texts)
    assert any("น้ำ" in text for text in texts)


def _actual_texts(content: bytes) -> list[str]:
    """The ActualText strings of a content stream (literal UTF-16BE strings)."""
    texts = []
    for match in re.finditer(rb"/ActualText \(((?:\\.|[^\\)])*)\)", content, re.DOTALL):
        raw = re.sub(
            rb"\\(.)",
            lambda m: {b"r": b"\r", b"n": b"\n"}.get(m[1], m[1]),
            match[1],
            flags=re.DOTALL,
        )
        texts.append(raw.decode("utf-16"))
    return texts


def _span_texts(pdf: bytes) -> list[str]:
    return _actual_texts(
        b"".join(page.get_contents().get_data() for page in PdfReader(BytesIO(pdf)).pages)
    )


def test_thai_without_marks_or_misread_glyphs_gets_no_span():
    # Each letter is its own glyph, first drawn here: the ToUnicode map reads it right.
    assert _span_texts(render_pdf("<p>กรกฎาคม</p>")) == []
    assert _span_texts(render_pdf("<p>น้ำ</p>")) == ["น้ำ"]


def test_a_glyph_first_drawn_for_another_text_gets_a_span():
    """SARA AA first drawn in น้ำ maps to "้ำ": without a Span a later มา reads ม้ำ."""
    html = "<p>น้ำ</p><p>มา</p>"
    with thai_text.disabled():
        assert _squash(pdftotext(render_pdf(html))) != "น้ำมา"
    pdf = render_pdf(html)
    assert _span_texts(pdf) == ["น้ำ", "มา"]
    assert _squash(pdftotext(pdf)) == "น้ำมา"


def test_actual_text_escapes_bytes_that_readers_would_change():
    # ญ is U+0E0D (a CR byte), ศ U+0E28 "(", ษ U+0E29 ")", ๜ U+0E5C "\\".
    for text in ("ญ", "ศษ", "๜", "หญิง (ศึกษา)"):
        properties = thai_text.actual_text_properties(text)
        assert b"\r" not in properties
        assert b"\n" not in properties
        assert _actual_texts(properties) == [text]


def test_english_pdfs_are_unaffected():
    html = _html(ENGLISH) + "<h1>Khruakhai</h1><table><tr><td>1,250.00</td></tr></table>"
    with thai_text.disabled():
        before = render_pdf(html)
    after = render_pdf(html)
    pages = zip(PdfReader(BytesIO(before)).pages, PdfReader(BytesIO(after)).pages, strict=True)
    for old, new in pages:
        assert old.get_contents().get_data() == new.get_contents().get_data()
    assert b"/ActualText" not in after
    assert _squash(pdftotext(after)) == _squash("".join(ENGLISH)) + "Khruakhai1,250.00"


@pytest.mark.parametrize(("width", "at_least"), [("5cm", 14), ("9cm", 8), ("13cm", 5)])
def test_no_line_break_inside_a_word(width, at_least):
    from pythainlp.tokenize import word_tokenize

    # Narrow columns force many breaks, each in other places; each must fall
    # between two words.
    html = f'<div lang="th" style="width: {width}">{PARAGRAPH}</div>'
    pdf = render_pdf(html)
    lines = [line.strip() for line in pdftotext(pdf).splitlines() if line.strip()]
    assert len(lines) >= at_least
    squashed = _squash(PARAGRAPH)
    assert _squash("".join(lines)) == squashed
    boundaries = {0}
    position = 0
    for token in word_tokenize(PARAGRAPH, engine="newmm", keep_whitespace=False):
        position += len(_squash(token))
        boundaries.add(position)
    assert position == len(squashed)
    breaks = []
    offset = 0
    for line in lines[:-1]:
        offset += len(_squash(line))
        breaks.append(offset)
    inside = [
        squashed[b - 6 : b] + "|" + squashed[b : b + 6] for b in breaks if b not in boundaries
    ]
    assert not inside, inside


# Real words that reach furthest: below the baseline (tails, lower vowels) and
# above it (a tone mark stacked on an upper vowel).
LOW_REACHING = "กฎหมายปฏิบัติหญิงฤดูครูรู้ภูมิบุญปฐม"
HIGH_REACHING = "ปู่ผู้กิ่งตั๋วเตี๋ยวน้ำจี๊ดกั๊กเก๋ง"
# Each element of our PDFs that holds lines of text, at its own size and weight.
LINE_CONTEXTS = (
    "<p>{}</p>",
    '<p class="pdf-small">{}</p>',
    "<h1>{}</h1>",
    "<h2>{}</h2>",
    "<table><tr><th>{}</th><td>{}</td></tr></table>",
)


def _ink_rows(html_for, tmp_path: Path) -> tuple[set[int], set[int]]:
    """Pixel rows inked by the low-reaching lines and by the high-reaching ones.

    The same page is rendered three times, with one kind of line, the other, or
    neither painted (white text lays out the same): the differences from the blank
    page are each kind's ink, borders and rules left out.
    """
    from django.template import engines

    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}{% block extra_css %}.hide { color: #fff; }'
        "{% endblock %}{% block content %}{{ body|safe }}{% endblock %}"
    )
    images = {}
    for shown in ("low", "high", "none"):
        body = "".join(context.replace("{}", html_for(shown)) for context in LINE_CONTEXTS)
        [png] = _pngs(render_pdf(template.render({"body": body})), tmp_path, shown, dpi=200)
        images[shown] = Image.open(png).convert("L")
    rows = []
    for shown in ("low", "high"):
        diff = ImageChops.difference(images[shown], images["none"])
        width, height = diff.size
        data = diff.point(lambda v: 255 if v > 48 else 0).tobytes()
        rows.append({y for y in range(height) if max(data[y * width : (y + 1) * width])})
    return rows[0], rows[1]


def test_stacked_marks_clear_the_line_above(tmp_path):
    """In every text element of our PDFs, lines of the words that reach furthest
    above and below alternate: no pixel row holds ink of two lines, and a blank
    row (at 200 dpi) lies between them."""

    def lines(shown: str) -> str:
        return "<br>".join(
            f'<span class="{"" if kind == shown else "hide"}">{word}</span>'
            for kind, word in (("low", LOW_REACHING), ("high", HIGH_REACHING)) * 2
        )

    low, high = _ink_rows(lines, tmp_path)
    assert low
    assert high
    closest = min(abs(a - b) for a in low for b in high)
    assert closest >= 2, f"lines {closest - 1} blank pixel rows apart"


def test_pdf_templates_set_no_line_height_of_their_own():
    """The clearance above comes from render_pdf's stylesheet (line-height 1.7 on
    html, inherited everywhere): no PDF template may set a tighter one of its own."""
    from core.pdf.render import font_faces_css

    assert "line-height: 1.7" in font_faces_css()
    templates = Path(__file__).resolve().parents[2] / "templates"
    pdf_templates = {
        *templates.glob("pdf/*.css"),
        *(
            path
            for path in templates.rglob("*.html")
            if "@page" in path.read_text() or 'extends "pdf/base.html"' in path.read_text()
        ),
    }
    assert len(pdf_templates) >= 4
    offenders = [str(p) for p in pdf_templates if "line-height" in p.read_text()]
    assert not offenders


def test_pinned_to_weasyprint_70():
    assert weasyprint.__version__ == thai_text.PINNED_WEASYPRINT == "70.0"
    assert thai_text.source_sha256() == thai_text.PINNED_SOURCE_SHA256
    import weasyprint.draw.text as wp_text

    assert wp_text.draw_first_line is thai_text.draw_first_line


def test_a_different_weasyprint_fails_loudly(monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(RuntimeError, match=r"70\.0"):
        thai_text.check_pins()


def test_a_changed_draw_first_line_fails_loudly(monkeypatch):
    monkeypatch.setattr(thai_text, "PINNED_SOURCE_SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match="draw_first_line"):
        thai_text.check_pins()


def test_the_fix_acts_only_inside_render_pdf():
    """WeasyPrint used directly (not through render_pdf) behaves as upstream."""
    pdf = weasyprint.HTML(string="<p>น้ำ</p>").write_pdf()
    assert b"/ActualText" not in b"".join(
        page.get_contents().get_data() for page in PdfReader(BytesIO(pdf)).pages
    )


def test_user_text_stays_escaped_through_word_keeping():
    from django.template import engines

    typed = "<b>คณะกรรมการ</b> & ผู้อำนวยการ"
    html = engines["django"].from_string("<p>{{ typed }}</p>").render({"typed": typed})
    text = pdftotext(render_pdf(html))
    assert _squash(text) == _squash(typed)
