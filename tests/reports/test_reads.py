"""What reports reads from roadmap and agreements, read against real rows.

reports imports their models, querysets, charts and selectors directly (design.md): a
field, queryset method or chart renamed on the other side fails here, by name, instead
of a page quietly showing less. Each reader is called with data and its answer checked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agreements.models import AgreementVersion
from reports.selectors import agreement_reads, roadmap_reads
from reports.selectors.committee import committee_context
from tests.agreements.factories import AgreementFactory, DutyFactory, VersionFactory
from tests.roadmap.factories import ActivityFactory, ProgressUpdateFactory, WinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap_rows(cast):
    owned = ActivityFactory(
        network=cast.network, title="ค่ายรักการอ่าน", percent=40, owners=[cast.partner_org]
    )
    other = ActivityFactory(network=cast.network, title="อบรมครู", percent=80)
    update = ProgressUpdateFactory(
        activity=owned, author=cast.partner, organisation=cast.partner_org, percent=40
    )
    win = WinFactory(network=cast.network, title="นักเรียนอ่านคล่องขึ้น")
    return owned, other, update, win


def test_steps_and_activities_as_report_subjects(cast, roadmap_rows):
    owned, other, _update, _win = roadmap_rows
    steps = roadmap_reads.steps(cast.network)
    assert [s.number for s in steps] == list(range(1, 9))
    assert all(s.kind == "step" and s.title and s.status for s in steps)
    every = roadmap_reads.activities(cast.network)
    assert {a.id for a in every} == {owned.pk, other.pk}
    mine = roadmap_reads.activities(cast.network, [cast.partner_org.pk])
    assert [(a.id, a.title, a.number, a.percent) for a in mine] == [
        (owned.pk, "ค่ายรักการอ่าน", 5, 40)
    ]
    assert mine[0].due_on == owned.due_on
    assert mine[0].status == str(owned.get_status_display())


def test_the_activity_table_progress_and_wins(cast, roadmap_rows):
    owned, _other, _update, win = roadmap_rows
    rows = {r["title"]: r for r in roadmap_reads.activity_rows(cast.network)}
    assert rows["ค่ายรักการอ่าน"]["owners"] == cast.partner_org.name
    assert rows["ค่ายรักการอ่าน"]["step"] == 5
    assert rows["ค่ายรักการอ่าน"]["percent"] == 40
    assert rows["ค่ายรักการอ่าน"]["due_on"] == owned.due_on
    step5 = next(p for p in roadmap_reads.roadmap_progress(cast.network) if p["number"] == 5)
    assert (step5["activities"], step5["percent"]) == (2, 60)
    assert roadmap_reads.wins(cast.network) == [win]


def test_progress_updates_of_a_period_and_of_an_activity(cast, roadmap_rows):
    owned, _other, update, _win = roadmap_rows
    today = timezone.localdate()
    found = roadmap_reads.progress_updates(
        cast.network, today - dt.timedelta(days=1), today, cast.partner_org
    )
    assert found == [update]
    assert roadmap_reads.activity_update_days(owned) == {(cast.partner_org.pk, today)}


def test_charts_come_from_the_roadmap(cast, roadmap_rows):
    for chart in (
        roadmap_reads.step_chart,
        lambda network: roadmap_reads.timeline_charts(network, max_height=880)[0],
        roadmap_reads.heatmap_chart,
        roadmap_reads.health_chart,
    ):
        assert chart(cast.network).startswith("<svg"), chart.__name__
    summary = roadmap_reads.roadmap_summary(cast.network, today=dt.date(2026, 12, 15))
    assert summary["step_chart"].startswith("<svg")
    assert {a.title for a in summary["activities_soon"]} == {"ค่ายรักการอ่าน", "อบรมครู"}


def test_the_committee_pdf_reads_everything_it_shows(cast, roadmap_rows, reporting):
    _schedule, period, _reports = reporting
    context = committee_context(network=cast.network, period=period)
    assert {a["title"] for a in context["activities"]} == {"ค่ายรักการอ่าน", "อบรมครู"}
    assert [w.title for w in context["wins"]] == ["นักเรียนอ่านคล่องขึ้น"]
    assert len(context["obstacles"]) == 14  # the register every network starts with
    for name in ("step_chart", "heatmap_chart", "health_chart"):
        assert context[name].startswith("<svg"), name
    assert [svg[:4] for svg in context["timeline_charts"]] == ["<svg"]


def test_the_signed_agreement_its_words_start_and_duties(cast):
    assert agreement_reads.agreement_texts(cast.network) == ("", "")
    assert agreement_reads.agreement_start(cast.network) is None
    version = VersionFactory(
        agreement=AgreementFactory(network=cast.network),
        monitoring="ติดตามผลทุกภาคเรียน",
        reporting="รายงานทุกสามเดือน",
        effective_from=dt.date(2026, 6, 1),
    )
    duty = DutyFactory(version=version, organisation=cast.partner_org, text="จัด  ค่าย\nการอ่าน")
    AgreementVersion.objects.filter(pk=version.pk).update(status="signed", signed_at=timezone.now())
    assert agreement_reads.agreement_texts(cast.network) == ("รายงานทุกสามเดือน", "ติดตามผลทุกภาคเรียน")
    assert agreement_reads.agreement_start(cast.network) == dt.date(2026, 6, 1)
    assert agreement_reads.duty_key(duty) == (cast.partner_org.pk, "จัด ค่าย การอ่าน")
    signed, unplanned = agreement_reads.duties_unplanned(network=cast.network)
    assert signed.pk == version.pk
    assert unplanned == [duty]
    assert agreement_reads.duty_get(network=cast.network, duty_id=duty.pk) == duty
    assert agreement_reads.duties_unplanned_counts([cast.network.pk]) == [(cast.network, 1)]
    initial = agreement_reads.duty_activity_initial(network=cast.network, duty=duty)
    assert initial["step"].number == agreement_reads.DUTY_STEP
    assert initial["owners"] == [cast.partner_org.pk]
