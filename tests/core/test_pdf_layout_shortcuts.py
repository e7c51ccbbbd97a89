"""Three layout answers worked out once or skipped (core.pdf.normal_flow,
core.pdf.no_floats, core.pdf.plain_backgrounds): the PDF is the bytes WeasyPrint makes
without them, on pages that also hold what each shortcut leaves to upstream."""

from __future__ import annotations

import pytest

from core.pdf import no_floats, normal_flow, plain_backgrounds, render_pdf

from .pdf_helpers import calls_through, pdftotext, rendered_on_and_off

# A black square, as an SVG image.
SQUARE = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZp"
    "ZXdCb3g9IjAgMCAxIDEiPjxyZWN0IHdpZHRoPSIxIiBoZWlnaHQ9IjEiLz48L3N2Zz4="
)


def page() -> str:
    """Floats, an absolutely positioned box, a running header, right-to-left text,
    backgrounds, rounded and percentage corners, a hidden box, a shadow, blocks placed
    with their left margins, a table over two pages."""
    rows = "".join(
        f'<tr><td>{i}</td><td style="{"background: #eef" if i % 3 else ""}">'
        f"คณะกรรมการเครือข่าย {i}</td></tr>"
        for i in range(60)
    )
    return (
        "<html><head><style>@page { size: A6; @top-center { content: element(head); } }"
        ".head { position: running(head); } td { border: 1pt solid #555; }"
        "</style></head><body>"
        '<div class="head">หัวกระดาษ</div>'
        '<div style="float: left; width: 20mm; height: 15mm; background: #dfd">ลอย</div>'
        "<p>ข้อความข้างกล่องลอย ภาคีทุกฝ่ายร่วมกันวางแผนและติดตามผลการดำเนินงาน</p>"
        '<div style="clear: both; position: absolute; top: 5mm; right: 5mm">มุม</div>'
        '<p dir="rtl" style="direction: rtl">שלום עולם, right to left</p>'
        '<p style="border-radius: 4pt; background: #fde">มุมมน</p>'
        '<p style="border-radius: 10%; border: 1pt solid #a00">มุมร้อยละ</p>'
        '<p style="visibility: hidden; background: #000">ซ่อน</p>'
        '<p style="box-shadow: 2pt 2pt #999">เงา</p>'
        f'<img style="float: right; width: 10mm" src="{SQUARE}">'
        # Placed with their margins (upstream's outer=False): a table, a block image.
        '<table style="margin: 2mm 0 0 6mm; width: 30mm"><tr><td>ขอบ</td></tr></table>'
        f'<img style="display: block; margin: 2mm 0 0 8mm; width: 6mm" src="{SQUARE}">'
        f"<table>{rows}</table></body></html>"
    )


@pytest.mark.parametrize("patch", [normal_flow, no_floats, plain_backgrounds])
def test_the_pdf_is_the_bytes_upstream_makes(patch):
    on, off = rendered_on_and_off(patch, page())
    assert on == off
    text = pdftotext(on)
    assert "คณะกรรมการเครือข่าย 59" in text
    assert "ลอย" in text


def test_the_flow_answer_follows_a_style_changed_in_place():
    """Kept per float and position, not per style: a style set to float after an answer
    was given gets the floated answer."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.formatting_structure import boxes

    style = dict(INITIAL_VALUES)
    box = boxes.BlockBox("div", style, None, [])
    with normal_flow.applied():
        assert box.is_in_normal_flow()
        style["float"] = "left"
        assert not box.is_in_normal_flow()
        style["float"] = "none"
        style["position"] = "absolute"
        assert not box.is_in_normal_flow()


def test_floats_and_right_to_left_blocks_go_to_upstream(monkeypatch):
    made = calls_through(
        monkeypatch, no_floats, "_avoid_collisions", lambda context, box, cb, *rest: cb
    )
    render_pdf(page())
    shortcut_off = len(made)
    with no_floats.disabled():
        render_pdf(page())
    everything = len(made) - shortcut_off
    # Upstream still places what a float is beside, or what right-to-left text holds;
    # every other line and block is placed here, the great majority.
    assert 0 < shortcut_off < everything / 2
    assert any(cb.style["direction"] == "rtl" for cb in made[:shortcut_off])


def test_painted_boxes_go_to_upstream(monkeypatch):
    made = calls_through(
        monkeypatch,
        plain_backgrounds,
        "_layout_box_backgrounds",
        lambda page, box, *rest, **kw: (page, box),
    )
    render_pdf(page())
    shortcut_off = len(made)
    assert shortcut_off
    # Upstream gets the pages and the boxes with something to paint, nothing else.
    assert all(box is page or not plain_backgrounds._plain(box.style) for page, box in made)
    painted = {box.element_tag for page, box in made if box is not page}
    assert {"td", "p", "div"} <= painted
    with plain_backgrounds.disabled():
        render_pdf(page())
    assert shortcut_off < (len(made) - shortcut_off) / 2


def test_a_floated_flex_item_stays_a_flex_item():
    """WeasyPrint tells a flex item it is never floated (its own is_floated): the
    answer kept per float and position must not override it."""
    html = (
        '<div style="display: flex"><div style="float: left">ลอยในกล่องยืดหยุ่น</div>'
        '<div>ถัดไป</div></div><p style="float: left">ลอยจริง</p><p>ข้าง</p>'
    )
    on, off = rendered_on_and_off(normal_flow, html)
    assert on == off
    assert "ลอยในกล่องยืดหยุ่น" in pdftotext(on)


def test_only_floats_go_through_upstreams_own_answer():
    """WeasyPrint 70 overrides no other of the five methods per box (a new override
    would need the same care as is_floated)."""
    import re
    from pathlib import Path

    import weasyprint

    names = "is_floated|is_absolutely_positioned|is_running|is_footnote|is_note"
    found = set()
    for path in Path(weasyprint.__file__).parent.rglob("*.py"):
        found |= set(re.findall(rf"\.({names})\s*=", path.read_text(encoding="utf-8")))
    assert found == {"is_floated"}
