"""Issue 13 item 7: the committee PDF a chair can table.

The obstacles as a table (name in the report's language, likelihood × impact, owner
organisation, mitigation, status; an unscored row says so instead of 3 × 3), rows
never split across pages and headers repeated on each page a table runs onto, and
the trend over the last periods (table and chart). Read back from the rendered PDF
with pdftotext, page by page, in Thai and in English.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from reports import services
from roadmap import services as roadmap_services
from roadmap.models import ObstacleEntry
from tests.core.pdf_helpers import TEXT_RIGHT_MM, rightmost_ink_mm
from tests.core.test_pdf_charts import needs_poppler, pdf_words, squash, svg_lines
from tests.reports.test_committee_pdf_images import _locate
from tests.roadmap.factories import ActivityFactory, step_of

pytestmark = [pytest.mark.django_db, needs_poppler]

# Long enough that a row takes several lines, so that rows must fall across pages.
THAI = (
    "ประชุมคณะทำงานร่วมกับผู้บริหารสถานศึกษาและองค์กรปกครองส่วนท้องถิ่นทุกเดือน "
    "เพื่อติดตามความก้าวหน้าและแก้ไขปัญหาที่เกิดขึ้นในการดำเนินงานของเครือข่าย "
)
ENGLISH = (
    "Meet the school heads and the local administration every month to follow progress "
    "and to solve the problems met in the network's work. "
)
ACTIVITIES = 45


def _register(cast, words: str) -> list[ObstacleEntry]:
    """Score every register row but the last (never 3 × 3), owned by the coordinator,
    each mitigation between the markers Knna and Knnz."""
    owner = cast.coordinator.person
    entries = list(cast.network.obstacles.order_by("id"))
    for n, entry in enumerate(entries[:-1]):
        roadmap_services.obstacle_update(
            entry=entry,
            likelihood=1 + n % 5,
            impact=1 + (n + 1) % 5,
            mitigation=f"K{n:02d}a {words * 3}K{n:02d}z",
            owner=owner,
            review_on=dt.date(2026, 1, 31) if n == 0 else dt.date(2027, 6, 30),
        )
    return entries


def _activities(cast, words: str) -> None:
    for n in range(ACTIVITIES):
        ActivityFactory(
            network=cast.network,
            step=step_of(cast.network, 1 + n % 8),
            title=f"A{n:02d}a {words[:150]}A{n:02d}z",
        )


def _page_of(pages, marker: str) -> int:
    """The page of the table row holding ``marker`` (a chart may show it earlier: the
    timeline names activities, cut short, so only its last occurrence is the row's)."""
    found = [i for i, words in enumerate(pages) for w in words if marker in w.text]
    assert found, marker
    return found[-1]


def _page_text(words) -> str:
    return squash("".join(w.text for w in words))


def _header_row(words, keys: list[str]):
    """The words starting each header cell of a table headed ``keys`` (squashed), all
    on one line; None when that table's header is not on the page."""

    def starts(key: str, y: float | None = None):
        return [
            w
            for w in words
            if squash(w.text)
            and key.startswith(squash(w.text))
            and (y is None or abs(w.y0 - y) < 2)
        ]

    for first in starts(keys[0]):
        row = [starts(key, first.y0) for key in keys]
        if all(row):
            return row
    return None


def _columns(pages, headers: list[str]) -> list[str]:
    """The text of each column of the table headed ``headers``, page after page.

    pdftotext reads a table row line by line across its cells, so a cell's wrapped
    text comes interleaved with its neighbours'; here each word is given to the
    column whose header starts left of it, and a column's words are read top down.
    """
    keys = [squash(h) for h in headers]
    columns = [""] * len(headers)
    for words in pages:
        row = _header_row(words, keys)
        if row is None:
            continue  # the table is not on this page
        top = row[0][0].y0
        left = [min(w.x0 for w in found) for found in row]
        below = sorted((w for w in words if w.y0 > top + 2), key=lambda w: (w.y0, w.x0))
        for i, x in enumerate(left):
            right = left[i + 1] if i + 1 < len(left) else float("inf")
            columns[i] += "".join(w.text for w in below if x - 1 <= w.x0 < right - 1)
    return [squash(c) for c in columns]


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_committee_pdf_tables_obstacles_unsplit_with_the_trend(cast, reporting, language):
    words = THAI if language == "th" else ENGLISH
    entries = _register(cast, words)
    _activities(cast, words)
    _schedule, period, _reports = reporting
    pdf = services.committee_pdf(network=cast.network, period=period, language=language)
    pages = pdf_words(pdf)
    text = "".join(_page_text(p) for p in pages)
    with translation.override(language):
        context = services.committee_context(network=cast.network, period=period)
        gettext = translation.gettext
        headers = [
            gettext(h)
            for h in (
                "Obstacle",
                "Likelihood × impact",
                "Owner organisation",
                "Mitigation",
                "Status",
            )
        ]
        not_scored = gettext("not yet scored")
        high = gettext("High")
        overdue = gettext("%(level)s; review overdue") % {"level": gettext("Low")}
        owner_org = cast.coordinator.person.organisation.name
        titles = [str(e.title) for e in entries]
        period_name = period.label
        trend_heading = gettext("Over the last periods")
    # Names in the report's language; the owner's organisation; scores; statuses.
    name, scores, owners, _mitigation, statuses = _columns(pages, headers)
    for title in titles:
        assert squash(title) in name, title
    assert squash(owner_org) in owners
    assert squash("4 × 5 = 20") in scores
    assert squash(high) in statuses
    assert squash(overdue) in statuses  # row 0: 1 × 2, its review date long past
    # The unscored row says so; no row shows the placeholder 3 × 3.
    assert squash(not_scored) in scores
    assert squash("3 × 3") not in scores
    unscored = next(row for row in context["obstacles"] if not row.scored)
    assert unscored.title == titles[-1]
    assert unscored.status
    # Rows never split: each row's first and last words are on the same page …
    obstacle_pages = set()
    for n in range(len(entries) - 1):
        first, last = _page_of(pages, f"K{n:02d}a"), _page_of(pages, f"K{n:02d}z")
        assert first == last, f"obstacle row {n} split over pages {first + 1} and {last + 1}"
        obstacle_pages.add(first)
    activity_pages = set()
    for n in range(ACTIVITIES):
        first, last = _page_of(pages, f"A{n:02d}a"), _page_of(pages, f"A{n:02d}z")
        assert first == last, f"activity row {n} split over pages {first + 1} and {last + 1}"
        activity_pages.add(first)
    # … although both tables do run over more than one page …
    assert len(obstacle_pages) > 1
    assert len(activity_pages) > 1
    # … and their headers repeat on every page they run onto.
    with translation.override(language):
        activity_headers = [
            translation.gettext(h) for h in ("Step", "Activity", "Owners", "Due on", "Status")
        ]
    for number in obstacle_pages:
        assert _header_row(pages[number], [squash(h) for h in headers]), number + 1
    for number in activity_pages:
        assert _header_row(pages[number], [squash(h) for h in activity_headers]), number + 1
    # The trend: its heading, the period's own name, and the chart's every label where
    # the SVG puts it (the same check as the other charts of the committee PDF).
    assert squash(trend_heading) in text
    assert squash(period_name) in text
    svg = context["trend_chart"]
    assert svg.startswith("<svg")
    _number, _area, placement = _locate(svg, pages)
    assert not placement.problems, placement.problems
    assert {line.label for line in svg_lines(svg)} == set(placement.found)


def test_the_register_is_ordered_by_score_and_scored_only_once_saved(cast):
    entries = list(cast.network.obstacles.order_by("id"))
    roadmap_services.obstacle_update(
        entry=entries[5], likelihood=5, impact=4, mitigation="", owner=None, review_on=None
    )
    roadmap_services.obstacle_update(
        entry=entries[2], likelihood=3, impact=3, mitigation="", owner=None, review_on=None
    )
    from reports.selectors.obstacles import obstacle_rows

    with translation.override("en"):
        rows = obstacle_rows(network=cast.network, today=dt.date(2026, 11, 1))
    assert [r.score for r in rows[:2]] == [20, 9]
    assert [r.scored for r in rows] == [True, True] + [False] * (len(entries) - 2)
    # A 3 × 3 a person chose is a score; the placeholder 3 × 3 is not.
    assert rows[1].status == "Medium"
    assert rows[2].status == "Not yet scored"
    assert rows[0].status == "High"
    assert rows[0].level == "high"


def test_the_pdf_css_keeps_rows_whole_and_repeats_headers():
    css = (Path(settings.BASE_DIR) / "templates/reports/committee_pdf.html").read_text()
    assert "tr { break-inside: avoid;" in css
    assert "thead { display: table-header-group; }" in css


def test_a_long_latin_word_wraps_inside_its_fixed_column(cast, reporting):
    """The long tables have fixed column widths: a URL or a Latin word wider than its
    column breaks inside it rather than run over the owners' column."""
    token = "NetworkMeetingMinutesTermOne" * 4  # no space, hyphen or slash to break at
    ActivityFactory(network=cast.network, step=step_of(cast.network, 1), title=token)
    _schedule, period, _reports = reporting
    pdf = services.committee_pdf(network=cast.network, period=period, language="en")
    pages = pdf_words(pdf)
    with translation.override("en"):
        headers = [translation.gettext(h) for h in ("Activity", "Owners")]
    for words in pages:
        row = _header_row(words, [squash(h) for h in headers])
        if row is None:
            continue
        owners_left = min(w.x0 for w in row[1])
        top = row[0][0].y0
        pieces = [w for w in words if w.y0 > top and len(w.text) >= 3 and w.text in token]
        if pieces:
            assert len(pieces) > 1  # broken over several lines
            assert all(w.x1 <= owners_left for w in pieces), [
                (w.text, w.x1, owners_left) for w in pieces
            ]
            assert squash("".join(w.text for w in pieces)) == token
            return
    raise AssertionError("the activity's title is not in the table")


# The widest word an owner's name can hold: องค์การบริหารส่วนตำบล (a subdistrict
# administrative organisation) is one dictionary word, kept whole, 3.9 cm at 11pt.
SUBDISTRICT = "องค์การบริหารส่วนตำบลหนองสองห้อง"


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_long_tables_end_at_the_right_margin(cast, reporting, language, tmp_path):
    """The fixed column widths count each cell's padding and border: the activities,
    reports and obstacles tables end at the text column's right edge, never past it
    (their last column once ran 2 cm off the text column, to the paper's edge)."""
    words = THAI if language == "th" else ENGLISH
    _register(cast, words)
    _activities(cast, words)
    _schedule, period, _reports = reporting
    pdf = services.committee_pdf(network=cast.network, period=period, language=language)
    edges = rightmost_ink_mm(pdf, tmp_path)
    assert len(edges) > 4
    # At most the pixel that holds the column's edge (0.64 mm at 40 dpi).
    assert max(edges) <= TEXT_RIGHT_MM + 0.7, [round(e, 1) for e in edges]
    # The tables do reach the right margin: above the bottom margin (the page number
    # sits there), some page's ink ends within a pixel or two of the column's edge.
    above_footer = rightmost_ink_mm(pdf, tmp_path / "body", bottom_mm=25)
    assert max(above_footer) >= TEXT_RIGHT_MM - 1.3, [round(e, 1) for e in above_footer]


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("table", ["activities", "obstacles"])
def test_the_widest_owner_name_stays_in_its_column(cast, reporting, language, table):
    """A word kept whole cannot break: the owners' columns are wider than the widest
    one an organisation's name holds, so it does not run into the next column."""
    from tests.factories import OrganisationFactory, PersonFactory

    owner = OrganisationFactory(name_th=SUBDISTRICT, name_en=SUBDISTRICT)
    if table == "activities":
        ActivityFactory(
            network=cast.network, step=step_of(cast.network, 1), title="ก", owners=[owner]
        )
        keys = ("Owners", "Due on")
    else:
        roadmap_services.obstacle_update(
            entry=cast.network.obstacles.order_by("id").first(),
            likelihood=5,
            impact=5,
            mitigation="ก",
            owner=PersonFactory(organisation=owner),
            review_on=None,
        )
        keys = ("Owner organisation", "Mitigation")
    _schedule, period, _reports = reporting
    pdf = services.committee_pdf(network=cast.network, period=period, language=language)
    with translation.override(language):
        headers = [translation.gettext(h) for h in keys]
    for words in pdf_words(pdf):
        row = _header_row(words, [squash(h) for h in headers])
        if row is None:
            continue
        owners_left, next_left = min(w.x0 for w in row[0]), min(w.x0 for w in row[1])
        name = [w for w in words if w.y0 > row[0][0].y0 and "ตำบล" in w.text]
        assert name, f"the owner's name is not in the {table} table"
        assert all(owners_left <= w.x0 and w.x1 < next_left for w in name), [
            (w.text, w.x0, w.x1, owners_left, next_left) for w in name
        ]
        return
    raise AssertionError(f"the {table} table is not in the report")
