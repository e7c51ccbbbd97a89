"""``svg_image``: a PDF's chart as an <img> of its SVG, drawn as the inline SVG was."""

from __future__ import annotations

import base64
import re

from django.template import Context, Template

from core.pdf import render_pdf
from core.templatetags.pdf_images import svg_image

from .pdf_helpers import pdftotext

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 60" width="100%" '
    'font-family="Sarabun, sans-serif" font-size="12"><title>ความคืบหน้า &amp; "ผล"</title>'
    '<rect x="0" y="10" width="120" height="20" fill="#198754"/>'
    '<text x="130" y="25">ขั้นที่ 1 ร้อยละ 40</text></svg>'
)


def test_the_image_holds_the_svg_and_its_title_as_alternative_text():
    image = svg_image(SVG)
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', image)[1]
    assert base64.b64decode(data).decode() == SVG
    assert 'alt="ความคืบหน้า &amp; &quot;ผล&quot;"' in image
    assert svg_image("") == ""
    assert svg_image(None) == ""


def test_a_template_gives_the_tag_unescaped():
    rendered = Template("{% load pdf_images %}{{ chart|svg_image }}").render(
        Context({"chart": SVG})
    )
    assert rendered.startswith('<img src="data:image/svg+xml;base64,')


def _page(chart: str) -> str:
    return f'<html><body><div style="width: 12cm">{chart}</div></body></html>'


def test_the_pdf_shows_the_same_chart_and_text():
    inline, image = render_pdf(_page(SVG)), render_pdf(_page(svg_image(SVG)))
    assert "ขั้นที่ 1 ร้อยละ 40" in pdftotext(image)
    assert pdftotext(inline) == pdftotext(image)
