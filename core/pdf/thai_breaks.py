"""Line breaks never inside a Thai word.

Thai has no spaces between words; Pango asks libthai where lines may break, and
libthai also breaks inside compound words (จัด|ทำ, คณะ|กรรมการ, การ|ดำเนินงาน).
PyThaiNLP's newmm tokenizer (offline, its own dictionary) is the judge of what a
word is. Before rendering, every word that libthai would split is wrapped in
``<span class="kk-word">`` (``white-space: nowrap``), followed by a zero-width
space so the boundary after it stays breakable. Only those words get a span (a
few per paragraph): each inline box costs WeasyPrint layout time, so wrapping
every word would multiply the render time.

Only text between tags is touched — never tags, attributes, <style> or <script>.
Without PyThaiNLP installed the HTML is left as it is (libthai decides alone).
"""

from __future__ import annotations

import re
from functools import lru_cache

from weasyprint.text.line_break import get_log_attrs

WORD_CLASS = "kk-word"
CSS = f".{WORD_CLASS} {{ white-space: nowrap; }}"
ZWSP = "\u200b"

_THAI_RUN = re.compile(r"[\u0e01-\u0e5b]{2,}")
# Tags, comments and raw-text elements pass through untouched.
_MARKUP = re.compile(
    r"(<!--.*?-->|<style\b.*?</style\s*>|<script\b.*?</script\s*>|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _tokenizer():
    try:
        from pythainlp.tokenize import word_tokenize
    except ImportError:  # pragma: no cover - PyThaiNLP is a project dependency
        return None
    return word_tokenize


def _breakable_inside(log_attrs, start: int, end: int) -> bool:
    return any(log_attrs[i].is_line_break for i in range(start + 1, end))


def _keep_run(run: str, word_tokenize) -> str:
    log_attrs = get_log_attrs(run, "th")
    out = []
    position = 0
    for word in word_tokenize(run, engine="newmm", keep_whitespace=True):
        end = position + len(word)
        if len(word) > 1 and _breakable_inside(log_attrs, position, end):
            out.append(f'<span class="{WORD_CLASS}">{word}</span>{ZWSP}')
        else:
            out.append(word)
        position = end
    return "".join(out)


def keep_thai_words(html: str) -> str:
    """The HTML with each Thai word that libthai would break kept on one line."""
    word_tokenize = _tokenizer()
    if word_tokenize is None or not _THAI_RUN.search(html):
        return html
    parts = _MARKUP.split(html)
    for index in range(0, len(parts), 2):  # even indexes are text between markup
        if _THAI_RUN.search(parts[index]):
            parts[index] = _THAI_RUN.sub(lambda m: _keep_run(m[0], word_tokenize), parts[index])
    return "".join(parts)
