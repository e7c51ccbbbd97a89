"""Thai word boundaries for the web process: libthai, the library Pango breaks Thai with.

Thai is written without spaces between words, so a label that must wrap (an SVG chart's
legend, a step's name under a bar) needs a dictionary to know where a word ends.
PyThaiNLP's ``newmm`` does it well but builds its dictionary as a Python trie of some
60,000 words: about 90 MB in every web worker that draws one chart (issue 17 measured
a worker at 177 MB). libthai keeps its dictionary in one memory-mapped file
(/usr/share/libthai/thbrk.tri, 0.6 MB) and is already on every machine that runs
WeasyPrint (Pango depends on it). Where it is missing (a development machine without
Pango), PyThaiNLP answers instead, so the result is the same kind of split everywhere.

The PDFs keep using PyThaiNLP (core.pdf.thai_breaks): they are drawn in the worker.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import threading
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"(\s+)")
_THAI = re.compile(r"[\u0e01-\u0e5b]")
# A leading vowel is written before the consonant it follows in speech (เ แ โ ใ ไ).
_LEADING = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
# Following vowels that are letters, not marks, but never start a cluster (ะ า ำ ๅ).
_FOLLOWING = frozenset("\u0e30\u0e32\u0e33\u0e45")


class _LibThai:
    """libthai through ctypes; one breaker per thread (a ThBrk is not shared)."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        lib.th_brk_new.restype = ctypes.c_void_p
        lib.th_brk_new.argtypes = [ctypes.c_char_p]
        lib.th_brk_wc_find_breaks.restype = ctypes.c_int
        lib.th_brk_wc_find_breaks.argtypes = [
            ctypes.c_void_p,
            ctypes.c_wchar_p,
            ctypes.POINTER(ctypes.c_int),
            ctypes.c_size_t,
        ]
        self.lib = lib
        self.local = threading.local()

    def breaks(self, text: str) -> list[int]:
        brk = getattr(self.local, "brk", None)
        if brk is None:
            brk = self.local.brk = self.lib.th_brk_new(None)
        if not brk:
            raise OSError("libthai has no dictionary")
        positions = (ctypes.c_int * (len(text) + 1))()
        found = self.lib.th_brk_wc_find_breaks(brk, text, positions, len(text) + 1)
        return [p for p in positions[: max(found, 0)] if 0 < p < len(text)]


@lru_cache(maxsize=1)
def _libthai() -> _LibThai | None:
    for name in ("libthai.so.0", "libthai.0.dylib", "libthai.so"):
        try:
            return _LibThai(ctypes.CDLL(name))
        except (OSError, AttributeError):
            continue
    return None


def _split(piece: str) -> list[str]:
    """One run without spaces, cut at its word boundaries."""
    libthai = _libthai()
    if libthai is not None:
        try:
            cuts = [0, *libthai.breaks(piece), len(piece)]
        except OSError:
            libthai = None
        else:
            return [piece[a:b] for a, b in itertools.pairwise(cuts) if a < b]
    from pythainlp.tokenize import word_tokenize  # noqa: PLC0415 - only without libthai

    return [token for token in word_tokenize(piece, engine="newmm") if token]


@lru_cache(maxsize=4096)
def _words_cached(text: str) -> tuple[str, ...]:
    pieces: list[str] = []
    for run in _SPACES.split(text):
        if not run:
            continue
        if run.isspace() or not _THAI.search(run):
            pieces.append(run)
        else:
            pieces.extend(_split(run))
    return tuple(pieces)


def thai_words(text: str) -> list[str]:
    """``text`` as words and runs of spaces, in order: ``"".join`` gives it back.

    Words are cut where libthai's dictionary says a Thai word ends; non-Thai text is
    cut only at spaces (the caller decides where Thai may meet Latin or digits).
    Labels repeat (step names, the health check's groups), so results are cached.
    """
    return list(_words_cached(text))


def thai_clusters(text: str) -> list[str]:
    """Characters as they are drawn: a Thai consonant with its leading vowel, its
    marks above and below, and the vowels that cannot start a cluster (ะ า ำ ๅ)."""
    clusters: list[str] = []
    attach_next = False
    for char in text:
        mark = unicodedata.category(char) == "Mn" or char in _FOLLOWING
        if clusters and (attach_next or mark):
            clusters[-1] += char
        else:
            clusters.append(char)
        attach_next = char in _LEADING
    return clusters
