"""Thai words kept whole by Pango attributes (core.pdf.thai_breaks).

The narrow-column tests of test_pdf_thai.py check real paragraphs break only between
words; these check the pieces: which words are kept, a table cell as narrow as its
longest word, spacing that WeasyPrint sets on the same attribute list, the pins, and
WeasyPrint used directly staying as upstream.
"""

from __future__ import annotations

import re

import pytest
import weasyprint
from weasyprint.layout import inline as wp_inline
from weasyprint.text import line_break as wp_line_break
from weasyprint.text.ffi import ffi, pango

from core.pdf import render_pdf, switch, thai_breaks

from .pdf_helpers import pdftotext
from .thai_corpus import PARAGRAPH

upstream_can_break = switch.upstream(wp_inline.can_break_text)


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in pdftotext(pdf).splitlines() if line.strip()]


def test_only_words_libthai_would_split_are_kept():
    text = "การดำเนินงานของคณะกรรมการ Network คณะกรรมการ"
    words = [text[start:end] for start, end in thai_breaks.kept_words(text)]
    assert words.count("คณะกรรมการ") == 2
    assert "ของ" not in words  # libthai does not split it: no attribute needed
    assert "Network" not in "".join(words)
    assert thai_breaks.kept_words("English only") == ()


def test_a_lone_compound_word_is_not_breakable_inside_render_pdf_only():
    assert wp_inline.can_break_text("คณะกรรมการ", "th")  # upstream: libthai splits it
    with thai_breaks.applied():
        assert not wp_inline.can_break_text("คณะกรรมการ", "th")
        assert wp_inline.can_break_text("คณะกรรมการ ของเครือข่าย", "th")
        assert wp_inline.can_break_text("two words", "en")


def test_a_narrow_cell_is_as_wide_as_its_longest_word():
    html = (
        '<table style="width: 1cm; border-collapse: collapse">'
        "<tr><td>คณะกรรมการดำเนินงาน</td></tr></table>"
    )
    assert _lines(render_pdf(html)) == ["คณะกรรมการ", "ดำเนินงาน"]
    with thai_breaks.disabled():
        split = _lines(render_pdf(html))
    assert split != ["คณะกรรมการ", "ดำเนินงาน"]  # libthai alone splits them


@pytest.mark.parametrize(
    "css", ["letter-spacing: 0.5pt", "word-spacing: 3pt", "overflow-wrap: break-word"]
)
def test_words_stay_whole_with_the_spacing_weasyprint_sets(css):
    """WeasyPrint adds its own attributes for these on the same layout, text after
    text: the kept words of one text must not linger on the next."""
    html = f'<div lang="th" style="width: 6cm; {css}">{PARAGRAPH}</div>'
    lines = _lines(render_pdf(html))
    assert len(lines) >= 10
    squashed = re.sub(r"\s+", "", PARAGRAPH)
    assert re.sub(r"\s+", "", "".join(lines)) == squashed
    for line in lines[:-1]:
        # Every line ends where a word of the paragraph ends.
        end = re.sub(r"\s+", "", line)[-4:]
        assert any(squashed[:stop].endswith(end) for stop in _word_ends(PARAGRAPH)), line


def _word_ends(text: str) -> list[int]:
    from pythainlp.tokenize import word_tokenize

    ends, position = [], 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=False):
        position += len(re.sub(r"\s+", "", token))
        ends.append(position)
    return ends


def test_weasyprint_used_directly_is_upstream():
    html = '<p style="width: 1cm">คณะกรรมการ</p>'
    direct = weasyprint.HTML(string=html).render()
    texts = [
        box.text
        for line in direct.pages[0]._page_box.descendants()
        if type(line).__name__ == "LineBox"
        for box in line.children
        if hasattr(box, "text")
    ]
    assert len(texts) > 1  # split by libthai, as WeasyPrint does on its own


def _style(css: str = ""):
    """A computed style of a Thai paragraph, as WeasyPrint hands Layout."""
    from core.pdf.render import _font_setup

    font_config, fonts = _font_setup()
    page = weasyprint.HTML(string=f'<p lang="th" style="{css}">ก</p>').render(
        stylesheets=[fonts], font_config=font_config
    )
    [text_box] = [box for box in page.pages[0]._page_box.descendants() if hasattr(box, "text")]
    return text_box.style


def _line_breaks(layout, text: str) -> list[str]:
    """Where Pango may break the layout's text, as 'before|after' snippets."""
    attrs = pango.pango_layout_get_log_attrs_readonly(layout.layout, ffi.NULL)
    return [
        text[:i][-3:] + "|" + text[i:][:3] for i in range(1, len(text)) if attrs[i].is_line_break
    ]


@pytest.mark.parametrize("css", ["", "letter-spacing: 1pt; word-spacing: 2pt"])
def test_one_texts_kept_words_do_not_linger_on_the_next(css):
    """WeasyPrint sets one text after another on the same layout (a line, then the
    line with the next word): each text gets its own words' attributes, and the list
    WeasyPrint made for spacing back, not the last text's."""
    layout = wp_line_break.Layout(_style(css))
    first, second = "คณะกรรมการคณะกรรมการคณะกรรมการ", "ab cd ef gh ij kl mn"
    with thai_breaks.applied():
        layout.set_text(first)
        assert _line_breaks(layout, first) == ["การ|คณะ", "การ|คณะ"]
        layout.set_text(second)
        # Every space of the second text may break; the first's ranges covered them.
        assert len(_line_breaks(layout, second)) == 6
        layout.set_text(first)
        assert _line_breaks(layout, first) == ["การ|คณะ", "การ|คณะ"]
    upstream = wp_line_break.Layout(_style(css))
    upstream.set_text(first)  # outside render_pdf: libthai's breaks, inside the words too
    assert len(_line_breaks(upstream, first)) > 2


QUOTED = "ไม่ได้ปลูกฝัง “ความร่วมมือกัน” ให้เป็นวัฒนธรรมของหน่วยงาน และ ‘คำ’ ท้าย"


def _quoted_lines(width_mm: int) -> list[str]:
    html = f'<p style="width: {width_mm}mm; font-size: 11pt">{QUOTED}</p>'
    return _lines(render_pdf(html))


def test_an_opening_quotation_mark_stays_with_the_thai_word_after_it(monkeypatch):
    # libthai (Pango's Thai tailoring) allows a break after “ and ‘; UAX #14 does not.
    assert thai_breaks.kept_ranges("ก “คำ” และ ‘คำ’") == ((2, 4), (11, 13))
    assert thai_breaks.kept_ranges("“quoted” (วงเล็บ)") == ()
    widths = range(22, 62, 2)
    for width in widths:
        lines = _quoted_lines(width)
        assert not [line for line in lines if line.endswith(("“", "‘"))], (width, lines)
        assert "".join(lines).replace(" ", "") == QUOTED.replace(" ", ""), lines
    # The words kept whole but not the marks (the code before): some width ends a line in “.
    monkeypatch.setattr(thai_breaks, "_GLUE", re.compile(r"(?!)"))
    ended_in_quote = [
        width for width in widths if any(line.endswith(("“", "‘")) for line in _quoted_lines(width))
    ]
    assert ended_in_quote, "the words alone never ended a line in a quotation mark here"


@pytest.mark.parametrize("glue", ["\u00a0", "\u202f", "\u2060", "\ufeff"])
def test_a_no_break_character_before_thai_is_kept_with_it(glue):
    # libthai allows a break after any character it has no TIS-620 code for.
    assert thai_breaks.kept_ranges(f"นาย{glue}สมชาย") == ((3, 5),)
    # In UTF-8 bytes, as Pango counts: U+00A0 is 2 bytes, the others 3, a Thai letter 3.
    bytes_before = len("นาย".encode())
    assert (3, 5, bytes_before, bytes_before + len(glue.encode()) + 3) in thai_breaks._kept(
        f"นาย{glue}สมชาย"
    )
    with thai_breaks.applied():
        assert not wp_inline.can_break_text(f"{glue}ส", "th")
    assert wp_inline.can_break_text(f"{glue}ส", "th")  # upstream (libthai) would break


def test_a_lone_opening_quotation_mark_and_letter_are_not_breakable():
    assert wp_inline.can_break_text("“คำ”", "th")  # upstream (libthai) breaks after “
    with thai_breaks.applied():
        assert not wp_inline.can_break_text("“ก", "th")
        assert not wp_inline.can_break_text("“คำ”", "th")
        # Two Thai letters are upstream's to judge, as before.
        assert wp_inline.can_break_text("กข", "th") == upstream_can_break("กข", "th")
