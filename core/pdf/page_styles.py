"""A page's styles computed once for every page that cascades alike.

For each page WeasyPrint gathers the ``@page`` declarations that match it and makes a
computed style for the page and one for each of its margin boxes (the user-agent sheet
names sixteen, the footnote area and the note area: 19 a page). A page's type holds its
index, so no two pages share them, and each page computes its ~60 properties of each
style anew: 16 pages × 19 styles, ~4 % of the committee report's render
(docs/performance-pdf.md, eleventh pass).

Here ``set_page_type_computed_styles`` remembers, per document, the styles it made for
each set of matching declarations (each declaration's parsed value, by identity, and its
weight): a later page with the same set gets the same style objects. A computed style is
a function of its declarations and its parent (the root element for a page, the page for
a margin box), and what WeasyPrint writes into a page's styles afterwards is the same for
every page (the root's overflow, the page counters made standard), so the PDF is the same
bytes (a test compares, with ``:first``, ``:left``, ``:right`` and named pages). Like the
other patches of core.pdf it is installed at import, acts only inside ``applied()``
(render_pdf), and is pinned to the functions it relies on.
"""

from __future__ import annotations

import weasyprint.css as wp_css
import weasyprint.layout.page as wp_page

from .switch import Switch, document_memo, pinned, upstream, upstream_in

# sha256 of inspect.getsource() of the upstream functions in WeasyPrint 70.0: the
# function replaced, and what it calls (gathering a page's declarations, making a style).
PINNED_SOURCES = {
    "set_page_type_computed_styles": (
        "4e68b396b35c4a0640453f413be69acdc81a82b37e0f806fd00999c937a126bb"
    ),
    "StyleFor.add_page_declarations": (
        "78e388ade2325011754b44f2aedbff51b93a0789adb53fb70efb57fc46244f18"
    ),
    "StyleFor.set_computed_styles": (
        "b5b15856b8beff3f49e20ac0309d7b45fb2a5192d826dd65e05b3009b8285c46"
    ),
}

check_pins = pinned(PINNED_SOURCES, upstream_in(wp_page, wp_css), __name__)

_switch = Switch("page_styles")
_on = _switch.now
applied = _switch.applied
disabled = _switch.disabled

_ATTRIBUTE = "_khruakhai_page_styles"
_set_page_type_computed_styles = upstream(wp_page.set_page_type_computed_styles)


def _frozen(value):
    """A weight as a dictionary key (a selector's specificity may be a list)."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def _signature(page_type, cascaded: dict) -> tuple:
    """What a page's styles are made of: per pseudo-element (None for the page itself),
    each property's parsed value (by identity: the stylesheets' own objects, alive as
    long as the document) and its weight."""
    return tuple(
        sorted(
            (
                pseudo_type or "",
                tuple(
                    sorted(
                        (name, id(value), _frozen(weight))
                        for name, (value, weight) in declarations.items()
                    )
                ),
            )
            for (element, pseudo_type), declarations in cascaded.items()
            if element == page_type
        )
    )


def set_page_type_computed_styles(page_type, html, style_for):
    if not _on():
        return _set_page_type_computed_styles(page_type, html, style_for)
    # Gathering twice (here, and in upstream's function on a miss) sets the same values.
    style_for.add_page_declarations(page_type)
    signature = _signature(page_type, style_for.get_cascaded_styles())
    # The memo lives on the StyleFor, which is the document's: ids stay unique in it.
    memo = document_memo(style_for, _ATTRIBUTE)
    computed = style_for.get_computed_styles()
    made = memo.get(signature)
    if made is None:
        _set_page_type_computed_styles(page_type, html, style_for)
        memo[signature] = {
            pseudo_type: style
            for (element, pseudo_type), style in computed.items()
            if element == page_type
        }
        return
    for pseudo_type, style in made.items():
        computed[page_type, pseudo_type] = style


set_page_type_computed_styles.__wrapped_original__ = _set_page_type_computed_styles
wp_page.set_page_type_computed_styles = set_page_type_computed_styles
