"""Signature reminders through a real Celery worker and Redis: each sent exactly once.

Needs REDIS_URL (skipped otherwise); all waits are bounded.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from agreements import selectors, services, tasks
from agreements.models import AgreementVersion, Party, SignatureReminder
from network.models import Membership, Role
from tests import factories as base
from tests.conftest import requires_redis
from tests.workers import race_with_worker, wait_until

from . import factories as f

pytestmark = [requires_redis, pytest.mark.redis]

EXTRA_PARTIES = 8


def _many_waiting(cast) -> int:
    version = f.draft_for(cast)
    for _ in range(EXTRA_PARTIES):
        org = base.OrganisationFactory()
        Membership.objects.create(
            network=cast.network, organisation=org, joined_on=dt.date(2026, 1, 1)
        )
        person = base.PersonFactory(organisation=org)
        Role.objects.create(network=cast.network, person=person, kind=Role.Kind.PARTNER_REP)
        Party.objects.create(version=version, organisation=org, signatory=person, position="ผู้แทน")
    services.version_send(version=version, user=cast.coordinator)
    AgreementVersion.objects.filter(pk=version.pk).update(
        sent_at=timezone.now() - dt.timedelta(days=4)
    )
    return version.parties.count()


def test_two_sweeps_and_two_threads_send_each_reminder_once(cast, real_worker):
    expected = _many_waiting(cast)
    time.sleep(1)  # the sign requests (sent on commit) reach the worker first
    mail.outbox.clear()
    today = timezone.localdate()

    def sweep_and_send():
        for party_id in selectors.reminders_due(today=today):
            services.party_remind(party_id=party_id, today=today)

    race_with_worker(tasks.sweep, sweep_and_send)
    wait_until(
        lambda: SignatureReminder.objects.filter(sent_at__isnull=False).count() == expected,
        60,
        "reminders sent",
    )
    time.sleep(1)  # let any duplicate that were to happen land
    assert SignatureReminder.objects.count() == expected
    reminders = [m for m in mail.outbox if "/sign/" in m.body and "ยังรอ" in m.body]
    assert len(reminders) == expected
    assert all(n == 1 for n in Counter(m.to[0] for m in reminders).values())
