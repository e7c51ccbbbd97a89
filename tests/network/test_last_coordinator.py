"""A network keeps at least one coordinator: the rule lives in the service
(``membership.role_revoke``), checked under a lock on the network's row, so two
removals at the same moment cannot both pass."""

from __future__ import annotations

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections, transaction

from network.models import Role
from network.services import LastCoordinator, PersonError
from network.services.membership import role_revoke
from tests import factories


def _coordinator(cast):
    return Role.objects.coordinators().get(network=cast.network)


def _second_coordinator(cast) -> Role:
    person = factories.PersonFactory(organisation=cast.network.lead_organisation)
    return factories.RoleFactory(network=cast.network, person=person, kind=Role.Kind.COORDINATOR)


def test_the_last_coordinator_is_refused_by_the_service(cast):
    only = _coordinator(cast)
    with pytest.raises(LastCoordinator) as refused:
        role_revoke(role=only)
    assert refused.value.code == "last_coordinator"
    assert isinstance(refused.value, PersonError)
    assert Role.objects.filter(pk=only.pk).exists()


def test_one_of_two_coordinators_goes_then_the_other_stays(cast):
    first = _coordinator(cast)
    second = _second_coordinator(cast)
    role_revoke(role=first)
    assert not Role.objects.filter(pk=first.pk).exists()
    with pytest.raises(LastCoordinator):
        role_revoke(role=second)
    assert list(Role.objects.coordinators().filter(network=cast.network)) == [second]


def test_removing_a_role_already_gone_changes_nothing(cast):
    first = _coordinator(cast)
    _second_coordinator(cast)
    role_revoke(role=first)
    role_revoke(role=first)  # a second click: nothing more, no error
    assert Role.objects.coordinators().filter(network=cast.network).count() == 1


def test_the_page_says_why_and_keeps_the_role(cast):
    only = _coordinator(cast)
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roles/{only.pk}/remove/"
    )
    assert response.status_code == 302
    assert Role.objects.filter(pk=only.pk).exists()
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert said == ["เครือข่ายต้องมีผู้ประสานงานอย่างน้อยหนึ่งคน"]


def test_other_roles_are_removed_as_before(cast):
    partner = Role.objects.get(network=cast.network, kind=Role.Kind.PARTNER_REP)
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roles/{partner.pk}/remove/"
    )
    assert response.status_code == 302
    assert not Role.objects.filter(pk=partner.pk).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_removals_at_once_leave_one_coordinator(cast, transactional_db):
    """Two coordinators, each removed in its own connection at the same moment. The
    first holds the network's row until it commits; the second waits for it, then
    counts the coordinators left (one) and is refused."""
    first = _coordinator(cast)
    second = _second_coordinator(cast)
    removed, holding, release = threading.Event(), threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def remove_first() -> None:
        try:
            with transaction.atomic():
                role_revoke(role=first)
                removed.set()
                holding.wait(30)  # the transaction stays open: its lock is held
        finally:
            connections["default"].close()

    def remove_second() -> None:
        try:
            removed.wait(30)
            release.set()
            role_revoke(role=second)
            outcome["second"] = "removed"
        except LastCoordinator:
            outcome["second"] = "refused"
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=remove_first), threading.Thread(target=remove_second)]
    for thread in threads:
        thread.start()
    assert release.wait(30)
    # The second removal is waiting for the network's row: it has not decided yet.
    threads[1].join(0.5)
    assert threads[1].is_alive()
    assert "second" not in outcome
    holding.set()
    for thread in threads:
        thread.join(30)
    assert outcome == {"second": "refused"}
    assert list(Role.objects.coordinators().filter(network=cast.network)) == [second]
