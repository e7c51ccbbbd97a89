"""WeasyPrint's user-agent stylesheet without the pseudo-element rules that match everything.

Six rules of ``html5_ua.css`` select a pseudo-element of every element: ``::marker``,
``::footnote-call``, ``::footnote-marker``, ``::note-call``, ``::note-marker`` and
``::note-callback``. WeasyPrint matches them against each element and makes each element
six computed styles from them, though a marker is drawn only for a list item and the
other five only for an element floated into a footnote or a note, which no PDF of ours
has. For the committee report's 943 elements that was 5,658 styles; matching the rules and
making the styles was 4.7 % of its render's instructions (docs/performance-pdf.md, eleventh
pass).

Here the sheet is upstream's text with ``::marker`` narrowed to ``li::marker`` (the only
list items our templates have) and the five note rules left out. A template that floats
something into a footnote or a note would need them back: a test checks that no PDF
template does. The PDF is otherwise the same bytes (a test compares). Like the other
patches of core.pdf it is installed at import, acts only inside ``applied()``
(render_pdf), and is pinned: to ``HTML._ua_stylesheets`` and to the sheet's text itself.
"""

from __future__ import annotations

import functools
import hashlib
import re

import weasyprint
import weasyprint.html as wp_html

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream function in WeasyPrint 70.0.
PINNED_SOURCES = {
    "HTML._ua_stylesheets": "4fadfde9d15075b22dcfa409ec8a03af0aa1097d695be59b680017cf1bf94fe2",
}
# sha256 of html5_ua.css in WeasyPrint 70.0: the rules narrowed below are found in it.
UA_SHA256 = "04dd53f16888e5325d8bb8feb02462d99d03c8329da713b167b333a2ea4b91bc"

check_pins = pinned(PINNED_SOURCES, upstream_in(weasyprint), __name__)

_switch = Switch("ua_stylesheet")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

# Rules whose last compound selector is an ``:is()`` of element names. cssselect2 files
# a selector under its last compound's element name, class or id; one with none of them
# is tested against every element of the document: these eleven, an input rule below
# and six more were 13,320 tests for the committee report's 740 elements, ~2.7 % of its render
# (docs/performance-pdf.md, "Thirteenth pass"). Each is written out as one selector per
# name (``:is(td, th)`` becomes ``td`` and ``th``): the same elements match, with the
# same specificity (an ``:is()`` of element names counts as one name) and order.
_KEYED = (
    ":is(colgroup, col, thead, tbody, tfoot, tr, td, th)[hidden] { visibility: collapse }",
    ":is(dir, dl, menu, ol, ul) :is(dir, dl, menu, ol, ul) { margin-top: 0; margin-bottom: 0 }",
    *(
        f"{prefix}:is(dir, menu, ol, ul){suffix} {{ padding-left: {left}; padding-right: {right} }}"
        for prefix, suffix in (
            ("[dir=ltr i] ", ""),
            ("[dir=rtl i] ", ""),
            ("[dir] [dir=ltr i] ", ""),
            ("[dir] [dir=rtl i] ", ""),
            ("[dir] [dir] [dir=ltr i] ", ""),
            ("[dir] [dir] [dir=rtl i] ", ""),
            ("", "[dir=ltr i][dir][dir]"),
            ("", "[dir=rtl i][dir][dir]"),
        )
        for left, right in [("40px", "0") if "ltr" in prefix + suffix else ("0", "40px")]
    ),
    # The cells of a table with rules (its first selector is filed under table already).
    "table:is([rules], [frame]):is([frame=above i], [frame=below i], [frame=border i], "
    "[frame=box i], [frame=hsides i], [frame=lhs i], [frame=rhs i], [frame=void i], "
    "[frame=vsides i], [rules=all i], [rules=cols i], [rules=groups i], [rules=none i], "
    "[rules=rows i]), table[rules]:is([rules=all i], [rules=cols i], [rules=groups i], "
    "[rules=none i], [rules=rows i]) > tr > :is(td, th), table[rules]:is([rules=all i], "
    "[rules=cols i], [rules=groups i], [rules=none i], [rules=rows i]) > "
    ":is(thead, tbody, tfoot) > tr > :is(td, th) { border-color: black }",
)


def _keyed(rule: str) -> str:
    """``rule`` with each selector's last ``:is()`` of element names written out, name by
    name (a selector of the list with none is kept as it is)."""
    selectors, declarations = rule.split(" {", 1)
    written = []
    for selector in _top_level(selectors):
        start = selector.rfind(":is(")
        names = re.fullmatch(r":is\(([a-z, ]+)\)((?:\[[^\]]*\])*)", selector[start:])
        if start < 0 or names is None:
            written.append(selector)
            continue
        prefix = selector[:start]
        written += [f"{prefix}{name}{names[2]}" for name in names[1].split(", ")]
    if written == list(_top_level(selectors)):
        raise ValueError(rule)
    return f"{', '.join(written)} {{{declarations}"


def _top_level(selectors: str) -> list[str]:
    """A selector list split at its commas outside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(selectors):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(selectors[start:index].strip())
            start = index + 1
    return [*parts, selectors[start:].strip()]


# Each rule, as upstream writes it, and what it becomes.
NARROWED = {
    "::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }": (
        "li::marker { font-variant-numeric: tabular-nums; white-space: pre; text-transform: none }"
    ),
    "::footnote-call { content: counter(footnote); vertical-align: super; "
    "font-size: smaller; line-height: inherit }": "",
    '::footnote-marker { content: counter(footnote) ". " }': "",
    "::note-call { content: counter(note); vertical-align: super; "
    "font-size: smaller; line-height: inherit }": "",
    '::note-marker { content: counter(note) ". " }': "",
    # A narrow no-break space before the arrow.
    '::note-callback { content: "\u202f↩" }': "",
    **{rule: _keyed(rule) for rule in _KEYED},
    # Every input, with the specificity of the :is() (its most specific name, (0, 1, 1)).
    ':is(input, input[value=""], input[type=checkbox i], input[type=radio i]) '
    '{ content: ""; display: block }': (
        'input[type], input:not([type]) { content: ""; display: block }'
    ),
}


def ua_text() -> str:
    """Upstream's user-agent text with the rules of NARROWED replaced, each exactly once."""
    text = wp_html.UA
    if hashlib.sha256(text.encode()).hexdigest() != UA_SHA256:
        raise RuntimeError(
            "WeasyPrint's html5_ua.css is not the sheet core.pdf.ua_stylesheet was written "
            "against: compare it with that module and update UA_SHA256."
        )
    for rule, replacement in NARROWED.items():
        if text.count(f"\n{rule}\n") != 1:
            raise RuntimeError(f"core.pdf.ua_stylesheet: {rule!r} is not in html5_ua.css once")
        text = text.replace(f"\n{rule}\n", f"\n{replacement}\n")
    return text


@functools.cache
def sheet() -> weasyprint.CSS:
    """The narrowed sheet, parsed once per process (as upstream parses its own)."""
    return weasyprint.CSS(string=ua_text(), counter_style=wp_html.UA_COUNTER_STYLE)


_ua_stylesheets = upstream(weasyprint.HTML._ua_stylesheets)


def ua_stylesheets(self, forms=False):
    if not _on() or forms:
        return _ua_stylesheets(self, forms)
    return [sheet()]


ua_stylesheets.__wrapped_original__ = _ua_stylesheets
weasyprint.HTML._ua_stylesheets = ua_stylesheets
