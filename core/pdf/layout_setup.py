"""A Pango layout set up from what the last layout of the same font and language made.

WeasyPrint 70 sets up every text layout from nothing (``Layout.setup``): a new Pango
context from the font map, its direction and language, a new font description, the
font features worked out from eight properties, and for decorated text the font's
metrics. The committee report sets up 636 layouts from 9 distinct fonts and
languages: ~82,000 instructions each, 3.4 % of its render (docs/performance-pdf.md,
"Fourteenth pass").

Here what a setup makes that depends only on the style's font, language and
decoration (the context, the language, the font description, the metrics and the
features' string) is made once per FontConfiguration and kept on it, under the values
of the style properties it was made from; each layout then gets its own PangoLayout
from the shared context, as Pango intends contexts to be used, and its own attribute
list. Nothing changes a context once it is set up (WeasyPrint sets its direction,
language and glyph rounding here only), and Pango copies a font description into the
layout that is given it. The PDF is the same, byte for byte (a test compares).

A style whose values cannot be a key (a list where WeasyPrint's computed values hold a
tuple) gets upstream's setup; a decoration's set is keyed by its frozen copy. The table
is emptied when it holds _KEPT entries. Acts only inside ``applied()`` (render_pdf);
pinned to the functions whose lines it repeats.
"""

from __future__ import annotations

import weasyprint.text.line_break as wp_line_break
from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p
from weasyprint.text.fonts import font_features, get_font_description

from .switch import Switch, document_memo, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0.
PINNED_SOURCES = {
    "Layout.setup": "fb227a55094f41d42fbd57f180d8b7a9a1e741969ec8ddb3fd5cd80920257442",
    "get_font_description": "85734b8947b9bf64ef27ff11d8f5355db76a2ae8efc9a6fed925dc9e2a1056ce",
    "font_features": "e35741064c06885295ee9519f6874f2953187b61ff33aaf344f51ea1d9114361",
}
_ATTRIBUTE = "_khruakhai_layout_setups"
_KEPT = 512

_original_setup = upstream(wp_line_break.Layout.setup)

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_line_break), __name__)

_switch = Switch("layout_setup")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

# The style properties a setup reads, in upstream's order: the key of what it makes.
_PROPERTIES = (
    "direction",
    "font_language_override",
    "lang",
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_size",
    "font_variant_caps",
    "font_variation_settings",
    "text_decoration_line",
    "font_kerning",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
)
_DECORATION = _PROPERTIES.index("text_decoration_line")


class _Made:
    """What upstream's setup makes from a style's font, language and decoration."""

    __slots__ = ("context", "description", "features", "language", "metrics")

    def __init__(self, style) -> None:
        # Upstream's lines (Layout.setup), up to the layout itself.
        font_map = style.font_config.font_map
        pango_context = ffi.gc(
            pango.pango_font_map_create_context(font_map), gobject.g_object_unref
        )
        pango.pango_context_set_round_glyph_positions(pango_context, False)
        pango.pango_context_set_base_dir(pango_context, PANGO_DIRECTION[style["direction"]])

        if style["font_language_override"] != "normal":
            lang_p, lang = unicode_to_char_p(
                LST_TO_ISO.get(
                    style["font_language_override"].lower(), style["font_language_override"]
                )
            )
        elif style["lang"]:
            lang_p, lang = unicode_to_char_p(style["lang"])
        else:
            lang = None
            self.language = pango.pango_language_get_default()
        if lang:
            self.language = pango.pango_language_from_string(lang_p)
            pango.pango_context_set_language(pango_context, self.language)

        assert not isinstance(style["font_family"], str), "font_family should be a list"
        font_description = get_font_description(style)

        self.metrics = None
        if style["text_decoration_line"] != "none":
            metrics = ffi.gc(
                pango.pango_context_get_metrics(pango_context, font_description, self.language),
                pango.pango_font_metrics_unref,
            )
            self.metrics = (
                FROM_UNITS * pango.pango_font_metrics_get_ascent(metrics),
                FROM_UNITS * pango.pango_font_metrics_get_underline_position(metrics),
                FROM_UNITS * pango.pango_font_metrics_get_strikethrough_position(metrics),
                FROM_UNITS * pango.pango_font_metrics_get_underline_thickness(metrics),
                FROM_UNITS * pango.pango_font_metrics_get_strikethrough_thickness(metrics),
            )

        features = font_features(
            style["font_kerning"],
            style["font_variant_ligatures"],
            style["font_variant_position"],
            style["font_variant_caps"],
            style["font_variant_numeric"],
            style["font_variant_alternates"],
            style["font_variant_east_asian"],
            style["font_feature_settings"],
        )
        if features:
            features = ",".join(f"{key} {value}" for key, value in features.items()).encode()
        self.context, self.description, self.features = pango_context, font_description, features


def setup(self, style):
    """WeasyPrint's Layout.setup, from what a setup of the same font and language made."""
    if not _on():
        return _original_setup(self, style)
    font_config = style.font_config
    # Kept on the FontConfiguration: a context belongs to its font map.
    made_by_key = document_memo(font_config, _ATTRIBUTE)
    values = [style[name] for name in _PROPERTIES]
    if type(values[_DECORATION]) is set:  # {"underline"}: its frozen copy is a key
        values[_DECORATION] = frozenset(values[_DECORATION])
    try:
        key = tuple(values)
        made = made_by_key.get(key)
    except TypeError:  # a value that is no key (a list): upstream's setup
        return _original_setup(self, style)
    if made is None:
        if len(made_by_key) >= _KEPT:
            made_by_key.clear()
        made = made_by_key[key] = _Made(style)

    # Upstream's lines (Layout.setup), with what was made.
    self.style = style
    self.first_line_direction = 0
    self.language = made.language
    self.layout = ffi.gc(pango.pango_layout_new(made.context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    pango.pango_layout_set_font_description(self.layout, made.description)

    if made.metrics is None:
        self.ascent = None
        self.underline_position = None
        self.strikethrough_position = None
    else:
        (
            self.ascent,
            self.underline_position,
            self.strikethrough_position,
            self.underline_thickness,
            self.strikethrough_thickness,
        ) = made.metrics

    features = made.features
    if features:
        # Upstream's cache of the attribute per features string, without upstream's
        # setdefault, which makes a new attribute (and leaks it) on every call.
        attr = font_config.font_features.get(features)
        if attr is None:
            attr = font_config.font_features[features] = pango.pango_attr_font_features_new(
                features
            )
        attr_list = pango.pango_attr_list_new()
        pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)
    return None


setup.__wrapped_original__ = _original_setup
# Layout.__init__ and reactivate call self.setup: the class's attribute.
wp_line_break.Layout.setup = setup
