"""Small wrong things (issue 14 item 8): a win dated ahead, unscored obstacles."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from roadmap import services
from roadmap.models import ObstacleEntry, Win

pytestmark = pytest.mark.django_db


def _win_post(cast, day: dt.date, *, language: str = "th"):
    client = cast.client("partner")
    client.cookies["khruakhai_language"] = language
    return client.post(
        f"/networks/{cast.network.slug}/roadmap/wins/new/",
        {"title": "นักเรียนอ่านคล่องขึ้น", "happened_on": f"{day.day}/{day.month}/{day.year + 543}"},
    )


def test_a_win_dated_after_today_is_refused_in_thai_and_english(cast):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _win_post(cast, tomorrow)
    assert response.status_code == 422
    assert "วันที่ต้องไม่เลยวันนี้" in response.content.decode()
    response = _win_post(cast, tomorrow, language="en")
    assert "the date cannot be after today" in response.content.decode()
    assert not Win.objects.exists()


def test_a_win_dated_today_in_bangkok_is_recorded(cast):
    assert _win_post(cast, timezone.localdate()).status_code == 302
    assert Win.objects.get().happened_on == timezone.localdate()


def test_the_service_refuses_a_future_win_too(cast):
    with pytest.raises(services.WinInFuture):
        services.win_record(
            network=cast.network,
            title="x",
            description="",
            happened_on=timezone.localdate() + dt.timedelta(days=1),
            organisations=[],
            people=[],
            recorded_by=cast.partner,
        )
    assert not Win.objects.exists()


# --- obstacles: not yet scored is a state of its own --------------------------------------
def _obstacles_url(cast, tail: str = "") -> str:
    return f"/networks/{cast.network.slug}/roadmap/obstacles/{tail}"


def _score(entry, likelihood, impact, **extra) -> ObstacleEntry:
    return services.obstacle_update(
        entry=entry,
        likelihood=likelihood,
        impact=impact,
        mitigation=extra.get("mitigation", ""),
        owner=None,
        review_on=None,
    )


def test_a_new_register_is_not_yet_scored_and_the_page_says_so(cast):
    entries = list(cast.network.obstacles.all())
    assert len(entries) == 14
    assert all(e.likelihood is None and e.impact is None and not e.scored for e in entries)
    assert all(e.score is None for e in entries)
    page = cast.client("partner").get(_obstacles_url(cast)).content.decode()
    assert page.count("ยังไม่ได้ประเมิน") >= 14
    client = cast.client("partner")
    client.cookies["khruakhai_language"] = "en"
    assert "not yet scored" in client.get(_obstacles_url(cast)).content.decode()


def test_scored_rows_come_first_on_the_page(cast):
    entry = cast.network.obstacles.order_by("-id").first()
    _score(entry, 4, 5)
    page = cast.client("partner").get(_obstacles_url(cast)).content.decode()
    listing = page[page.index('<ul class="list-group">') :]
    assert listing.index(str(entry.title)) < listing.index("ยังไม่ได้ประเมิน")
    assert ">20<" in page


def test_the_heat_map_counts_no_unscored_row_and_says_how_many(cast):
    from roadmap import charts

    _score(cast.network.obstacles.get(code="obstacle_hard"), 3, 3)
    svg = charts.obstacle_heatmap_svg(network=cast.network)
    assert ">1<" in svg  # the one scored row, at 3 × 3
    assert ">14<" not in svg
    assert ">13<" not in svg
    # The note under the map says how many are not scored (no cell holds 13).
    texts = "".join(ET.fromstring(svg).itertext())  # noqa: S314 — our own output
    assert re.search(r"\D13\D", texts)
    with translation.override("en"):
        svg = charts.obstacle_heatmap_svg(network=cast.network)
    assert "13 entries not yet scored" in svg


def test_the_edit_form_keeps_a_row_unscored_or_scores_both_halves(cast):
    entry = cast.network.obstacles.get(code="obstacle_hard")
    client = cast.client("coordinator")
    url = _obstacles_url(cast, f"{entry.pk}/edit/")
    page = client.get(url).content.decode()
    assert '<option value="" selected>' in page  # not a silent 1
    response = client.post(url, {"likelihood": "", "impact": "", "mitigation": "ประชุมทุกเดือน"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.mitigation == "ประชุมทุกเดือน"
    assert not entry.scored
    response = client.post(url, {"likelihood": "4", "impact": "", "mitigation": "x"})
    assert response.status_code == 422
    assert "ทั้งโอกาสเกิดและผลกระทบ" in response.content.decode()
    entry.refresh_from_db()
    assert entry.mitigation == "ประชุมทุกเดือน"
    assert not entry.scored
    assert client.post(url, {"likelihood": "4", "impact": "2"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.likelihood, entry.impact, entry.score) == (4, 2, 8)


def test_half_a_score_is_refused_by_the_service_and_the_database(cast):
    entry = cast.network.obstacles.get(code="obstacle_hard")
    with pytest.raises(services.ObstacleHalfScored):
        _score(entry, 4, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ObstacleEntry.objects.filter(pk=entry.pk).update(likelihood=4)


def test_committee_rows_and_trend_skip_unscored_rows(cast):
    from reports.selectors.obstacles import obstacle_rows, obstacle_scores_at

    hard = cast.network.obstacles.get(code="obstacle_hard")
    _score(hard, 5, 4)
    # Saved, but only its mitigation: still not scored, so in no average.
    _score(cast.network.obstacles.get(code="obstacle_credit"), None, None, mitigation="x")
    rows = obstacle_rows(network=cast.network, today=timezone.localdate())
    assert [r.score for r in rows if r.scored] == [20]
    unscored = [r for r in rows if not r.scored]
    assert len(unscored) == 13
    assert all(r.score is None and r.level == "" for r in unscored)
    [now] = obstacle_scores_at(network=cast.network, moments=[timezone.now()])
    assert (now.scored, now.average, now.high) == (1, 20.0, 1)


def test_the_migration_empties_only_placeholders_nobody_changed(cast):
    from django.apps import apps

    migration = importlib.import_module("roadmap.migrations.0004_obstacle_unscored")
    hard, credit = cast.network.obstacles.order_by("id")[:2]
    _score(hard, 4, 5)  # changed after creation: a "~" record
    # As the register stood before: placeholders written without history by roadmap_create.
    ObstacleEntry.objects.exclude(pk=hard.pk).update(likelihood=3, impact=3)
    # A row created through save() has a "+" record with the placeholder too.
    code, kind = credit.code, credit.kind
    ObstacleEntry.objects.filter(pk=credit.pk).delete()
    credit = ObstacleEntry.objects.create(
        network=cast.network, code=code, kind=kind, likelihood=3, impact=3
    )
    assert ObstacleEntry.history.filter(id=credit.pk).get().history_type == "+"

    migration._placeholders_unscored(apps, None)

    hard.refresh_from_db()
    assert (hard.likelihood, hard.impact) == (4, 5)
    assert cast.network.obstacles.filter(likelihood__isnull=True).count() == 13
    assert ObstacleEntry.objects.filter(network=cast.other_network, likelihood=3).count() == 0
    assert ObstacleEntry.history.get(id=credit.pk).likelihood is None
    assert ObstacleEntry.history.filter(id=hard.pk, history_type="~").get().likelihood == 4


def test_the_trend_average_skips_rows_saved_without_a_score(cast):
    from reports.selectors import trend
    from tests.reports.factories import PeriodFactory

    today = timezone.localdate()
    period = PeriodFactory(
        network=cast.network,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        due_on=today + dt.timedelta(days=20),
    )
    _score(cast.network.obstacles.get(code="obstacle_hard"), 5, 4)
    _score(cast.network.obstacles.get(code="obstacle_credit"), None, None, mitigation="x")
    [row] = trend.trend_rows(network=cast.network, today=today, count=1)
    assert row.period == period
    assert (row.obstacles_scored, row.obstacle_average, row.obstacles_high) == (1, 20.0, 1)
