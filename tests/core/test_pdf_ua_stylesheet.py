"""The user-agent sheet without its match-everything pseudo-element rules
(core.pdf.ua_stylesheet): the same PDF, fewer styles, and a loud failure when upstream's
sheet changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint.html as wp_html
from django.conf import settings

from core.pdf import render_pdf, ua_stylesheet

from .pdf_helpers import pdftotext, rendered_on_and_off, styles_made

BODY = """
<h1>บันทึกข้อตกลง</h1>
<ol><li>ภาคีร่วมกันวางแผน</li><li>ติดตามผล<br>และรายงาน</li></ol>
<ul><li>ประชุมทุกเดือน</li><li>แลกเปลี่ยนสื่อ<ul><li>ออนไลน์</li></ul></li></ul>
<table><tr><th>ขั้น</th><td>1</td></tr><tr><th>ร้อยละ</th><td>50</td></tr></table>
<p>ลงชื่อ<br>ผู้ประสานงาน</p>
"""
# Lists in both directions and nested, definitions, hidden table parts, a table with
# rules, inputs: what the rules written out name by name select.
LISTS = """
<div dir="rtl"><ul><li>ขวา<ol dir="ltr"><li>ซ้าย<ul><li>ลึก</li></ul></li></ol></li></ul></div>
<ol dir="rtl"><li>หนึ่ง</li></ol><dl><dt>คำ</dt><dd>ความหมาย<dl><dd>ซ้อน</dd></dl></dd></dl>
<menu><li>เมนู</li></menu><div dir="ltr"><div dir="rtl"><ol><li>สาม</li></ol></div></div>
<table><tr hidden><td>ซ่อน</td></tr><tr><td hidden>ซ่อน</td><td>เห็น</td></tr></table>
<table rules="all" frame="box" style="border: 1pt solid red"><thead><tr><th>หัว</th></tr></thead>
<tbody><tr><td style="border: 1pt solid">เซลล์</td></tr></tbody></table>
<p><input type="checkbox" checked> <input value="ค่า"> <input type="radio"> <input></p>
"""


def page(body: str = BODY) -> str:
    return f"<html><head><style>li {{ margin: 2pt 0; }}</style></head><body>{body}</body></html>"


def test_the_pdf_is_the_bytes_of_upstreams_sheet():
    narrowed, upstream = rendered_on_and_off(ua_stylesheet, page())
    assert narrowed == upstream
    # The list markers are drawn: 1. 2. and the bullets.
    text = pdftotext(narrowed)
    assert "1." in text
    assert "2." in text
    assert "•" in text


def test_no_pseudo_element_style_is_made_for_every_element(monkeypatch):
    made = styles_made(monkeypatch)
    render_pdf(page())
    # Pages have their own pseudo-elements (margin boxes): only elements are counted.
    narrowed = [pseudo for element, pseudo in made if not hasattr(element, "side")]
    made.clear()
    with ua_stylesheet.disabled():
        render_pdf(page())
    upstream = [pseudo for element, pseudo in made if not hasattr(element, "side")]
    # Upstream: six pseudo-element styles for every element (24 here); here a marker per
    # list item (five of them) and a line break's ::before.
    assert upstream.count("footnote-call") == upstream.count("marker") == 24
    assert "footnote-call" not in narrowed
    assert "note-callback" not in narrowed
    assert narrowed.count("marker") == 5


def test_the_sheet_narrows_each_rule_once():
    text = ua_stylesheet.ua_text()
    assert "\nli::marker {" in text
    for rule in ("::marker {", "::footnote-call", "::footnote-marker", "::note-call", "::note-"):
        assert f"\n{rule}" not in text
    # Everything else is upstream's.
    assert len(wp_html.UA) - len(text) == sum(
        len(rule) - len(replacement) for rule, replacement in ua_stylesheet.NARROWED.items()
    )


def test_lists_and_hidden_table_parts_are_the_bytes_of_upstreams_sheet():
    narrowed, upstream = rendered_on_and_off(ua_stylesheet, page(LISTS))
    assert narrowed == upstream
    assert "เห็น" in pdftotext(narrowed)


def test_list_rules_are_filed_under_element_names():
    """Written out name by name, the list and table-part rules are no longer tested
    against every element (cssselect2's "other" selectors)."""
    import weasyprint

    upstream = weasyprint.CSS(string=wp_html.UA, counter_style=wp_html.UA_COUNTER_STYLE)
    narrowed = ua_stylesheet.sheet()
    # Upstream: 24 tested against every element; here the six pseudo-element rules are
    # left out or narrowed to li, and twelve selectors of _KEYED and the input rule are
    # written out name by name: [hidden], :link, :visited and the two [dir] are left.
    assert len(upstream.matcher.other_selectors) == 24
    assert len(narrowed.matcher.other_selectors) == 5
    for rule in ua_stylesheet._KEYED:
        assert ":is(dir, menu, ol, ul) {" not in ua_stylesheet.NARROWED[rule]


def test_a_changed_upstream_sheet_fails_loudly(monkeypatch):
    monkeypatch.setattr(wp_html, "UA", wp_html.UA + "\np { color: red }\n")
    with pytest.raises(RuntimeError, match=r"html5_ua\.css is not the sheet"):
        ua_stylesheet.ua_text()


def test_no_pdf_template_floats_into_a_footnote_or_a_note():
    """The rules left out are the ones such a float would need."""
    templates = Path(settings.BASE_DIR) / "templates"
    for path in [*templates.rglob("*pdf*.html"), *templates.glob("pdf/*")]:
        text = path.read_text(encoding="utf-8").replace(" ", "")
        assert "float:footnote" not in text, path
        assert "float:note" not in text, path
