"""My tasks with its queries compiled once per process and shape (core.compiled): the
SQL text is kept, the values are this request's. Two people whose queries have the same
shape still see only their own tasks; every change shows on the next request (the rows
are read every time, only the SQL text is kept); each provider's rows are the ORM's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agreements.models import Party
from agreements.owed import _signatures_query
from core import compiled
from network.models import Network, Role
from network.tasks_registry import _roles_query, asker_for, tasks_owed
from reports.models import ProgressReport
from reports.owed import _reports_query
from roadmap.models import Activity, HealthResponse, ObstacleEntry
from roadmap.owed import (
    OBSTACLE_REVIEW_NOTICE_DAYS,
    _activities_query,
    _health_rounds_query,
    _obstacle_reviews_query,
)
from tests.agreements.factories import sent_for
from tests.factories import OrganisationFactory, PersonFactory

from .factories import ActivityFactory, HealthRoundFactory
from .test_my_tasks_everything import _another_networks_everything, _report

pytestmark = pytest.mark.django_db
URL = "/my/tasks/"


def _today() -> dt.date:
    return timezone.localdate()


def _everything_owed(cast, network, org, label: str) -> None:
    today = _today()
    ActivityFactory(network=network, owners=[org], title=f"กิจกรรม{label}")
    _report(network, org, due=today - dt.timedelta(days=3))
    HealthRoundFactory(network=network, label=f"สุขภาพ{label}")
    ObstacleEntry.objects.filter(network=network).update(
        owner=PersonFactory(organisation=org), review_on=today
    )


def _mine(client) -> set[tuple[str, str]]:
    return {(t.kind, t.network_name) for t in client.get(URL).context["tasks"]}


def test_same_shape_other_person_sees_only_their_own(cast):
    # The partner and the other partner each speak for one organisation in one network:
    # the same compiled statements serve both, filled with each one's own values.
    compiled.clear()
    _everything_owed(cast, cast.network, cast.partner_org, "ของเรา")
    _everything_owed(cast, cast.other_network, cast.other_org, "ของเขา")
    mine, theirs = cast.client("partner"), cast.client("other_partner")
    for _ in range(2):  # either one first: the second request uses the kept statements
        assert {n for _, n in _mine(mine)} == {cast.network.name}
        assert {n for _, n in _mine(theirs)} == {cast.other_network.name}
    assert {k for k, _ in _mine(mine)} == {"activity", "report", "health", "obstacle"}
    assert {k for k, _ in _mine(theirs)} == {"activity", "report", "health", "obstacle"}


def test_another_networks_tasks_never_appear_after_theirs_were_read(cast):
    _another_networks_everything(cast)
    compiled.clear()
    assert cast.client("other_partner").get(URL).context["tasks"]
    assert cast.client("partner").get(URL).context["tasks"] == []
    assert cast.client("chair").get(URL).context["tasks"] == []


def test_every_kind_of_change_shows_on_the_next_request(cast):
    # Bulk update() sends no signal and touches no updated_at: the page still shows it,
    # because only the SQL text is kept, never the rows.
    today = _today()
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    report = _report(cast.network, cast.partner_org, due=today + dt.timedelta(days=3))
    round_ = HealthRoundFactory(network=cast.network, label="รอบสุขภาพ")
    obstacle = ObstacleEntry.objects.filter(network=cast.network).first()
    ObstacleEntry.objects.filter(pk=obstacle.pk).update(
        owner=cast.partner.person, review_on=today + dt.timedelta(days=60)
    )
    version = sent_for(cast)
    client = cast.client("partner")

    def kinds() -> list[str]:
        return sorted(t.kind for t in client.get(URL).context["tasks"])

    assert kinds() == ["activity", "health", "report", "signature"]
    Activity.objects.filter(pk=activity.pk).update(status=Activity.Status.DONE)
    assert kinds() == ["health", "report", "signature"]
    ProgressReport.objects.filter(pk=report.pk).update(status="submitted")
    assert kinds() == ["health", "signature"]
    HealthResponse.objects.create(round=round_, respondent=cast.partner, answers={})
    assert kinds() == ["signature"]
    version.parties.filter(signatory=cast.partner.person).update(
        status=Party.Status.SIGNED, signed_at=timezone.now()
    )
    assert kinds() == []
    ObstacleEntry.objects.filter(pk=obstacle.pk).update(review_on=today)
    assert kinds() == ["obstacle"]
    # a renamed network shows at once; losing the role, or the network dissolving, hides all
    Network.objects.filter(pk=cast.network.pk).update(name_th="ชื่อใหม่ของเครือข่าย")
    assert [t.network_name for t in client.get(URL).context["tasks"]] == ["ชื่อใหม่ของเครือข่าย"]
    Network.objects.filter(pk=cast.network.pk).update(status="dissolved")
    assert kinds() == []
    Network.objects.filter(pk=cast.network.pk).update(status="active")
    assert kinds() == ["obstacle"]
    Role.objects.filter(person=cast.partner.person).delete()
    assert kinds() == []


def test_each_providers_rows_are_the_orms(cast):
    # The kept SQL filled with other values gives what the ORM gives for those values.
    today = _today()
    second = OrganisationFactory()
    for network, org in ((cast.network, cast.partner_org), (cast.other_network, cast.other_org)):
        ActivityFactory(network=network, owners=[org, second], due_on=today)
        ActivityFactory(network=network, owners=[org], due_on=None)
        _report(network, org, due=today - dt.timedelta(days=1))
        HealthRoundFactory(network=network)
        ObstacleEntry.objects.filter(network=network).update(
            owner=PersonFactory(organisation=org), review_on=today
        )
    sent_for(cast)
    compiled.clear()
    people = [cast.partner, cast.other_partner, cast.coordinator, cast.chair]
    for user in people * 2:  # the second round runs on the kept statements
        asker = asker_for(user=user, today=today)
        networks = sorted(asker.networks())
        groups = asker.by_organisation(Role.SPEAKING_KINDS)
        calls = [(_roles_query, {"user_id": user.pk}), (_signatures_query, {"user_id": user.pk})]
        if groups:
            calls += [(_activities_query, {"groups": groups}), (_reports_query, {"groups": groups})]
            calls.append(
                (
                    _health_rounds_query,
                    {
                        "networks": sorted(asker.networks(Role.SPEAKING_KINDS)),
                        "user_id": user.pk,
                        "today": today,
                    },
                )
            )
        if networks:
            calls.append(
                (
                    _obstacle_reviews_query,
                    {
                        "networks": networks,
                        "person_ids": sorted({r.person_id for r in asker.roles}),
                        "groups": groups,
                        "horizon": today + dt.timedelta(days=OBSTACLE_REVIEW_NOTICE_DAYS),
                    },
                )
            )
        for build, values in calls:
            assert list(compiled.rows(build, **values)) == list(build(**values)), build
    assert tasks_owed(user=cast.partner, today=today)
