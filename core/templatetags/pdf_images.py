"""``{{ chart|svg_image }}``: a chart in a PDF as an image of its SVG, not inline SVG.

Inline SVG is part of the HTML document: WeasyPrint parses its every element as HTML,
matches it against every stylesheet, gives it computed styles, then writes the SVG
back out as text and parses it again to draw it. As ``<img src="data:image/svg+xml…">``
it is parsed once, by the SVG code alone, and drawn the same: the committee report's
pages are pixel for pixel what they were, with the same text under pdftotext, and its
render took 3.7 % fewer instructions (docs/performance-pdf.md, eleventh pass). The
chart's ``<title>`` becomes the image's text alternative. Web pages keep their charts
inline (their CSS and screen readers read them there).
"""

from __future__ import annotations

import base64
import html
import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@register.filter
def svg_image(svg: str | None) -> SafeString | str:
    """The SVG as an ``<img>`` with a data: URI and its title as ``alt``; "" for none."""
    if not svg:
        return ""
    title = _TITLE.search(svg)
    alt = html.escape(html.unescape(title.group(1)) if title else "", quote=True)
    data = base64.b64encode(str(svg).encode()).decode("ascii")
    return mark_safe(f'<img src="data:image/svg+xml;base64,{data}" alt="{alt}">')
