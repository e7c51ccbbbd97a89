"""Signature reminders and renewal notices: due in the database, sent exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from agreements import selectors, services, tasks
from agreements.models import AgreementVersion, Party, SignatureReminder
from network.models import Membership, Role
from tests import factories as base
from tests.factories import PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def _sent_days_ago(cast, days: int):
    version = f.sent_for(cast)
    AgreementVersion.objects.filter(pk=version.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=days)
    )
    mail.outbox.clear()
    return version


def _sweep_on(monkeypatch, day: dt.date):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    with f.after_commit():
        tasks.sweep()


def test_no_reminder_before_n_days(cast, monkeypatch):
    _sent_days_ago(cast, 2)
    _sweep_on(monkeypatch, timezone.localdate())
    assert mail.outbox == []


def test_two_sweeps_on_the_same_day_send_each_reminder_once(cast, monkeypatch):
    version = _sent_days_ago(cast, 3)
    today = timezone.localdate()
    _sweep_on(monkeypatch, today)
    _sweep_on(monkeypatch, today)
    assert SignatureReminder.objects.count() == 2  # one per pending party
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.coordinator.email, cast.partner.email]
    )
    assert all(r.sent_at for r in SignatureReminder.objects.all())
    assert version.events.filter(kind="reminded").count() == 2


def test_two_workers_claiming_the_same_reminder_send_once(cast):
    version = _sent_days_ago(cast, 4)
    party = version.parties.get(signatory__user=cast.partner)
    today = timezone.localdate()
    assert services.party_remind(party_id=party.id, today=today) is True
    assert services.party_remind(party_id=party.id, today=today) is False
    assert len(mail.outbox) == 1


def test_reminders_every_n_days_at_most_m(cast, monkeypatch):
    version = _sent_days_ago(cast, 0)
    version.agreement.reminder_every_days = 2
    version.agreement.reminder_max = 3
    version.agreement.save()
    party = version.parties.get(signatory__user=cast.partner)
    start = timezone.localdate()
    sent_days = []
    for offset in range(0, 15):
        day = start + dt.timedelta(days=offset)
        if services.party_remind(party_id=party.id, today=day):
            sent_days.append(offset)
    assert sent_days == [2, 4, 6]


def test_signing_declining_and_withdrawal_stop_reminders(cast):
    version = _sent_days_ago(cast, 5)
    today = timezone.localdate()
    partner_party = version.parties.get(signatory__user=cast.partner)
    services.party_sign(
        party=partner_party,
        user=cast.partner,
        password=PASSWORD,
        typed_name=cast.partner.person.full_name,
    )
    coordinator_party = version.parties.get(signatory__user=cast.coordinator)
    assert selectors.reminders_due(today=today) == [coordinator_party.id]
    services.version_withdraw(version=version, user=cast.coordinator)
    assert selectors.reminders_due(today=today) == []
    assert services.party_remind(party_id=coordinator_party.id, today=today) is False


def test_renewal_reminder_30_days_before_the_end_once(cast, monkeypatch):
    version = f.draft_for(cast)
    version.effective_until = timezone.localdate() + dt.timedelta(days=45)
    version.save()
    services.version_send(version=version, user=cast.coordinator)
    for party in version.parties.select_related("signatory__user"):
        services.party_sign(
            party=party,
            user=party.signatory.user,
            password=PASSWORD,
            typed_name=party.signatory.full_name,
        )
    mail.outbox.clear()
    _sweep_on(monkeypatch, timezone.localdate())
    assert mail.outbox == []
    later = version.effective_until - dt.timedelta(days=30)
    _sweep_on(monkeypatch, later)
    _sweep_on(monkeypatch, later + dt.timedelta(days=1))
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]


def test_reminder_email_is_in_the_signatorys_language(cast):
    cast.partner.language = "en"
    cast.partner.save()
    version = _sent_days_ago(cast, 3)
    party = version.parties.get(signatory__user=cast.partner)
    services.party_remind(party_id=party.id, today=timezone.localdate())
    (message,) = mail.outbox
    assert message.subject.startswith("Reminder:")
    assert f"/agreement/v{version.number}/sign/" in message.body


@pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL for two concurrent connections",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_send_one_reminder(cast):
    """Two threads (two database connections) claim the same reminder at once."""
    import threading

    from django.db import connection

    version = _sent_days_ago(cast, 3)
    party = version.parties.get(signatory__user=cast.partner)
    today = timezone.localdate()
    barrier = threading.Barrier(2)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(services.party_remind(party_id=party.id, today=today))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert SignatureReminder.objects.filter(party=party).count() == 1
    assert len([m for m in mail.outbox if m.to == [cast.partner.email]]) == 1


def test_sweep_finds_signed_versions_whose_pdf_is_missing(cast):
    version = f.sent_for(cast)
    for party in version.parties.select_related("signatory__user"):
        services.party_sign(
            party=party,
            user=party.signatory.user,
            password=PASSWORD,
            typed_name=party.signatory.full_name,
        )
    # Just signed: the render task is on its way, the sweep leaves it alone …
    assert selectors.pdfs_missing() == []
    AgreementVersion.objects.filter(pk=version.pk).update(
        signed_at=timezone.now() - dt.timedelta(minutes=30)
    )
    # … but a render lost with a broker outage is picked up again.
    assert selectors.pdfs_missing() == [version.id]


def _waiting(cast, pending: int) -> AgreementVersion:
    """A version sent four days ago to ``pending`` signatories (the cast's two and more),
    none reminded yet: every one of them is due."""
    version = f.draft_for(cast)
    for _ in range(pending - version.parties.count()):
        org = base.OrganisationFactory()
        Membership.objects.create(
            network=cast.network, organisation=org, joined_on=dt.date(2026, 1, 1)
        )
        person = base.PersonFactory(organisation=org)
        Role.objects.create(network=cast.network, person=person, kind=Role.Kind.PARTNER_REP)
        Party.objects.create(version=version, organisation=org, signatory=person, position="ผู้แทน")
    # Outside after_commit: the requests to sign never start, the sweep sees only reminders.
    services.version_send(version=version, user=cast.coordinator)
    AgreementVersion.objects.filter(pk=version.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=4)
    )
    return version


# What one sweep costs, with 2 or 20 signatories waiting: the same. Planning is one
# query per kind of work (signing reminders, renewal notices, missing PDFs), filtered
# in SQL; each reminder then re-checks its one party (by id, in SQL) and claims it,
# without rescanning the others: the check, the claim, sent_at and the audit event,
# plus two savepoints (the transaction and claim_row's) of two statements each.
SWEEP_PLAN_QUERIES = 3
ONE_REMINDER_QUERIES = 8


@pytest.mark.parametrize("pending", [2, 20])
def test_a_sweep_costs_the_same_queries_for_2_or_20_waiting(
    cast, monkeypatch, django_assert_num_queries, pending
):
    _waiting(cast, pending)
    today = timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    with django_assert_num_queries(SWEEP_PLAN_QUERIES):
        tasks.sweep()  # the per-party tasks start on commit, which this test never reaches
    due = selectors.reminders_due(today=today)
    assert len(due) == pending
    mail.outbox.clear()
    for party_id in (due[0], due[-1]):
        with django_assert_num_queries(ONE_REMINDER_QUERIES):
            assert services.party_remind(party_id=party_id, today=today) is True
    assert len(mail.outbox) == 2
    # Reminded today: neither is due again today, the others still are.
    assert selectors.reminders_due(today=today) == due[1:-1]
