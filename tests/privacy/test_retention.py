"""Retention: what is older than PERSONAL_DATA_RETENTION_DAYS is thinned by the sweep,
only once its work is done; a changed setting takes effect on the next sweep; a second
sweep is harmless."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from agreements.models import AgreementVersion, Party, SignatureReminder, SigningEvent
from core.models import Dispatch
from privacy.models import SignIn
from privacy.services.retention import retention_sweep
from reports.models import DigestDispatch, Notification, ProgressReport, Reminder
from tests.agreements.factories import sent_for, signed_with_pdf
from tests.reports.factories import PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def _ago(days: int) -> dt.datetime:
    return timezone.now() - days * DAY


def _sign_ins(cast):
    for days in (400, 100, 1):
        row = SignIn.objects.create(user=cast.partner, ip="198.51.100.1", user_agent="Firefox")
        SignIn.objects.filter(pk=row.pk).update(at=_ago(days))


def _signed_party(cast, days: int) -> Party:
    version = signed_with_pdf(cast)
    Party.objects.filter(version=version).update(
        signed_at=_ago(days), ip="203.0.113.7", user_agent="Chrome"
    )
    SigningEvent.objects.create(
        version=version, kind=SigningEvent.Kind.SIGNED, at=_ago(days), ip="203.0.113.7"
    )
    return Party.objects.filter(version=version).first()


def test_a_shorter_period_takes_effect_on_the_next_sweep(cast):
    _sign_ins(cast)
    retention_sweep()
    assert SignIn.objects.count() == 2  # only the 400-day-old one went (365 by default)
    with override_settings(PERSONAL_DATA_RETENTION_DAYS=30):
        retention_sweep()
        assert SignIn.objects.count() == 1
        again = retention_sweep()
    assert SignIn.objects.count() == 1
    assert not any(again.values())


def test_signers_addresses_go_once_the_pdf_is_sealed(cast):
    party = _signed_party(cast, days=400)
    done = retention_sweep()
    assert done["agreements.Party"] >= 1
    party.refresh_from_db()
    assert (party.ip, party.user_agent) == (None, "")
    assert party.typed_name  # the name as signed stays
    assert not SigningEvent.objects.exclude(ip__isnull=True).exists()
    assert not Party.history.filter(id=party.pk).exclude(ip__isnull=True).exists()
    assert not any(retention_sweep().values())


def test_a_version_still_out_for_signature_keeps_its_trail(cast):
    version = sent_for(cast)
    Party.objects.filter(version=version).update(ip="203.0.113.9", user_agent="Safari")
    Party.objects.filter(version=version).update(declined_at=_ago(400))
    SigningEvent.objects.create(
        version=version, kind=SigningEvent.Kind.VIEWED, at=_ago(400), ip="203.0.113.9"
    )
    party = version.parties.first()
    SignatureReminder.objects.create(party=party, sequence=1, day=_ago(400).date())
    SignatureReminder.objects.filter(party=party).update(claimed_at=_ago(400))
    retention_sweep()
    assert Party.objects.filter(version=version, ip="203.0.113.9").count() == 2
    assert SigningEvent.objects.filter(ip="203.0.113.9").exists()
    assert SignatureReminder.objects.filter(party=party).exists()  # still counts
    # Once the version is withdrawn its work is done.
    AgreementVersion.objects.filter(pk=version.pk).update(status="withdrawn")
    Party.objects.filter(pk=party.pk).update(status=Party.Status.DECLINED)
    retention_sweep()
    assert not SigningEvent.objects.filter(ip="203.0.113.9").exists()
    assert not SignatureReminder.objects.filter(party=party).exists()


def test_delivered_rows_go_only_when_their_work_is_done(cast):
    old_period = PeriodFactory(
        network=cast.network,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 3, 31),
        due_on=dt.date(2024, 4, 7),
    )
    recent_period = PeriodFactory(
        network=cast.network,
        starts_on=timezone.localdate() - 60 * DAY,
        ends_on=timezone.localdate() - 5 * DAY,
        due_on=timezone.localdate() - 2 * DAY,
    )
    old = ReportFactory(period=old_period, organisation=cast.partner_org)
    recent = ReportFactory(period=recent_period, organisation=cast.partner_org)
    accepted = ReportFactory(
        period=PeriodFactory(
            network=cast.network,
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 3, 31),
            due_on=dt.date(2025, 4, 7),
        ),
        organisation=cast.partner_org,
        status=ProgressReport.Status.ACCEPTED,
    )
    sent, pending = Reminder.Status.SENT, Reminder.Status.PENDING

    def reminder(report, kind, status):
        row = Reminder.objects.create(
            report=report, kind=kind, recipient=cast.partner, due_at=_ago(400), status=status
        )
        Reminder.objects.filter(pk=row.pk).update(created_at=_ago(400), sent_at=_ago(400))
        return row.pk

    gone = [reminder(old, "after:3", sent), reminder(accepted, "due", sent)]
    stay = [
        reminder(old, "escalation", pending),  # still due: its claim stays
        reminder(old, "manual:1", sent),  # the report is open: remind-now rounds count
    ]
    # A recent period's sent row could be planned again: it stays, however old the row.
    stay.append(reminder(recent, "before:1", sent))
    read_old = Notification.objects.create(
        user=cast.partner, network=cast.network, kind="due", read_at=_ago(400)
    )
    unread = Notification.objects.create(user=cast.partner, network=cast.network, kind="due")
    Notification.objects.filter(pk=unread.pk).update(created_at=_ago(400))
    digest = DigestDispatch.objects.create(
        user=cast.partner, week_of=dt.date(2024, 1, 1), sent_at=_ago(400)
    )
    waiting_digest = DigestDispatch.objects.create(user=cast.partner, week_of=dt.date(2024, 1, 8))
    old_dispatch = Dispatch.objects.create(
        topic="closeout:1:1", user=cast.partner, sent_at=_ago(400)
    )
    fresh_dispatch = Dispatch.objects.create(
        topic="closeout:1:2", user=cast.partner, sent_at=_ago(2)
    )

    retention_sweep()
    assert set(Reminder.objects.values_list("pk", flat=True)) == set(stay)
    assert not Notification.objects.filter(pk=read_old.pk).exists()
    assert Notification.objects.filter(pk=unread.pk).exists()
    assert not DigestDispatch.objects.filter(pk=digest.pk).exists()
    assert DigestDispatch.objects.filter(pk=waiting_digest.pk).exists()
    assert not Dispatch.objects.filter(pk=old_dispatch.pk).exists()
    assert Dispatch.objects.filter(pk=fresh_dispatch.pk).exists()
    assert gone  # (named for the reader: those two went)

    # Even a period of one day never removes a "sent once" claim younger than a month.
    with override_settings(PERSONAL_DATA_RETENTION_DAYS=1):
        retention_sweep()
    assert Dispatch.objects.filter(pk=fresh_dispatch.pk).exists()


def test_the_beat_sweep_runs_by_name(cast):
    from celery import current_app

    _sign_ins(cast)
    current_app.tasks["privacy.tasks.sweep"].apply()
    assert SignIn.objects.count() == 2
