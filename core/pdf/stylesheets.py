"""A document's ``<style>`` parsed once per process, not once per render.

Every PDF template carries its CSS in a ``<style>`` element (pdf/base.css and the
template's own rules): WeasyPrint's ``find_stylesheets`` parses it with tinycss2,
validates every declaration and builds a cssselect2 matcher of its selectors for each
render: ~8.5 ms of the committee report's and ~6 ms of the agreement's
(docs/performance-pdf.md). A worker renders the same few texts all term.

Here the ``CSS`` that ``find_stylesheets`` calls keeps, per (text, base URL, media
type), what parsing a ``<style>`` text produced: its matcher (read only while styles
are matched) and the ``@page`` rules it added to the document's list. A later document
with the same text gets a stylesheet made of those, with the page rules added to its
own list, as upstream's parse would leave them. A text that can act outside its
stylesheet is parsed as upstream does, every time: one with ``@import``,
``@font-face``, ``@counter-style``, ``@color-profile``, ``@layer``, ``var()``, a
gradient or a backslash, in any case (none of our templates has one), and any text
when the parse touched the document's layers. Upstream shares its own user-agent
stylesheet between documents in the same way.
The PDF is the same bytes (a test compares).

Like the other WeasyPrint patches it is installed at import, acts only inside
``applied()`` (render_pdf) and is pinned to the functions it relies on.
"""

from __future__ import annotations

import os
import threading

import weasyprint
import weasyprint.css as wp_css

from .switch import Switch, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the
# caller (its arguments), what it makes, what a document reads of a stylesheet (its
# matcher and layers when styles cascade, its page rules for @page), and the parse
# whose side effects outside the stylesheet are the at-rules refused below.
PINNED_SOURCES = {
    "find_stylesheets": "ac92dbb80c3fd936f05ccb33501b54a438e03126b2ae756adcaa1d3a6958b0ca",
    "CSS.__init__": "8263e6979a389242ee0d6fdb39286ec5355283dbbe672d66e9ff600a20975089",
    "StyleFor.__init__": "b1e725a7552502aa00f0bc07aec79c1aa49365b107a889085161f8d6a4c4a836",
    "StyleFor.add_page_declarations": (
        "78e388ade2325011754b44f2aedbff51b93a0789adb53fb70efb57fc46244f18"
    ),
    "preprocess_stylesheet": "1e8c36ce59677a5472cd9d4bbe3f4fe472c43eec6c7fd4b072b6336778cd25ea",
}

check_pins = pinned(PINNED_SOURCES, upstream_in(weasyprint, wp_css), __name__)

_switch = Switch("stylesheets")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_CSS = upstream(wp_css.CSS)
# What parses a text (the tests count its calls).
_parse = _CSS
# Rules that reach beyond the stylesheet (fonts, counters, colour profiles, other
# files, the document's layers), values that depend on the element (custom
# properties) or that computing writes back into (a gradient's stops and size, in
# weasyprint.css.computed_values.image). Looked for in the lowercased text; a text with
# a backslash (an escaped name such as @\69mport) is never kept.
_ACTING_OUTSIDE = (
    "@import",
    "@font-face",
    "@counter-style",
    "@color-profile",
    "@layer",
    "var(",
    "gradient(",
    "\\",
)
# Our templates make a handful of texts (a template and a language each); a bound in
# case some future one does not.
MOST = 64
_kept: dict[tuple[str, str | None, str | None], tuple] = {}
_lock = threading.Lock()


def css(*args, **kwargs):
    """``weasyprint.CSS`` for find_stylesheets: a ``<style>`` text's parse kept."""
    string = kwargs.get("string")
    if (
        not _on()
        or args
        or not isinstance(string, str)
        or any(rule in string.lower() for rule in _ACTING_OUTSIDE)
    ):
        return _parse(*args, **kwargs)
    key = (string, kwargs.get("base_url"), kwargs.get("media_type"))
    page_rules, layers = kwargs["page_rules"], kwargs["layers"]
    kept = _kept.get(key)
    if kept is None:
        rules_before, layers_before = len(page_rules), list(layers)
        sheet = _parse(*args, **kwargs)
        if layers == layers_before:
            with _lock:
                if len(_kept) >= MOST:
                    _kept.clear()
                _kept[key] = (sheet.base_url, sheet.matcher, tuple(page_rules[rules_before:]))
        return sheet
    base_url, matcher, added_rules = kept
    page_rules.extend(added_rules)
    # What CSS.__init__ sets, and all a document reads of a stylesheet.
    sheet = _CSS.__new__(_CSS)
    sheet.base_url = base_url
    sheet.matcher = matcher
    sheet.page_rules = page_rules
    sheet.layers = layers
    return sheet


def forget() -> None:
    """Let go of every kept parse (the tests)."""
    with _lock:
        _kept.clear()


def _after_fork_in_child() -> None:
    # A fork while another thread held the lock would leave the child's copy held.
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)

css.__wrapped_original__ = _CSS
wp_css.CSS = css
