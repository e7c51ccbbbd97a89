"""core.pdf.html_parse: tinyhtml5's stop-character patterns are looked up, not rebuilt,
and the tree WeasyPrint gets is the one upstream's parser builds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5
import tinyhtml5.inputstream as inputstream

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
