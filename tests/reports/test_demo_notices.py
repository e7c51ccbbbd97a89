"""The demo's past notices go through the Reminder table, so the first sweep after
`make run` tells nobody a second time (before: the demo's escalation notices plus the
sweep's gave the coordinator two identical escalations per missing report)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from network.models import Network, Role
from reports import services
from reports.models import Notification, ProgressReport, Reminder, ReportingPeriod
from reports.periods import BANGKOK


def _sweep_and_send(now):
    for rid in services.reminder_sweep(now=now):
        services.reminder_send(reminder_id=rid, now=now)


def _people(network, kind) -> list[int]:
    return list(
        Role.objects.filter(network=network, kind=kind, person__user__isnull=False).values_list(
            "person__user_id", flat=True
        )
    )


@pytest.mark.django_db
def test_demo_then_sweeps_give_each_escalation_once():
    call_command("demo_data")
    network = Network.objects.get(slug="sansai-reading")
    last = ReportingPeriod.objects.filter(network=network, due_on__lt=timezone.localdate()).latest(
        "due_on"
    )
    missing = list(ProgressReport.objects.filter(period=last).open())
    assert missing, "the demo has a missing report in its last closed period"
    coordinators = _people(network, Role.Kind.COORDINATOR)
    chairs = _people(network, Role.Kind.CHAIR)
    assert coordinators
    assert chairs
    # Sweeps on the real clock, then once both escalation levels are due (15 days late).
    later = dt.datetime.combine(last.due_on + dt.timedelta(days=15), dt.time(9), tzinfo=BANGKOK)
    for now in (timezone.now(), max(timezone.now(), later)):
        _sweep_and_send(now)
        _sweep_and_send(now + dt.timedelta(minutes=15))
    for report in missing:
        for uid in coordinators:
            notices = Notification.objects.filter(user_id=uid, report=report, kind="escalation")
            assert notices.count() == 1, (report, uid)
        for uid in chairs:
            notices = Notification.objects.filter(
                user_id=uid, report=report, kind="escalation_chair"
            )
            assert notices.count() == 1, (report, uid)
    # every notice the demo made belongs to a reminder row: one notice per row, ever
    assert not Notification.objects.filter(network=network, reminder__isnull=True).exists()


@pytest.mark.django_db
def test_the_demo_records_what_it_pretends_was_sent():
    call_command("demo_data")
    network = Network.objects.get(slug="sansai-reading")
    escalations = Reminder.objects.filter(report__period__network=network, kind="escalation")
    assert all(r.status == "sent" and r.sent_at for r in escalations)
    submitted = Reminder.objects.filter(
        report__period__network=network, kind="submitted:1", status="sent"
    )
    assert submitted.exists()
    assert Notification.objects.filter(reminder__in=submitted, kind="submitted").count() == (
        submitted.count()
    )


@pytest.mark.django_db
def test_notices_of_an_older_demo_are_attached_not_doubled():
    """A database filled by the demo before this change: its row-less notices are
    attached to the rows, so running the demo again (make run does) adds none."""
    call_command("demo_data")
    network = Network.objects.get(slug="sansai-reading")
    rows = Reminder.objects.filter(report__period__network=network)
    Notification.objects.filter(reminder__in=rows).update(reminder=None)
    before = Notification.objects.count()
    rows.delete()
    call_command("demo_data")
    assert Notification.objects.count() == before
    # the escalations (what a sweep would repeat) are tied to their rows again
    escalations = Notification.objects.filter(network=network, kind__startswith="escalation")
    assert escalations.exists()
    assert not escalations.filter(reminder__isnull=True).exists()
