"""core.pdf.html_parse: tinyhtml5's stop-character patterns are looked up, not rebuilt,
and the tree WeasyPrint gets is the one upstream's parser builds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5
import tinyhtml5.inputstream as inputstream
from tinyhtml5.parser import HTMLParser

from core.pdf import html_parse

# Everything chars_until stops on: text, attributes in both quotes and none, comments,
# a CDATA-like SVG, entities, NUL-free CR/LF, Thai.
DOCUMENT = (
    "<!doctype html><html lang='th'><head><meta charset=utf-8><title>ที่ประชุม</title>"
    "<style>p { color: #000 }</style></head><body>\r\n"
    "<p class=\"a b\" data-x='1 &amp; 2' hidden>ผู้ใหญ่ &lt;ปู่&gt; &nbsp; กิ่ง</p>"
    "<!-- ความเห็น -- ยาว -->"
    "<table><tr><td rowspan=2>ก</td><td>ข</td></tr></table>"
    '<svg viewBox="0 0 10 10" font-family="Sarabun, sans-serif"><text x="1" y="2">'
    'ที่<tspan x="3">ตั๋ว</tspan></text><rect width=\'5\' height="5" rx=1 /></svg>'
    "<pre>\n  เว้น\tวรรค</pre><textarea>a < b</textarea><script>if (a < b) {}</script>"
    "</body></html>"
)


def _tree(text: str) -> bytes:
    return ET.tostring(tinyhtml5.parse(text), encoding="utf-8")


def test_the_tree_is_upstreams(monkeypatch):
    fixed = _tree(DOCUMENT)
    # Upstream's own (never-hitting) dictionary: the same tree.
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    assert _tree(DOCUMENT) == fixed


def test_patterns_are_built_once_per_stop_set(monkeypatch):
    patterns = html_parse.StopCharacterPatterns()
    monkeypatch.setattr(inputstream, "characters_until_regex", patterns)
    built = []
    original = html_parse.StopCharacterPatterns.__missing__

    def counting(self, key):
        built.append(key)
        return original(self, key)

    monkeypatch.setattr(html_parse.StopCharacterPatterns, "__missing__", counting)
    _tree(DOCUMENT)
    first = len(built)
    assert 0 < first == len(patterns) == len(set(built))
    # Keyed on what chars_until looks up (its stop characters), not on the pattern.
    assert not any(hasattr(characters, "match") for characters, _opposite in patterns)
    _tree(DOCUMENT)
    assert len(built) == first


def test_upstream_dictionary_never_hits(monkeypatch):
    """Why the module exists: with tinyhtml5's dictionary a second parse still misses
    (when this fails, tinyhtml5 has fixed its cache and the module can go)."""
    upstream = {}
    monkeypatch.setattr(inputstream, "characters_until_regex", upstream)
    _tree(DOCUMENT)
    keys = set(upstream)
    assert keys
    assert all(hasattr(characters, "match") for characters, _opposite in keys)


def test_render_installs_it(monkeypatch):
    from core.pdf.render import render_pdf

    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    render_pdf("<p>ก</p>")
    assert isinstance(inputstream.characters_until_regex, html_parse.StopCharacterPatterns)


def test_the_pdf_is_the_same_byte_for_byte(monkeypatch):
    from core.pdf.render import render_pdf

    fixed = render_pdf(DOCUMENT)
    monkeypatch.setattr(html_parse, "install", lambda: None)
    monkeypatch.setattr(inputstream, "characters_until_regex", {})
    assert render_pdf(DOCUMENT) == fixed


# --- the invalid code points read_chunk counts ---------------------------------------------

# Every kind of character the upstream pattern tells apart: its BMP ranges and their
# edges, lone surrogates, Thai, astral noncharacters (U+nFFFE, U+nFFFF) and an emoji.
_CHARACTERS = [
    chr(code)
    for code in (
        *range(0x00, 0x22),
        *range(0x7D, 0xA2),
        *range(0xD7FE, 0xD802),
        *range(0xDFFE, 0xE001),
        *range(0xFDCE, 0xFDF2),
        0x0E01, 0x0E35, 0x0E48, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1F600,
        0x1FFFD, 0x1FFFE, 0x1FFFF, 0x20000, 0x2FFFE, 0x8FFFF, 0x10FFFE, 0x10FFFF,
    )
]  # fmt: skip


def _upstream_pattern():
    pattern = inputstream.invalid_unicode_re
    return pattern.upstream if isinstance(pattern, html_parse.InvalidCodepoints) else pattern


def test_invalid_code_points_are_found_as_upstream_finds_them():
    import random

    upstream = _upstream_pattern()
    quick = html_parse.InvalidCodepoints(upstream)
    chosen = random.Random(17)
    texts = ["", "ก", "\U0001fffe", "a\x01b", "ที่\ufffe", *(c * 3 for c in _CHARACTERS)]
    texts += ["".join(chosen.choices(_CHARACTERS, k=chosen.randint(1, 80))) for _ in range(3000)]
    for text in texts:
        assert quick.findall(text) == upstream.findall(text), ascii(text)
    # Both kinds of text were met: with an astral character and without.
    assert any(max(text, default="\0") > "\uffff" for text in texts)
    assert any(text and max(text) <= "\uffff" and upstream.findall(text) for text in texts)


def test_the_parse_reports_the_same_errors(monkeypatch):
    """Invalid characters in the HTML: the same errors (and tree) as upstream's pattern."""
    text = DOCUMENT.replace("กิ่ง", "กิ่ง\x01\ufdd0") + "<p>\U0001fffe \U0001f600 \x7f</p>" * 3

    def parsed():
        parser = HTMLParser()
        tree = parser.parse(text)
        return ET.tostring(tree, encoding="utf-8"), parser.errors

    html_parse.install()
    assert isinstance(inputstream.invalid_unicode_re, html_parse.InvalidCodepoints)
    quick_tree, quick_errors = parsed()
    monkeypatch.setattr(inputstream, "invalid_unicode_re", _upstream_pattern())
    upstream_tree, upstream_errors = parsed()
    assert quick_tree == upstream_tree
    assert quick_errors == upstream_errors
    assert [code for _where, code, _data in quick_errors].count("invalid-codepoint") == 2 + 2 * 3


def test_install_wraps_the_pattern_once():
    html_parse.install()
    html_parse.install()
    assert not isinstance(inputstream.invalid_unicode_re.upstream, html_parse.InvalidCodepoints)
