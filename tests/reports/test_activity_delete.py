"""A sent progress report keeps the activities whose updates it includes
(reports answer roadmap.signals.activity_deleting)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports.models import ProgressReport
from roadmap import services as roadmap_services
from roadmap.models import Activity, ProgressUpdate
from tests.roadmap.factories import ActivityFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def _posted_on(update, day: dt.date) -> None:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    ProgressUpdate.objects.filter(pk=update.pk).update(created_at=when)


@pytest.fixture
def reported(cast, reporting):
    """The partner's activity with one update inside the period (Jul–Sep 2026)."""
    _schedule, _period, reports = reporting
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    update = ProgressUpdateFactory(
        activity=activity, organisation=cast.partner_org, author=cast.partner
    )
    _posted_on(update, dt.date(2026, 8, 15))
    return activity, update, reports[cast.partner_org.pk]


def _delete_url(activity) -> str:
    return f"/networks/{activity.step.network.slug}/roadmap/activities/{activity.pk}/delete/"


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_a_sent_report_keeps_the_activity(cast, reported, status):
    activity, _update, report = reported
    ProgressReport.objects.filter(pk=report.pk).update(status=status)
    client = cast.client("coordinator")
    page = client.get(_delete_url(activity)).content.decode()
    assert "ส่งแล้ว" in page
    assert cast.partner_org.name_th in page
    response = client.post(_delete_url(activity), {"version": activity.version})
    assert response.status_code == 409
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert ProgressUpdate.objects.filter(activity=activity).count() == 1


def test_the_reason_is_in_english_too(cast, reported):
    activity, _update, report = reported
    ProgressReport.objects.filter(pk=report.pk).update(status="submitted")
    from django.utils import translation

    with translation.override("en"):
        reason = roadmap_services.activity_delete_blockers(activity=activity)
    assert len(reason) == 1
    assert "has been sent" in reason[0]
    assert "Change its status instead" in reason[0]


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_an_unsent_report_does_not_keep_it(cast, reported, status):
    activity, _update, report = reported
    ProgressReport.objects.filter(pk=report.pk).update(status=status)
    response = cast.client("coordinator").post(_delete_url(activity), {"version": activity.version})
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_updates_outside_the_sent_period_do_not_keep_it(cast, reported):
    activity, update, report = reported
    ProgressReport.objects.filter(pk=report.pk).update(status="submitted")
    _posted_on(update, dt.date(2026, 10, 1))  # the day after the period ended
    assert roadmap_services.activity_delete_blockers(activity=activity) == []


def test_another_organisations_sent_report_does_not_keep_it(cast, reported):
    activity, _update, report = reported
    lead = cast.network.lead_organisation
    ProgressReport.objects.filter(period=report.period, organisation=lead).update(status="accepted")
    assert roadmap_services.activity_delete_blockers(activity=activity) == []


def test_an_activity_without_updates_is_never_kept(cast, reporting):
    _schedule, _period, reports = reporting
    ProgressReport.objects.filter(pk__in=[r.pk for r in reports.values()]).update(status="accepted")
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    assert roadmap_services.activity_delete_blockers(activity=activity) == []
