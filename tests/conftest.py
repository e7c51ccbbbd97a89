"""Shared fixtures: the standard cast, clients logged in as each, and real services.

The cast: a coordinator, the committee chair and a partner representative of
``network``; a partner representative of ``other_network`` only; a site admin;
and anonymous. Every view is tested against all of them.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest
from django.test import Client

from network.models import Membership, Network, Role

from . import factories

REDIS_URL = os.environ.get("REDIS_URL", "")
requires_redis = pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis: set REDIS_URL")

CAST = ("coordinator", "chair", "partner", "other_partner", "site_admin", "anonymous")


@dataclass
class Cast:
    network: Network
    other_network: Network
    coordinator: object
    chair: object
    partner: object
    other_partner: object
    site_admin: object
    partner_org: object
    other_org: object

    def user(self, name: str):
        return None if name == "anonymous" else getattr(self, name)

    def client(self, name: str) -> Client:
        client = Client()
        user = self.user(name)
        if user is not None:
            client.force_login(user)
        return client


def _member(network: Network, kind: str, organisation=None):
    organisation = organisation or factories.OrganisationFactory()
    Membership.objects.get_or_create(
        network=network,
        organisation=organisation,
        left_on=None,
        defaults={"joined_on": network.founded_on},
    )
    person = factories.PersonFactory(organisation=organisation)
    factories.RoleFactory(network=network, person=person, kind=kind)
    return person.user


@pytest.fixture
def cast(db) -> Cast:
    network = factories.NetworkFactory(slug="cast-network", name_th="เครือข่ายน้ำใจ ตำบลป่าประดู่")
    other = factories.NetworkFactory(slug="other-network", name_th="เครือข่ายอื่น")
    Membership.objects.create(
        network=network,
        organisation=network.lead_organisation,
        place=Membership.Place.LEAD,
        joined_on=network.founded_on,
    )
    Membership.objects.create(
        network=other,
        organisation=other.lead_organisation,
        place=Membership.Place.LEAD,
        joined_on=other.founded_on,
    )
    coordinator = _member(network, Role.Kind.COORDINATOR, network.lead_organisation)
    chair = _member(network, Role.Kind.CHAIR)
    partner_org = factories.OrganisationFactory(name_th="มหาวิทยาลัยภาคีทดสอบ")
    partner = _member(network, Role.Kind.PARTNER_REP, partner_org)
    other_org = factories.OrganisationFactory(name_th="บริษัทเครือข่ายอื่น จำกัด")
    other_partner = _member(other, Role.Kind.PARTNER_REP, other_org)
    site_admin = factories.UserFactory(is_superuser=True, is_staff=True)
    return Cast(
        network=network,
        other_network=other,
        coordinator=coordinator,
        chair=chair,
        partner=partner,
        other_partner=other_partner,
        site_admin=site_admin,
        partner_org=partner_org,
        other_org=other_org,
    )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Per-test media folder; a fast password hasher (the cast logs in a lot); the
    throttle store's keys of this test only. That store lives outside the test's
    transaction (that is its point), so counts would otherwise carry from one test
    to the next; a prefix, not .clear(), since on Redis clearing would empty the
    Celery broker's database too."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    throttle = settings.CACHES["throttle"]
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {**throttle, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }


@pytest.fixture
def real_worker(transactional_db):
    """A real Celery worker (a thread in this process) consuming from the real Redis.

    Tests using it need ``transactional_db`` so the worker's own connection sees
    the rows the test committed.
    """
    if not REDIS_URL:
        pytest.skip("needs a real Redis for a real worker: set REDIS_URL")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def broker_at(settings):
    """Point the Celery app (and /healthz) at another broker URL for one test.

    The app's settings are saved and put back by hand: Celery's conf reads through
    to Django's settings and caches, so a monkeypatch undo does not restore it.
    """
    from config.celery import app

    keys = ("broker_url", "broker_transport_options", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}

    def point(url: str) -> None:
        settings.CELERY_BROKER_URL = url
        app.conf.update(broker_url=url, broker_transport_options={}, task_always_eager=False)
        _forget_connections(app)  # connections to the old broker must not be reused

    yield point
    app.conf.update(saved)
    _forget_connections(app)


def _forget_connections(app) -> None:
    """Drop the app's references to its connection and producer pools (the producer
    pool keeps its own). Not closed: kombu shares pools per URL in a global registry."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _eager_celery():
    """Outside the real-worker tests, tasks run in-process when their transaction commits."""
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


_real_service_outcomes: dict[str, str] = {}
_fault_lines: list[str] = []


def fault_report(
    scenario: str, *, lost: int | None = None, twice: int | None = None, note: str = ""
) -> None:
    """Record a fault-suite figure; all of them are printed at the end of the run."""
    parts = [scenario]
    if lost is not None:
        parts.append(f"reminders lost: {lost}")
    if twice is not None:
        parts.append(f"sent twice: {twice}")
    if note:
        parts.append(note)
    _fault_lines.append(" — ".join(parts))


def pytest_runtest_logreport(report):
    """Remember how the tests that need real services (marked ``redis``) ended."""
    if "redis" in report.keywords and (report.when == "call" or report.skipped):
        _real_service_outcomes[report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter):
    """Say plainly whether the real-Redis/real-worker tests ran, and what faults showed."""
    if _fault_lines:
        terminalreporter.section("fault suite")
        for line in _fault_lines:
            terminalreporter.write_line(line)
    if not _real_service_outcomes:
        return
    terminalreporter.section("real services (Redis broker, Celery worker)")
    for nodeid, outcome in sorted(_real_service_outcomes.items()):
        terminalreporter.write_line(f"{outcome.upper():8} {nodeid}")
    ran = sum(1 for o in _real_service_outcomes.values() if o == "passed")
    terminalreporter.write_line(f"{ran} of {len(_real_service_outcomes)} real-service tests passed")
