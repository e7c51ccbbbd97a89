"""Every patch of core.pdf is pinned to the upstream functions it relies on: its pins
hold for the installed WeasyPrint and tinyhtml5, and each one, changed, fails loudly
with the function's name (importing the module runs the same check). The patches are
found, not listed: a module of core.pdf with ``PINNED_SOURCES`` is one."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import core.pdf

PATCHES = [
    module
    for module in (
        importlib.import_module(f"core.pdf.{info.name}")
        for info in pkgutil.iter_modules(core.pdf.__path__)
    )
    if hasattr(module, "PINNED_SOURCES")
]


def test_every_patch_render_pdf_applies_is_found():
    """The discovery finds what it should (a typo in it would leave nothing to check)."""
    names = {module.__name__.rsplit(".", 1)[-1] for module in PATCHES}
    # thai_text pins its one copied function on its own (tests/core/test_pdf_thai.py).
    assert names == {
        "collapsed_borders",
        "deflate",
        "html_parse",
        "kept_layouts",
        "layout_context",
        "layout_setup",
        "no_floats",
        "normal_flow",
        "page_styles",
        "per_style",
        "plain_backgrounds",
        "preferred_widths",
        "shared_lines",
        "stream_contexts",
        "stylesheets",
        "svg_paths",
        "svg_text",
        "thai_breaks",
        "to_bytes",
        "ua_stylesheet",
        "weasyprint_border",
    }


@pytest.mark.parametrize(
    ("patch", "name"),
    [(patch, name) for patch in PATCHES for name in patch.PINNED_SOURCES],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_pinned_to_the_functions_it_relies_on(monkeypatch, patch, name):
    patch.check_pins()
    monkeypatch.setitem(patch.PINNED_SOURCES, name, "0" * 64)
    # The message names the function itself ("svg_text" holds "text", and two pins
    # end in "__init__").
    with pytest.raises(RuntimeError, match=re.escape(f"WeasyPrint's {name} is not")):
        patch.check_pins()


def test_render_pdf_applies_every_switched_patch():
    """A patch render_pdf does not enter is installed and never acts: each module of
    core.pdf with ``applied()`` is in its list, once (thai_text among them, which pins
    itself; the layout context has its own ``released()``)."""
    from core.pdf import render

    modules = [
        importlib.import_module(f"core.pdf.{info.name}")
        for info in pkgutil.iter_modules(core.pdf.__path__)
    ]
    switched = {module for module in modules if hasattr(module, "applied")}
    assert len(render._PATCHES) == len(set(render._PATCHES))
    assert set(render._PATCHES) == switched
