"""tinyhtml5's regular expressions made fast (WeasyPrint parses HTML with tinyhtml5).

Its cache of stop-character patterns, made to hit
-------------------------------------------------

``HTMLUnicodeInputStream.chars_until`` (tinyhtml5 2.1.0) keeps one compiled regular
expression per set of stop characters in the module's ``characters_until_regex``, but
stores it under the wrong key: ``characters = characters_until_regex[(characters,
opposite)] = regex`` assigns ``characters`` first, so the entry is keyed on the regex
itself and every later lookup misses. Each call of the tokenizer's hottest function
then rebuilt the pattern from its characters (52 of them for an attribute name) and
asked ``re`` for it again: 40 % of the committee report's HTML parse, most of it in
its SVG charts' attributes (docs/performance-pdf.md).

The dictionary is replaced by one that builds a missing entry itself, with upstream's
own recipe, under the right key; ``chars_until``'s lookup then always succeeds, so its
broken ``except`` branch never runs. The parsed tree is the same (a test compares).

Its search for invalid code points, made quick on text without astral characters
---------------------------------------------------------------------------------
``read_chunk`` counts a chunk's invalid code points (``invalid_unicode_re.findall``).
The pattern's 40 astral noncharacters (U+1FFFE, U+1FFFF, ...) stay a list that the
regular-expression engine tries one by one on every character that is not otherwise
invalid: 1.8 % of the committee report's render (read_chunk's 27.8 of 1,549.7 million
instructions; the SVG charts' data: URIs alone are 51 of its 78 kB). A chunk with no
character beyond U+FFFF, found by one range search, can only match the pattern's BMP
part, which the engine looks up in a table: ``findall`` then returns the same list from
that part alone; a chunk with one goes to upstream's pattern (InvalidCodepoints).

Installed at import (core.pdf.render imports it) and pinned like the WeasyPrint
patches: importing fails when ``chars_until`` or ``read_chunk`` is no longer the
function this was written against.
"""

from __future__ import annotations

import re

import tinyhtml5.inputstream as inputstream

from .switch import pinned, upstream_in

# sha256 of inspect.getsource() of the upstream function in tinyhtml5 2.1.0.
PINNED_SOURCES = {
    "chars_until": "dfe353323dff1fdc908f4b24439adf34dc7049a990f6aed3ddf6937afb993c58",
    "read_chunk": "1dc3d7d4ac3cf7e1ffb32225f4935c6ab74f05a865b5c4380f3d00f2ddb7c0fe",
}


check_pins = pinned(PINNED_SOURCES, upstream_in(inputstream.HTMLUnicodeInputStream), __name__)


class StopCharacterPatterns(dict):
    """(stop characters, opposite) → the compiled pattern ``chars_until`` matches with."""

    def __missing__(self, key: tuple[object, bool]) -> re.Pattern[str]:
        characters, opposite = key
        # Upstream's recipe, character for character (chars_until's except branch).
        regex = "".join([f"\\x{ord(character):02x}" for character in characters])
        if not opposite:
            regex = f"^{regex}"
        pattern = self[key] = re.compile(f"[{regex}]+")
        return pattern


# Upstream's invalid_unicode_re, split: its BMP part, and any astral character at all.
_BMP_INVALID = re.compile(
    "[\u0001-\u0008\u000b\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class InvalidCodepoints:
    """``invalid_unicode_re`` for ``read_chunk``: the same ``findall``, quicker."""

    def __init__(self, upstream: re.Pattern[str]) -> None:
        self.upstream = upstream

    def findall(self, text: str) -> list[str]:
        if _ASTRAL.search(text) is None:
            return _BMP_INVALID.findall(text)
        return self.upstream.findall(text)


def install() -> None:
    if not isinstance(inputstream.characters_until_regex, StopCharacterPatterns):
        inputstream.characters_until_regex = StopCharacterPatterns()
    if not isinstance(inputstream.invalid_unicode_re, InvalidCodepoints):
        inputstream.invalid_unicode_re = InvalidCodepoints(inputstream.invalid_unicode_re)


install()
