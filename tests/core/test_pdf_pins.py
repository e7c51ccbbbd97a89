"""Every patch of core.pdf is pinned to the upstream functions it relies on: its pins
hold for the installed WeasyPrint and tinyhtml5, and each one, changed, fails loudly
with the function's name (importing the module runs the same check)."""

from __future__ import annotations

import pytest

from core.pdf import (
    html_parse,
    kept_layouts,
    layout_context,
    preferred_widths,
    stylesheets,
    svg_text,
    thai_breaks,
    weasyprint_border,
)

PATCHES = (
    html_parse,
    kept_layouts,
    layout_context,
    preferred_widths,
    stylesheets,
    svg_text,
    thai_breaks,
    weasyprint_border,
)


@pytest.mark.parametrize(
    ("patch", "name"),
    [(patch, name) for patch in PATCHES for name in patch.PINNED_SOURCES],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_pinned_to_the_functions_it_relies_on(monkeypatch, patch, name):
    patch.check_pins()
    monkeypatch.setitem(patch.PINNED_SOURCES, name, "0" * 64)
    with pytest.raises(RuntimeError, match=name.rsplit(".", 1)[-1]):
        patch.check_pins()
