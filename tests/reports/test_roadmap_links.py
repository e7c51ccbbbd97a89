"""Reports read the roadmap: a narrative per step and per owned activity, the period's
progress updates attached, and the activity table in exports and the committee PDF."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import ReportNarrative
from roadmap.models import ProgressUpdate
from tests.roadmap.factories import ActivityFactory, ProgressUpdateFactory


def test_narratives_per_step_and_owned_activity_are_saved(cast, reporting):
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    mine = ActivityFactory(network=cast.network, owners=[cast.partner_org], title="ค่ายรักการอ่าน")
    theirs = ActivityFactory(network=cast.network, owners=[cast.network.lead_organisation])
    url = f"/networks/{cast.network.slug}/reports/{report.pk}/"
    client = cast.client("partner")
    page = client.get(url).content.decode()
    assert "ค่ายรักการอ่าน" in page
    assert theirs.title not in page
    step1 = cast.network.steps.get(number=1)
    response = client.post(
        url,
        {
            f"n_step_{step1.pk}": "ประชุมครบทุกภาคี",
            f"n_activity_{mine.pk}": "จัดค่ายแล้ว 2 ครั้ง",
            f"n_activity_{theirs.pk}": "ไม่ควรถูกบันทึก",
            "action": "draft",
        },
    )
    assert response.status_code == 302
    saved = {(n.subject_kind, n.subject_id): n.text for n in ReportNarrative.objects.all()}
    assert saved[("step", step1.pk)] == "ประชุมครบทุกภาคี"
    assert saved[("activity", mine.pk)] == "จัดค่ายแล้ว 2 ครั้ง"
    assert ("activity", theirs.pk) not in saved  # not theirs to report on


def test_the_periods_progress_updates_are_attached(cast, reporting):
    _s, period, reports = reporting
    report = reports[cast.partner_org.pk]
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    inside = ProgressUpdateFactory(
        activity=activity, organisation=cast.partner_org, author=cast.partner, narrative="ในรอบ"
    )
    outside = ProgressUpdateFactory(
        activity=activity, organisation=cast.partner_org, author=cast.partner, narrative="นอกรอบ"
    )
    when = timezone.make_aware(dt.datetime.combine(period.starts_on, dt.time(10)))
    ProgressUpdate.objects.filter(pk=inside.pk).update(created_at=when + dt.timedelta(days=5))
    ProgressUpdate.objects.filter(pk=outside.pk).update(created_at=when - dt.timedelta(days=5))
    page = cast.client("partner").get(f"/networks/{cast.network.slug}/reports/{report.pk}/")
    body = page.content.decode()
    assert "ในรอบ" in body
    assert "นอกรอบ" not in body


def test_activity_export_lists_the_roadmap(cast, reporting):
    ActivityFactory(network=cast.network, owners=[cast.partner_org], title="อบรมครู")
    response = cast.client("chair").get(
        f"/networks/{cast.network.slug}/reports/export/activities.csv"
    )
    text = response.content.decode("utf-8-sig")
    assert "อบรมครู" in text
    assert cast.partner_org.name_th in text


def test_saving_again_updates_each_narrative_in_place(cast, reporting):
    """A second save (a draft, then the submission) rewrites each subject's one row,
    with the title the subject has now, and adds none."""
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    mine = ActivityFactory(network=cast.network, owners=[cast.partner_org], title="ค่ายรักการอ่าน")
    step1 = cast.network.steps.get(number=1)
    url = f"/networks/{cast.network.slug}/reports/{report.pk}/"
    client = cast.client("partner")
    first = {f"n_step_{step1.pk}": "ร่างแรก", f"n_activity_{mine.pk}": "ร่างแรก", "action": "draft"}
    assert client.post(url, first).status_code == 302
    ids = dict(ReportNarrative.objects.values_list("subject_id", "pk"))
    mine.title = "ค่ายรักการอ่าน ครั้งที่ 2"
    mine.save()
    second = {
        f"n_step_{step1.pk}": "ประชุมครบทุกภาคี",
        f"n_activity_{mine.pk}": "จัดค่ายแล้ว 2 ครั้ง",
        "action": "submit",
        "confirm_submit": "on",
    }
    assert client.post(url, second).status_code == 302
    rows = {
        n.subject_id: n
        for n in ReportNarrative.objects.filter(report=report, subject_id__in=[step1.pk, mine.pk])
    }
    assert rows[mine.pk].text == "จัดค่ายแล้ว 2 ครั้ง"
    assert rows[mine.pk].title == "ค่ายรักการอ่าน ครั้งที่ 2"
    assert rows[step1.pk].text == "ประชุมครบทุกภาคี"
    assert {n.pk for n in rows.values()} <= set(ids.values())  # the same rows, none added
    assert ReportNarrative.objects.filter(report=report).count() == len(ids)
    report.refresh_from_db()
    assert report.status == report.Status.SUBMITTED


def _submit_queries(cast, report, subjects: dict[str, str]) -> int:
    url = f"/networks/{cast.network.slug}/reports/{report.pk}/"
    client = cast.client("partner")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {**subjects, "action": "submit", "confirm_submit": "on"})
    assert response.status_code == 302
    return len(captured)


def test_a_submission_costs_the_same_queries_however_many_narratives(cast, reporting):
    """The deadline day's heaviest request: its narratives are written in one statement,
    so two activities or eight cost the same number of queries."""
    _s, _p, reports = reporting
    report = reports[cast.partner_org.pk]
    few = [ActivityFactory(network=cast.network, owners=[cast.partner_org]) for _ in range(2)]
    counts = [_submit_queries(cast, report, {f"n_activity_{a.pk}": "ทำแล้ว" for a in few})]
    # The same report again, returned for changes, with four times the narratives.
    report.status = report.Status.RETURNED
    report.save()
    many = few + [
        ActivityFactory(network=cast.network, owners=[cast.partner_org]) for _ in range(6)
    ]
    counts.append(_submit_queries(cast, report, {f"n_activity_{a.pk}": "ทำแล้ว" for a in many}))
    assert counts[0] == counts[1]
    assert ReportNarrative.objects.filter(report=report, subject_kind="activity").count() == 8
