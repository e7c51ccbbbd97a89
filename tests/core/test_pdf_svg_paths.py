"""SVG path data read in one pass (core.pdf.svg_paths): the PDF is the bytes upstream's
reader makes, markers (drawn at the vertices the reader notes) included, for the
charts' paths and random ones; any other path data is upstream's to read."""

from __future__ import annotations

import base64
import random
import re

import pytest

from core.pdf import render_pdf, svg_paths

from .pdf_helpers import calls_through, rendered_on_and_off

MARKERS = (
    '<defs><marker id="dot" markerWidth="4" markerHeight="4" refX="2" refY="2" '
    'orient="auto"><path d="M0 0L4 2L0 4z" fill="#a00"/></marker></defs>'
)


def _page(paths: list[str]) -> str:
    """Each path drawn with a marker at its start, its every vertex and its end."""
    body = "".join(
        f'<path d="{d}" fill="none" stroke="#198754" marker-start="url(#dot)" '
        'marker-mid="url(#dot)" marker-end="url(#dot)"/>'
        for d in paths
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400" '
        f'viewBox="0 0 600 400">{MARKERS}{body}</svg>'
    )
    image = base64.b64encode(svg.encode()).decode()
    return f'<html><body><img style="width: 16cm" src="data:image/svg+xml;base64,{image}">'


def _number(rng: random.Random) -> str:
    value = rng.uniform(-300, 300)
    return str(round(value, rng.choice([0, 1, 2]))).removesuffix(".0")


def _random_path(rng: random.Random) -> str:
    """Commands of either case, implicit repeats, commas, signs as separators."""
    parts = [rng.choice("Mm") + " ".join(_number(rng) for _ in range(2))]
    for _ in range(rng.randint(1, 12)):
        letter = rng.choice("MmLlHhVvCcZz")
        arity = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "z": 0}[letter.lower()]
        numbers = [_number(rng) for _ in range(arity * rng.choice([1, 1, 2]))]
        separator = rng.choice([" ", ",", ", "])
        text = separator.join(numbers)
        if rng.random() < 0.3:
            text = text.replace(" -", "-").replace(",-", "-")
        parts.append(letter + rng.choice(["", " "]) + text)
    return rng.choice(["", " "]).join(parts)


def _chart_paths() -> list[str]:
    """The path data the roadmap charts write (rounded bars, grid lines)."""
    from roadmap.charts.svg import Shapes

    shapes = Shapes()
    for i in range(6):
        shapes.rect(10 + i, 20 * i, 150.25 + i, 12, rx=3)
    shapes.rect(5, 5, 40, 40, rx=0)
    written = [re.search(r' d="([^"]*)"', path).group(1) for path in shapes.paths()]
    return [*written, "M220 28L220 854M258.87 28L258.87 854", "M0 0h10v10h-10z"]


def test_the_charts_paths_are_the_bytes_upstream_makes():
    on, off = rendered_on_and_off(svg_paths, _page(_chart_paths()))
    assert on == off


@pytest.mark.parametrize("seed", range(8))
def test_random_paths_are_the_bytes_upstream_makes(seed):
    rng = random.Random(seed)
    paths = [_random_path(rng) for _ in range(12)]
    on, off = rendered_on_and_off(svg_paths, _page(paths))
    assert on == off


@pytest.mark.parametrize(
    "data",
    [
        "M10 10A5 5 0 0 1 20 20",  # an arc
        "M10 10Q20 20 30 10",  # a quadratic curve
        "M1e1 10L20 20",  # an exponent
        "M.5 10L20 20",  # a leading dot
        "M+5 10L20 20",  # a plus sign
        "M1.2.3 10L20 20",  # two dots
        "M--1 10L20 20",  # two minus signs
        "M10 10L20 20.",  # a trailing dot
        "M10 10L20",  # a number missing
        "10 10L20 20",  # no command first
    ],
)
def test_other_path_data_goes_to_upstream(monkeypatch, data):
    made = calls_through(monkeypatch, svg_paths, "_path", lambda svg, node, size: node.get("d"))
    on, off = rendered_on_and_off(svg_paths, _page([data, "M0 0L5 5"]))
    assert on == off
    # Both renders read it upstream's way (the plain path beside it: the next test).
    assert made.count(data) == 2


def test_a_plain_path_is_read_without_upstream(monkeypatch):
    made = calls_through(monkeypatch, svg_paths, "_path")
    render_pdf(_page(_chart_paths()))
    assert made == []


@pytest.mark.parametrize("seed", range(4))
def test_values_normalise_as_upstream_normalises_them(seed):
    rng = random.Random(seed)
    values = ["", None, "0", "-0", "12", "-3.25", "1e5", "+4", ".5", "1.5.5", "3-4", " 7 "]
    values += [_number(rng) for _ in range(50)]
    values += [f"{_number(rng)}{rng.choice([' ', ',', ', '])}{_number(rng)}" for _ in range(50)]
    with svg_paths.applied():
        ours = [svg_paths.normalize(value) for value in values]
    assert ours == [svg_paths._normalize(value) for value in values]


def test_every_svg_module_normalises_through_the_patch():
    import importlib

    for name in ("utils", "path", "shapes", "text", "bounding_box"):
        module = importlib.import_module(f"weasyprint.svg.{name}")
        assert module.normalize is svg_paths.normalize
