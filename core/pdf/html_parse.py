"""tinyhtml5's regular-expression cache, made to hit (WeasyPrint parses HTML with it).

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
Installed at import (core.pdf.render imports it) and pinned like the WeasyPrint
patches: importing fails when ``chars_until`` is no longer the function this was
written against.
"""

from __future__ import annotations

import re

import tinyhtml5.inputstream as inputstream

from .switch import pinned, upstream_in

# sha256 of inspect.getsource() of the upstream function in tinyhtml5 2.1.0.
PINNED_SOURCES = {
    "chars_until": "dfe353323dff1fdc908f4b24439adf34dc7049a990f6aed3ddf6937afb993c58",
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


def install() -> None:
    if not isinstance(inputstream.characters_until_regex, StopCharacterPatterns):
        inputstream.characters_until_regex = StopCharacterPatterns()


install()
