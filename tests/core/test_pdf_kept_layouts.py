"""core.pdf.kept_layouts: a line's Pango layout is kept from layout to drawing; the
PDF is the same, byte for byte."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import weasyprint
import weasyprint.text.line_break as wp_line_break
from django.utils import timezone

from core.pdf import kept_layouts, render_pdf
from reports import services
from tests.reports.conftest import reporting  # noqa: F401 - a fixture

from .pdf_helpers import calls_through, counted_outside_and_inside, pdftotext, signing_dir  # noqa: F401

THAI = "คณะกรรมการเครือข่ายร่วมกันวางแผนการดำเนินงานและติดตามความก้าวหน้าทุกเดือน "
LATIN = "The network's committee meets every month to follow the progress of the plan. "
ROWS = "".join(f"<tr><td>{n}</td><td>{THAI}</td><td>{LATIN}</td></tr>" for n in range(40))
# Everything that could make a kept layout differ from the one upstream builds to
# draw: wrapped and unwrapped lines, Thai and Latin, a table running over pages with
# its header repeated (drawn again on each page), justified lines (rebuilt with their
# spacing), newlines kept (pre-line: not one paragraph), an ellipsis (changed while
# drawn), letter spacing, underlines, an SVG label; and narrow cells whose newlines
# come after a first piece laid out without them (split_first_line tries a short
# piece first) and whose long word breaks anywhere.
HTML = f"""
<style>
  p.j {{ text-align: justify; width: 9cm; }}
  p.pre {{ white-space: pre-line; }}
  p.cut {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 4cm; }}
  .spaced {{ letter-spacing: 0.1em; }}
  .narrow td {{ width: 3em; }}
  .narrow td.pre {{ white-space: pre-line; }}
  .narrow td.wrap {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
  table {{ border-collapse: collapse; }}
  td, th {{ border: 0.5pt solid #555; padding: 2pt; }}
</style>
<h1>รายงาน <u>คณะกรรมการ</u> Committee report</h1>
<p class=j>{LATIN * 4}</p>
<p class=j>{THAI * 4}</p>
<p class=pre>บรรทัดแรก
Second line
บรรทัดที่สาม</p>
<p class=cut>{LATIN}</p>
<table class=narrow><tr><td class=pre>a b
c ลงนาม
Signed</td><td class=wrap>Committee{"x" * 40}
ความก้าวหน้า</td></tr></table>
<p class=spaced>ลงนาม Signed</p>
<svg width="200" height="40"><text x="5" y="20" font-size="12">ความก้าวหน้า 76%</text></svg>
<table><thead><tr><th>#</th><th>กิจกรรม</th><th>Activity</th></tr></thead>
<tbody>{ROWS}</tbody></table>
"""


@pytest.fixture
def still(monkeypatch):
    """The clock stopped: the PDFs print when they were made, to the minute."""
    stopped = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: stopped)


@pytest.fixture
def rebuilt(monkeypatch):
    """The layouts built again for drawing: (justification spacing) of each."""
    return calls_through(
        monkeypatch,
        kept_layouts,
        "_original_reactivate",
        lambda layout, style: layout.justification_spacing,
    )


def test_the_pdf_is_the_same_byte_for_byte():
    with kept_layouts.disabled():
        upstream = render_pdf(HTML)
    pdf = render_pdf(HTML)
    assert pdf == upstream
    assert "บรรทัดที่สาม" in pdftotext(pdf)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_committee_report_is_the_same_byte_for_byte(cast, reporting, language, still):  # noqa: F811
    _schedule, period, _reports = reporting

    def committee() -> bytes:
        return services.committee_pdf(network=cast.network, period=period, language=language)

    with kept_layouts.disabled():
        upstream = committee()
    assert committee() == upstream


@pytest.mark.django_db
@pytest.mark.usefixtures("signing_dir")
@pytest.mark.parametrize("language", ["th", "en"])
def test_the_agreement_and_my_data_are_the_same_byte_for_byte(cast, language, still):
    from agreements import services as agreement_services
    from privacy.pdf import my_data_pdf
    from tests.reports.test_closeout import _signed

    version = _signed(cast)

    def both() -> tuple[bytes, bytes]:
        return (
            agreement_services.version_pdf_render_one(version=version, language=language),
            my_data_pdf(user=cast.coordinator, language=language),
        )

    with kept_layouts.disabled():
        upstream = both()
    assert both() == upstream


def test_lines_are_drawn_without_being_built_again(rebuilt):
    with kept_layouts.disabled():
        render_pdf(HTML)
    upstream = len(rebuilt)
    rebuilt.clear()
    render_pdf(HTML)
    # Only the justified lines are built again, with their word spacing, and the
    # ellipsised line (no spacing): its drawing changes the layout. That line is built
    # twice: as the box's own layout (core.pdf.shared_lines: the line may be shared),
    # then inside kept_layouts.rebuilt().
    assert upstream > 100
    assert 0 < len(rebuilt) < upstream / 10
    assert rebuilt.count(0) == 2


def test_the_ellipsised_line_is_drawn_on_a_layout_built_afresh(monkeypatch):
    drawn = []
    original = kept_layouts.rebuilt

    def recording(textbox):
        drawn.append(textbox.text)
        return original(textbox)

    monkeypatch.setattr(kept_layouts, "rebuilt", recording)
    render_pdf(HTML)
    assert [text.strip() for text in drawn] == [LATIN.strip()]


def test_acts_only_inside_render_pdf(rebuilt):
    outside, inside = counted_outside_and_inside(rebuilt, kept_layouts, HTML)
    assert inside < outside / 10


def test_a_rebuilt_layout_is_upstreams_and_let_go_after(rebuilt):
    style = weasyprint.HTML(string="<p>ก</p>").render().pages[0]._page_box.style
    layout = wp_line_break.Layout(style)
    textbox = SimpleNamespace(pango_layout=layout, style=style)
    with kept_layouts.applied():
        layout.set_text("ลงนาม")
        kept = layout.layout
        layout.deactivate()
        layout.reactivate(style)
        assert layout.layout is kept
        assert rebuilt == []
        with kept_layouts.rebuilt(textbox):
            assert layout.layout is not kept
            assert rebuilt == [0]
        layout.deactivate()
        assert "layout" not in vars(layout)
        layout.reactivate(style)
        assert rebuilt == [0, 0]
        # A drawing that fails lets its layout go all the same.
        with pytest.raises(RuntimeError), kept_layouts.rebuilt(textbox):
            raise RuntimeError("the drawing failed")
        layout.deactivate()
        assert "layout" not in vars(layout)
    assert rebuilt == [0, 0, 0]
    assert layout.text == "ลงนาม"
    # Outside render_pdf (or disabled), draw_text's own reactivate built it: no second.
    with kept_layouts.rebuilt(textbox):
        pass
    assert rebuilt == [0, 0, 0]
