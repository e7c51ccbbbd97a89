"""Line breaks never inside a Thai word.

Thai has no spaces between words; Pango asks libthai where lines may break, and
libthai also breaks inside compound words (จัด|ทำ, คณะ|กรรมการ, การ|ดำเนินงาน).
PyThaiNLP's newmm tokenizer (offline, its own dictionary) is the judge of what a
word is. Before rendering, every word that libthai would split is wrapped in
``<span class="kk-word">`` (``white-space: nowrap``), followed by a zero-width
space so the boundary after it stays breakable. Only those words get a span (a
few per paragraph): each inline box costs WeasyPrint layout time, so wrapping
every word would multiply the render time.

Only text of the HTML body between tags is touched — never tags, attributes,
comments, <style>, <script>, <textarea>, <title>, the <head>, or anything inside
<svg> or <math>. Those are not HTML text: a <span> inside SVG <text> is not SVG,
and the HTML parser reads it as the end of the <svg> element, spilling the rest
of the chart out as a paragraph; <title> becomes the PDF's Title metadata, which
must stay plain text. Without PyThaiNLP installed the HTML is left as it is
(libthai decides alone).
"""

from __future__ import annotations

import gc
import re
from functools import lru_cache

from weasyprint.text.line_break import get_log_attrs

WORD_CLASS = "kk-word"
CSS = f".{WORD_CLASS} {{ white-space: nowrap; }}"
ZWSP = "\u200b"

_THAI_RUN = re.compile(r"[\u0e01-\u0e5b]{2,}")
# Tags, comments and elements whose content is raw text pass through untouched.
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>"
    r"|<(style|script|textarea|title)\b.*?</\1\s*>"
    r"|<[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
# Elements whose whole content (text included) is left alone. They may nest
# (an <svg> inside an <svg>), so their depth is counted rather than matched.
_SKIPPED = ("head", "svg", "math")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)")


@lru_cache(maxsize=1)
def _tokenizer():
    try:
        # Here, not at the top: PyThaiNLP's import costs 0.2-2 s and 8 MB, and core.pdf
        # is loaded by every web process (the verify page); only a process that renders
        # a PDF pays for it (its dictionary, 70 MB more, loads on the first call).
        from pythainlp.tokenize import word_tokenize  # noqa: PLC0415 - see above
    except ImportError:  # pragma: no cover - PyThaiNLP is a project dependency
        return None
    word_tokenize("ภาษาไทย", engine="newmm")  # loads the dictionary now
    _freeze_long_lived()
    return word_tokenize


def _freeze_long_lived() -> None:
    """Leave the objects this process holds now out of the garbage collector's scans.

    The dictionary just loaded is some 600,000 objects that live as long as the
    process. Every render makes enough objects to start one full collection, which
    walked all of them: 0.1-0.3 s of each PDF (``docs/performance-pdf.md``). Frozen
    (``gc.freeze``, after a collection so that no garbage is kept), they are never
    walked again; what is made later is collected as before.
    """
    gc.collect()
    gc.freeze()


def _breakable_inside(log_attrs, start: int, end: int) -> bool:
    return any(log_attrs[i].is_line_break for i in range(start + 1, end))


@lru_cache(maxsize=8192)
def _kept(run: str) -> str:
    """``_keep_run`` of a run, remembered: a document repeats its runs (an organisation's
    name in every table, the same label in every row) and so do the documents a worker
    renders one after another. The result depends on the run alone."""
    return _keep_run(run, _tokenizer())


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


def _skip_depth(tag: str, depth: dict[str, int]) -> None:
    """Count the skipped elements that ``tag`` opens or closes."""
    match = _TAG_NAME.match(tag)
    if not match:
        return
    name = match[2].lower()
    if name == "body" and not match[1]:
        depth["head"] = 0  # </head> may be left out: <body> ends the head all the same
    if name not in depth:
        return
    if match[1]:
        depth[name] = max(depth[name] - 1, 0)
    elif not tag.rstrip(">").rstrip().endswith("/"):
        depth[name] += 1


def keep_thai_words(html: str) -> str:
    """The HTML with each Thai word that libthai would break kept on one line."""
    if _tokenizer() is None or not _THAI_RUN.search(html):
        return html
    depth = dict.fromkeys(_SKIPPED, 0)
    out = []
    position = 0
    for markup in _MARKUP.finditer(html):
        out.append(_keep_text(html[position : markup.start()], depth))
        out.append(markup[0])
        _skip_depth(markup[0], depth)
        position = markup.end()
    out.append(_keep_text(html[position:], depth))
    return "".join(out)


def _keep_text(text: str, depth: dict[str, int]) -> str:
    if any(depth.values()) or not _THAI_RUN.search(text):
        return text
    return _THAI_RUN.sub(lambda m: _kept(m[0]), text)
