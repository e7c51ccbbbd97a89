"""Shared fixtures: the standard cast, clients logged in as each, and real services.

The cast: a coordinator, the committee chair and a partner representative of
``network``; a partner representative of ``other_network`` only; a site admin;
and anonymous. Every view is tested against all of them.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from network.models import Membership, Network, Role

from . import factories

REDIS_URL = os.environ.get("REDIS_URL", "")
requires_redis = pytest.mark.skipif(not REDIS_URL, reason="needs a real Redis: set REDIS_URL")
# Set in each process of a parallel run (`make test` runs pytest-xdist: one process
# more than the cores, PYTEST_WORKERS in the Makefile).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
# Files whose tests share something across processes; a parallel run gives them all to
# one process, one test after another (pytest_xdist_make_scheduler below). A real Celery
# worker consumes the shared Redis broker's queue (a task sent by one process's test
# would reach the other's worker, which reads another test database), and the fault
# suite binds fixed ports and stops and starts services. A test that needs Redis or a
# real worker in any other file fails the collection (pytest_collection_modifyitems).
SERIAL_FILES = frozenset(
    {
        "tests/agreements/test_real_worker.py",
        "tests/core/test_celery.py",
        "tests/core/test_compose.py",  # the compose worker's and beat's healthchecks
        "tests/core/test_healthz.py",
        "tests/core/test_line.py",
        "tests/reports/test_real_worker.py",
        "tests/reports/test_reminders_retry.py",
        "tests/reports/test_term.py",
    }
)
_SERIAL_FIXTURES = frozenset({"real_worker", "broker_at"})


def _serial(path: str) -> bool:
    return path in SERIAL_FILES or path.startswith("tests/faults/")


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
    if _XDIST_WORKER:
        # Two test processes must not generate the default seal key into one folder at
        # the same moment (a key from one, a certificate from the other).
        settings.PDF_SIGNING_DIR = Path(settings.PDF_SIGNING_DIR).with_name(
            f"signing-{_XDIST_WORKER}"
        )
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
    from .workers import embedded_worker

    with embedded_worker(real_worker_app()) as worker:
        yield worker


def real_worker_app():
    """The Celery app sending through the real Redis, its queue emptied."""
    from config.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    return app


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


_running: list[pytest.Item] = []


def pytest_collection_modifyitems(items):
    """Every test that needs the shared Redis or a real worker is in a serial file."""
    strays = sorted(
        item.nodeid
        for item in items
        if ("redis" in item.keywords or _SERIAL_FIXTURES.intersection(item.fixturenames))
        and not _serial(item.nodeid.split("::", 1)[0])
    )
    if strays:
        raise pytest.UsageError(
            "tests sharing Redis or a real worker outside tests/conftest.py's SERIAL_FILES "
            "(add their files): " + ", ".join(strays)
        )


def pytest_xdist_make_scheduler(config, log):
    """xdist's load scheduling, with the serial files' tests as one unit of work (its
    own ``--dist loadgroup`` reads a node id suffix that pytest 9 no longer uses)."""
    from xdist.scheduler import LoadScopeScheduling

    class SerialFilesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "serial-files" if _serial(nodeid.split("::", 1)[0]) else nodeid

    return SerialFilesTogether(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def fault_report(
    scenario: str, *, lost: int | None = None, twice: int | None = None, note: str = ""
) -> None:
    """Record a fault-suite figure; all of them are printed at the end of the run.

    The figure rides on the test's report (``user_properties``), so a parallel run's
    main process, which prints the summary, receives it from the process that ran it."""
    parts = [scenario]
    if lost is not None:
        parts.append(f"reminders lost: {lost}")
    if twice is not None:
        parts.append(f"sent twice: {twice}")
    if note:
        parts.append(note)
    line = " — ".join(parts)
    if _running:
        _running[-1].user_properties.append(("fault_report", line))
    else:
        _fault_lines.append(line)


def pytest_runtest_logreport(report):
    """Remember how the tests that need real services (marked ``redis``) ended, and
    the fault figures (the teardown report carries all of a test's properties)."""
    if "redis" in report.keywords and (report.when == "call" or report.skipped):
        _real_service_outcomes[report.nodeid] = report.outcome
    if report.when == "teardown":
        _fault_lines.extend(v for k, v in report.user_properties if k == "fault_report")


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
