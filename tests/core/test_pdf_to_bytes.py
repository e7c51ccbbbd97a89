"""The numbers of the drawing operators written once per value (core.pdf.to_bytes): the
same bytes as pydyf's ``_to_bytes`` for every kind of operand, in a render and out."""

from __future__ import annotations

import math
import random

import pydyf
import pytest
import weasyprint

from core.pdf import render_pdf, to_bytes

from .pdf_helpers import rendered_on_and_off

HTML = (
    "<html><body><h1>รายงานต่อคณะกรรมการ</h1>"
    "<table style='border-collapse: collapse'>"
    + "".join(
        f"<tr><td style='border: 1px solid #999; width: {10 + i * 0.37}%'>ภาคี {i}</td>"
        f"<td style='background: #eef'>{i * 12.5}%</td></tr>"
        for i in range(30)
    )
    + "</table><svg width='80' height='40'><path d='M0.5 0.25L79.125 40' stroke='red'/>"
    "<text x='2.75' y='30'>ที่</text></svg></body></html>"
)


class _Text(str):
    """A str subclass: upstream's function takes it."""


def _operands() -> list:
    chosen = random.Random(5)
    floats = [chosen.uniform(-1000, 1000) for _ in range(500)]
    floats += [round(value, chosen.randint(0, 4)) for value in floats]
    floats += [0.0, -0.0, 1.0, -1.0, 1e-7, -1e-7, 1e21, 123456789.0, 0.1 + 0.2, 2.5e-5]
    return [
        *floats,
        *[-value for value in floats],
        0,
        -3,
        7,
        10**20,
        True,
        False,
        b"",
        b"/F1",
        "",
        "Tj",
        "[<0041>-12<0042>]",
        _Text("BT"),
        pydyf.Dictionary({"MCID": 3}),
        pydyf.Array([1.5, 2, b"/Name"]),
        pydyf.String("ข้อความ"),
    ]


def test_every_operand_gives_upstreams_bytes():
    operands = _operands()
    upstream = [to_bytes._upstream(item) for item in operands]
    with to_bytes.applied():
        assert [to_bytes.to_bytes(item) for item in operands] == upstream
        # Again, every float now looked up.
        assert [to_bytes.to_bytes(item) for item in operands] == upstream
    assert to_bytes._FLOATS


def test_negative_zero_and_zero_share_their_bytes():
    with to_bytes.applied():
        assert to_bytes.to_bytes(-0.0) == to_bytes.to_bytes(0.0) == to_bytes._upstream(-0.0)


def test_text_that_is_not_ascii_fails_as_upstream_fails():
    with pytest.raises(UnicodeEncodeError):
        to_bytes._upstream("ก")
    with to_bytes.applied(), pytest.raises(UnicodeEncodeError):
        to_bytes.to_bytes("ก")


def test_not_a_number_is_written_as_upstream_writes_it(monkeypatch):
    monkeypatch.setattr(to_bytes, "_FLOATS", {})
    with to_bytes.applied():
        assert to_bytes.to_bytes(math.nan) == to_bytes._upstream(math.nan)


def test_the_table_is_emptied_when_full(monkeypatch):
    monkeypatch.setattr(to_bytes, "_FLOATS", {})
    monkeypatch.setattr(to_bytes, "_KEPT", 3)
    with to_bytes.applied():
        for value in (0.5, 1.5, 2.5):
            to_bytes.to_bytes(value)
        assert len(to_bytes._FLOATS) == 3
        assert to_bytes.to_bytes(3.25) == b"3.25"
    assert to_bytes._FLOATS == {3.25: b"3.25"}


def test_a_render_gives_the_same_pdf(monkeypatch):
    monkeypatch.setattr(to_bytes, "_FLOATS", {})
    ours, upstream = rendered_on_and_off(to_bytes, HTML)
    assert ours == upstream
    assert to_bytes._FLOATS
    # And with the table filled by the first.
    assert render_pdf(HTML) == ours


def test_outside_a_render_pydyf_writes_as_before(monkeypatch):
    """WeasyPrint used directly (not through render_pdf): upstream's function."""
    monkeypatch.setattr(to_bytes, "_FLOATS", {})
    weasyprint.HTML(string=HTML).write_pdf()
    assert to_bytes._FLOATS == {}
    assert pydyf._to_bytes is to_bytes.to_bytes
