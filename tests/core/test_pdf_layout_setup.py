"""Pango layouts set up from what a setup of the same font and language made
(core.pdf.layout_setup): the same PDF as WeasyPrint's own setup of every layout."""

from __future__ import annotations

import weasyprint.text.line_break as wp_line_break
from weasyprint.text.fonts import FontConfiguration

from core.pdf import layout_setup, render_pdf

from .pdf_helpers import calls_through, pdftotext, rendered_on_and_off

# What a setup reads: languages (and none), an override, directions, families, styles,
# weights, sizes, small caps, variations, decorations (the metrics), kerning,
# ligatures and feature settings (the features' attribute), in Thai and Latin text.
HTML = """<html lang="th"><body>
<p>ผู้ใหญ่บ้านประชุม ที่ว่าการอำเภอ <b>ตัวหนา</b> <i>Italic text</i> ffi fl</p>
<p lang="en">Wave AVATAR To. <u>underlined ผู้ใหญ่</u> <s>struck</s></p>
<p style="text-decoration: overline; font-size: 9pt">เส้นบน overline</p>
<p style="font-variant: small-caps">Small Caps ตัวเล็ก</p>
<p style="font-kerning: none; font-variant-ligatures: no-common-ligatures">AV ffi</p>
<p style="font-feature-settings: 'tnum' 1; font-variant-numeric: oldstyle-nums">0123 ๑๒๓</p>
<p style="font-language-override: 'THA'">ภาษา override</p>
<p dir="rtl" lang="ar">Right to left عربى</p>
<p style="font-family: monospace; font-weight: 300; font-stretch: condensed">mono ก</p>
<p style="font-variation-settings: 'wght' 500">variation ข</p>
<table><tr><td>ภาคีเครือข่าย</td><td style="font-size: 11pt">ร้อยละ 87.5</td></tr></table>
<svg width="120" height="30"><text x="2" y="20" font-family="Sarabun">ป้ายกราฟ</text></svg>
</body></html>"""


def test_the_pdf_is_upstreams():
    ours, upstream = rendered_on_and_off(layout_setup, HTML)
    assert ours == upstream
    assert "ผู้ใหญ่บ้านประชุม" in pdftotext(ours)


def test_setups_are_made_once_per_font_and_language(monkeypatch):
    made = calls_through(monkeypatch, layout_setup._Made, "__init__", lambda _self, style: style)
    layouts = calls_through(monkeypatch, wp_line_break.Layout, "setup")
    from core.pdf.render import _font_setup

    _font_setup()[0].__dict__.pop(layout_setup._ATTRIBUTE, None)
    first = render_pdf(HTML)
    assert 0 < len(made) < len(layouts)
    # The next render of the same fonts makes none: they are kept on the font config.
    made.clear()
    assert render_pdf(HTML) == first
    assert made == []


def test_a_style_that_is_no_key_gets_upstreams_setup(monkeypatch):
    calls = calls_through(monkeypatch, layout_setup, "_original_setup", lambda _self, style: style)
    font_config = FontConfiguration()
    style = {name: "normal" for name in layout_setup._PROPERTIES}
    style.update(
        direction="ltr", lang=None, font_family=["serif"], font_style="normal",
        font_stretch="normal", font_weight=400, font_size=12, text_decoration_line="none",
        font_kerning="auto", font_variant_ligatures="normal", font_feature_settings="normal",
    )  # fmt: skip

    class Style(dict):
        pass

    style = Style(style)
    style.font_config = font_config
    with layout_setup.applied():
        layout = wp_line_break.Layout(style)
    assert calls == [style]
    assert layout.layout is not None


def test_the_table_is_emptied_when_full(monkeypatch):
    from core.pdf.render import _font_setup

    monkeypatch.setattr(layout_setup, "_KEPT", 2)
    font_config = _font_setup()[0]
    font_config.__dict__.pop(layout_setup._ATTRIBUTE, None)
    ours, upstream = rendered_on_and_off(layout_setup, HTML)
    assert ours == upstream
    assert 0 < len(font_config.__dict__[layout_setup._ATTRIBUTE]) <= 2


def test_outside_a_render_weasyprint_sets_up_its_own():
    import weasyprint

    font_config = FontConfiguration()
    weasyprint.HTML(string=HTML).write_pdf(font_config=font_config)
    assert layout_setup._ATTRIBUTE not in font_config.__dict__


def _snapshot(layout, text: str = "ผู้ใหญ่บ้าน Wave AVA ffi ๑๒๓") -> tuple:
    """What a setup gave the layout, and what Pango makes of a text with it."""
    from weasyprint.text.ffi import ffi, pango

    description = pango.pango_layout_get_font_description(layout.layout)
    layout.set_text(text)
    line, _ = layout.get_first_line()
    return (
        int(ffi.cast("uintptr_t", layout.language)),
        ffi.string(pango.pango_font_description_to_string(description)),
        pango.pango_layout_get_attributes(layout.layout) == ffi.NULL,
        layout.first_line_direction,
        tuple(
            getattr(layout, name, "unset")
            for name in (
                "ascent",
                "underline_position",
                "strikethrough_position",
                "underline_thickness",
                "strikethrough_thickness",
            )
        ),
        wp_line_break.line_size(line, layout.style),
    )


def test_each_layout_is_set_up_as_upstream_sets_it_up(monkeypatch):
    """Every style a render sets a layout up for, upstream's setup and ours side by
    side: the same language, font description, attributes, metrics and laid-out line."""
    from weasyprint.text.ffi import pango

    if not hasattr(pango, "pango_layout_get_font_description"):
        from weasyprint.text.ffi import ffi

        ffi.cdef(
            "const PangoFontDescription * pango_layout_get_font_description (PangoLayout *layout);"
        )
    original = layout_setup._original_setup
    styles = calls_through(monkeypatch, layout_setup, "_original_setup", lambda _self, style: style)
    with layout_setup.disabled():
        render_pdf(HTML)
    monkeypatch.setattr(layout_setup, "_original_setup", original)
    distinct = {id(style): style for style in styles}.values()
    # Languages, decorations and features of several kinds were set up.
    assert len({style["lang"] for style in distinct}) >= 3
    assert any(style["text_decoration_line"] != "none" for style in distinct)
    for style in distinct:
        theirs = wp_line_break.Layout.__new__(wp_line_break.Layout)
        theirs.justification_spacing = 0
        original(theirs, style)
        ours = wp_line_break.Layout.__new__(wp_line_break.Layout)
        ours.justification_spacing = 0
        with layout_setup.applied():
            layout_setup.setup(ours, style)
            assert _snapshot(ours) == _snapshot(theirs), dict(style)
