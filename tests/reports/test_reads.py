"""What reports reads from roadmap and agreements, read against real rows.

reports imports their models, querysets, charts and selectors directly (design.md): a
field, queryset method or chart renamed on the other side fails here, by name, instead
of a page quietly showing less. Each reader is called with data and its answer checked.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from agreements.models import AgreementVersion
from reports.selectors import agreement_reads, committee, roadmap_reads, trend
from reports.selectors.committee import committee_context
from reports.selectors.obstacles import obstacle_rows
from roadmap.models import Activity, ObstacleEntry
from tests.agreements.factories import AgreementFactory, DutyFactory, VersionFactory
from tests.factories import OrganisationFactory
from tests.roadmap.factories import ActivityFactory, ProgressUpdateFactory, WinFactory, step_of

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


@pytest.fixture
def varied_plan(cast, roadmap_rows):
    """Activities each part of the committee PDF could read differently: several owners
    (Thai and English names sort apart), none, no dates, a start only, a due date only,
    done, late and blocked ones, steps with none; and scored and unscored obstacles."""
    owned, *_rest = roadmap_rows
    alpha = OrganisationFactory(name_th="ฮ องค์กรท้าย", name_en="Alpha")
    zeta = OrganisationFactory(name_th="ก องค์กรต้น", name_en="Zeta")
    owned.owners.add(alpha, zeta)
    step2 = step_of(cast.network, 2)
    for title, start_on, due_on, status, percent in [
        ("ไม่มีวันที่", None, None, Activity.Status.NOT_STARTED, 0),
        ("เริ่มอย่างเดียว", dt.date(2026, 3, 1), None, Activity.Status.IN_PROGRESS, 35),
        ("ครบกำหนดอย่างเดียว", None, dt.date(2025, 1, 1), Activity.Status.DONE, 100),
        ("ติดขัด", dt.date(2025, 3, 1), dt.date(2025, 4, 1), Activity.Status.BLOCKED, 2),
    ]:
        ActivityFactory(
            network=cast.network,
            step=step2,
            title=title,
            start_on=start_on,
            due_on=due_on,
            status=status,
            percent=percent,
            owners=[zeta],
        )
    for i, entry in enumerate(ObstacleEntry.objects.filter(network=cast.network)[:6]):
        entry.likelihood, entry.impact = 1 + i % 5, 1 + (i * 2) % 5
        entry.save()
    return cast.network


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_committee_plan_read_once_gives_what_each_part_reads(varied_plan, language):
    """plan_rows feeds the committee PDF's roadmap parts and the trend: each must come
    out as the part's own read of the network would give it."""
    network = varied_plan
    with translation.override(language):
        plan = roadmap_reads.plan_rows(network)
        assert roadmap_reads.roadmap_progress(
            network, step_list=plan.steps, activity_list=plan.activities
        ) == roadmap_reads.roadmap_progress(network)
        passed = roadmap_reads.activity_rows(
            network, activity_list=plan.activities, owners=plan.owners
        )
        assert passed == roadmap_reads.activity_rows(network)
        assert plan.steps == roadmap_reads.steps(network)
        assert plan.activities == roadmap_reads.activities(network)
        assert roadmap_reads.step_chart(network, rows=plan.step_rows) == roadmap_reads.step_chart(
            network
        )
        for height in (880, 100):  # one chart, and one per activity
            assert roadmap_reads.timeline_charts(
                network, max_height=height, activities=plan.dated
            ) == roadmap_reads.timeline_charts(network, max_height=height)
        obstacles = obstacle_rows(network=network, today=timezone.localdate())
        scores = [(o.likelihood, o.impact) for o in obstacles]
        assert roadmap_reads.heatmap_chart(network, scores=scores) == roadmap_reads.heatmap_chart(
            network
        )
    # The owners in the prefetch's order (Thai names), whatever the language shows.
    owners = next(r["owners"] for r in passed if r["title"] == "ค่ายรักการอ่าน")
    assert owners.startswith("Zeta, " if language == "en" else "ก องค์กรต้น, ")


def test_the_trend_from_passed_creation_times_is_the_trend_read(varied_plan, reporting):
    """The committee passes every activity's creation time; the trend's own read takes
    only those made before the last period's end. The later ones must count nowhere."""
    network = varied_plan
    _schedule, period, _reports = reporting
    made_before = Activity.objects.for_network(network).filter(step__number=2)
    made_before.update(created_at=timezone.make_aware(dt.datetime(2026, 8, 1)))
    created = roadmap_reads.plan_rows(network).created
    upto = period.ends_on
    rows = trend.trend_rows(network=network, upto=upto, today=upto, activities_created=created)
    assert rows == trend.trend_rows(network=network, upto=upto, today=upto)
    assert rows[0].activities == made_before.count() < len(created)


def test_the_activity_table_wants_owners_with_its_activities(cast):
    activities = roadmap_reads.activities(cast.network)
    with pytest.raises(TypeError):
        roadmap_reads.activity_rows(cast.network, activity_list=activities)


def test_the_committee_context_shows_what_each_part_reads_by_itself(varied_plan, reporting):
    """The committee PDF hands each part what it read once; what the parts draw from it
    is what each would draw from its own read."""
    network = varied_plan
    _schedule, period, _reports = reporting
    with translation.override("th"):
        context = committee_context(network=network, period=period)
        height = committee._PAGE_HEIGHT_PX
        assert context["progress"] == roadmap_reads.roadmap_progress(network)
        assert context["activities"] == roadmap_reads.activity_rows(network)
        assert context["step_chart"] == committee.fit(roadmap_reads.step_chart(network))
        assert context["timeline_charts"] == [
            committee.fit(svg) for svg in roadmap_reads.timeline_charts(network, max_height=height)
        ]
        assert context["heatmap_chart"] == committee.fit(roadmap_reads.heatmap_chart(network))
        assert context["trend"] == trend.trend_rows(network=network, upto=period.starts_on)
