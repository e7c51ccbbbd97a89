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


def _pngs(pdf: bytes, tmp_path: Path, name: str) -> list[Path]:
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "110", "-png", source, tmp_path / name], check=True)
    return sorted(tmp_path.glob(f"{name}-*.png"))


def test_page_images_are_identical_before_and_after(thai_pdfs, tmp_path):
    before, after = thai_pdfs
    old, new = _pngs(before, tmp_path, "before"), _pngs(after, tmp_path, "after")
    assert old and len(old) == len(new)
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
    """SARA AA first drawn for SARA AM (in น้ำ) maps to "ำ": a later มา would read ม้ำ."""
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
        assert b"\r" not in properties and b"\n" not in properties
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


def test_no_line_break_inside_a_word():
    from pythainlp.tokenize import word_tokenize

    # A narrow column forces many breaks; each must fall between two words.
    html = f'<div lang="th" style="width: 9cm">{PARAGRAPH}</div>'
    pdf = render_pdf(html)
    lines = [line.strip() for line in pdftotext(pdf).splitlines() if line.strip()]
    assert len(lines) >= 8
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


def test_keep_thai_words_touches_only_text_between_tags():
    from core.pdf.thai_breaks import WORD_CLASS, ZWSP, keep_thai_words

    html = (
        '<p title="คณะกรรมการ">การดำเนินงานของคณะกรรมการ</p>'
        "<style>.x { content: 'คณะกรรมการ'; }</style><!-- คณะกรรมการ -->"
    )
    out = keep_thai_words(html)
    assert '<p title="คณะกรรมการ">' in out
    assert "<style>.x { content: 'คณะกรรมการ'; }</style><!-- คณะกรรมการ -->" in out
    text = out.split("</p>")[0]
    assert f'<span class="{WORD_CLASS}">คณะกรรมการ</span>{ZWSP}' in text
    # Text comes back unchanged once the spans and zero-width spaces are removed.
    plain = re.sub(r"<span[^>]*>|</span>", "", text).replace(ZWSP, "")
    assert plain == '<p title="คณะกรรมการ">การดำเนินงานของคณะกรรมการ'
    assert keep_thai_words("<p>English only</p>") == "<p>English only</p>"


def test_user_text_stays_escaped_through_word_keeping():
    from django.template import engines

    typed = "<b>คณะกรรมการ</b> & ผู้อำนวยการ"
    html = engines["django"].from_string("<p>{{ typed }}</p>").render({"typed": typed})
    text = pdftotext(render_pdf(html))
    assert _squash(text) == _squash(typed)
