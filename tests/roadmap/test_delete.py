"""Deleting an activity, a win or a health check round: who may, what goes with it,
what stays, and that evidence files leave storage only after the commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db import transaction

from network.models import Network
from roadmap import selectors, services
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import (
    Activity,
    Evidence,
    HealthResponse,
    HealthRound,
    ObstacleEntry,
    ProgressUpdate,
    Step,
    Win,
)
from roadmap.signals import activity_deleting

from .factories import (
    ActivityFactory,
    EvidenceFactory,
    HealthRoundFactory,
    ProgressUpdateFactory,
    WinFactory,
    step_of,
)

pytestmark = pytest.mark.django_db


def _base(network) -> str:
    return f"/networks/{network.slug}/roadmap/"


def _dissolve(network) -> None:
    Network.objects.filter(pk=network.pk).update(status=Network.Status.DISSOLVED)


@pytest.fixture
def planned(cast):
    """An activity the partner's organisation owns: 2 updates, 3 evidence files."""
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    first = ProgressUpdateFactory(activity=activity, author=cast.partner)
    second = ProgressUpdateFactory(activity=activity, author=cast.partner)
    files = [
        EvidenceFactory(update=first),
        EvidenceFactory(update=first),
        EvidenceFactory(update=second),
    ]
    return activity, [e.file.name for e in files]


def _url(activity) -> str:
    return f"{_base(activity.step.network)}activities/{activity.pk}/delete/"


def _confirm(activity) -> dict:
    return {"version": activity.version}


# --- activities -----------------------------------------------------------------------
def test_confirmation_says_what_goes_with_the_activity_and_deletes_nothing(cast, planned):
    activity, names = planned
    response = cast.client("coordinator").get(_url(activity))
    assert response.status_code == 200
    body = response.content.decode()
    assert activity.title in body
    assert "รายงานความก้าวหน้า 2 ครั้ง" in body
    assert "ไฟล์หลักฐาน 3 ไฟล์" in body
    assert f'name="version" value="{activity.version}"' in body
    assert 'class="btn btn-danger"' in body
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert ProgressUpdate.objects.count() == 2
    assert Evidence.objects.count() == 3
    assert all(default_storage.exists(n) for n in names)


def test_confirmation_in_english_counts_both(cast, planned):
    activity, _names = planned
    client = cast.client("coordinator")
    client.post("/language/", {"language": "en", "next": "/"})
    body = client.get(_url(activity)).content.decode()
    assert "2 progress updates" in body
    assert "3 evidence files" in body


def test_coordinator_deletes_an_activity_with_its_updates_and_evidence(
    cast, planned, django_capture_on_commit_callbacks
):
    activity, names = planned
    client = cast.client("coordinator")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(activity), _confirm(activity))
        # Deleted in the database, but the transaction has not committed yet:
        # every file is still in storage.
        assert not Activity.objects.filter(pk=activity.pk).exists()
        assert all(default_storage.exists(n) for n in names)
    assert response.status_code == 302
    assert response["Location"] == f"{_base(cast.network)}steps/{activity.step.number}/"
    assert not ProgressUpdate.objects.exists()
    assert not Evidence.objects.exists()
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(n) for n in names)
    page = client.get(response["Location"]).content.decode()
    assert "alert-success" in page
    assert activity.title in page


def test_a_rolled_back_deletion_keeps_every_file(cast, planned, django_capture_on_commit_callbacks):
    activity, names = planned

    class Boom(Exception):
        pass

    def delete_then_fail() -> None:
        with transaction.atomic():
            services.activity_delete(activity=activity, by=cast.coordinator)
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        delete_then_fail()
    assert callbacks == []  # the savepoint's on_commit went with the rollback
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert Evidence.objects.count() == 3
    assert all(default_storage.exists(n) for n in names)


def test_a_file_already_gone_does_not_fail_the_deletion(
    cast, planned, django_capture_on_commit_callbacks
):
    activity, names = planned
    default_storage.delete(names[0])
    with django_capture_on_commit_callbacks(execute=True):
        gone = services.activity_delete(activity=activity, by=cast.coordinator)
    assert (gone.updates, gone.evidence) == (2, 3)
    assert not any(default_storage.exists(n) for n in names)


def test_a_file_that_will_not_go_is_logged_and_the_others_still_go(
    cast, planned, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    activity, names = planned
    storage = Evidence._meta.get_field("file").storage
    real_delete = storage.delete

    def stuck(name):
        if name == names[0]:
            raise PermissionError(13, "Permission denied", name)
        real_delete(name)

    monkeypatch.setattr(storage, "delete", stuck)
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_delete(activity=activity, by=cast.coordinator)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert default_storage.exists(names[0])  # the stuck one, logged for an operator
    assert not any(default_storage.exists(n) for n in names[1:])
    assert any(names[0] in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    monkeypatch.undo()
    default_storage.delete(names[0])


@pytest.mark.parametrize(
    ("who", "status"), [("partner", 403), ("chair", 403), ("other_partner", 404)]
)
def test_only_coordinators_delete_activities(cast, planned, who, status):
    activity, _names = planned
    client = cast.client(who)
    assert client.get(_url(activity)).status_code == status
    assert client.post(_url(activity), _confirm(activity)).status_code == status
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert Evidence.objects.count() == 3


def test_anonymous_is_sent_to_log_in(cast, planned):
    activity, _names = planned
    response = cast.client("anonymous").post(_url(activity), _confirm(activity))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_site_admin_may_delete(cast, planned):
    activity, _names = planned
    response = cast.client("site_admin").post(_url(activity), _confirm(activity))
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_another_networks_activity_is_not_found_through_this_network(cast):
    theirs = ActivityFactory(network=cast.other_network)
    url = f"{_base(cast.network)}activities/{theirs.pk}/delete/"
    response = cast.client("coordinator").post(url, {"version": theirs.version})
    assert response.status_code == 404
    assert Activity.objects.filter(pk=theirs.pk).exists()


def test_dissolved_network_refuses_deletion(cast, planned):
    activity, _names = planned
    _dissolve(cast.network)
    client = cast.client("coordinator")
    assert client.get(_url(activity)).status_code == 403
    assert client.post(_url(activity), _confirm(activity)).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()
    page = client.get(f"{_base(cast.network)}activities/{activity.pk}/").content.decode()
    assert "/delete/" not in page


def test_an_activity_changed_since_the_page_was_shown_is_not_deleted(cast, planned):
    activity, _names = planned
    stale = activity.version
    services.progress_record(
        activity=activity,
        author=cast.partner,
        organisation=cast.partner_org,
        based_on_version=stale,
        percent=50,
        status=Activity.Status.IN_PROGRESS,
        narrative="ส่งมาระหว่างที่ผู้ประสานงานกำลังจะลบ",
    )
    response = cast.client("coordinator").post(_url(activity), {"version": stale})
    assert response.status_code == 409
    body = response.content.decode()
    assert f'value="{stale + 1}"' in body  # confirm again, now for what is really there
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert ProgressUpdate.objects.filter(activity=activity).count() == 3


def test_a_post_without_the_confirmation_deletes_nothing(cast, planned):
    activity, _names = planned
    response = cast.client("coordinator").post(_url(activity), {"version": "x"})
    assert response.status_code == 422
    assert "alert-danger" in response.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_another_app_may_refuse_with_a_clear_message(cast, planned):
    activity, _names = planned

    def keep(sender, activity, **kwargs):
        return "รายงานความก้าวหน้าที่ส่งแล้วอ้างถึงกิจกรรมนี้"

    activity_deleting.connect(keep, dispatch_uid="test_keep")
    try:
        client = cast.client("coordinator")
        page = client.get(_url(activity))
        assert page.status_code == 200
        assert "อ้างถึงกิจกรรมนี้" in page.content.decode()
        assert 'class="btn btn-danger"' not in page.content.decode()
        response = client.post(_url(activity), _confirm(activity))
        assert response.status_code == 409
        assert "อ้างถึงกิจกรรมนี้" in response.content.decode()
        with pytest.raises(services.ActivityProtected):
            services.activity_delete(activity=activity, by=cast.coordinator)
    finally:
        activity_deleting.disconnect(dispatch_uid="test_keep")
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert Evidence.objects.count() == 3


def test_what_pointed_at_the_activity_after_it_is_deleted(cast, planned):
    activity, _names = planned
    step = activity.step
    win = WinFactory(network=cast.network, step=step)
    obstacles = ObstacleEntry.objects.filter(network=cast.network).count()
    other = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    services.activity_delete(activity=activity, by=cast.coordinator)
    # The plan around it stays: its step, the other activities, wins, the register.
    assert Step.objects.filter(pk=step.pk).exists()
    assert Activity.objects.filter(pk=other.pk).exists()
    assert Win.objects.get(pk=win.pk).step == step
    assert ObstacleEntry.objects.filter(network=cast.network).count() == obstacles
    # The audit history keeps the row and says who deleted it.
    record = Activity.history.filter(id=activity.pk).latest("history_date")
    assert record.history_type == "-"
    assert record.title == activity.title
    assert record.history_user == cast.coordinator
    # The partner no longer owes it; the organisation's other activity is still owed.
    owed = selectors.activities_owed(user=cast.partner, today=selectors.today())
    assert [a.pk for a in owed] == [other.pk]


def test_deleting_twice_is_harmless(cast, planned):
    activity, _names = planned
    services.activity_delete(activity=activity, by=cast.coordinator)
    gone = services.activity_delete(activity=activity, by=cast.coordinator)
    assert (gone.updates, gone.evidence) == (0, 0)


def test_blocked_notice_for_a_deleted_activity_sends_nothing(cast, planned):
    activity, _names = planned
    update = ProgressUpdateFactory(activity=activity, status=Activity.Status.BLOCKED)
    services.activity_delete(activity=activity, by=cast.coordinator)
    mail.outbox.clear()
    assert services.blocked_notice_send(update_id=update.pk) == 0
    assert mail.outbox == []


def test_progress_on_an_activity_deleted_meanwhile_is_refused(cast, planned):
    activity, _names = planned
    version = activity.version
    services.activity_delete(activity=activity, by=cast.coordinator)
    with pytest.raises(services.ActivityGone):
        services.progress_record(
            activity=activity,
            author=cast.partner,
            organisation=cast.partner_org,
            based_on_version=version,
            percent=60,
            status=Activity.Status.IN_PROGRESS,
            narrative="ส่งหลังถูกลบ",
        )
    assert not ProgressUpdate.objects.exists()
    response = cast.client("partner").post(
        f"{_base(cast.network)}activities/{activity.pk}/progress/",
        {"percent": 60, "status": "in_progress", "narrative": "x", "version": version},
    )
    assert response.status_code == 404


def test_delete_link_on_the_activity_page_for_coordinators_only(cast, planned):
    activity, _names = planned
    url = f"{_base(cast.network)}activities/{activity.pk}/"
    coordinator = cast.client("coordinator").get(url).content.decode()
    assert f'href="{_url(activity)}"' in coordinator
    assert "btn-outline-danger" in coordinator
    partner = cast.client("partner").get(url).content.decode()
    assert _url(activity) not in partner


# --- wins -----------------------------------------------------------------------------
def _win_url(win) -> str:
    return f"{_base(win.network)}wins/{win.pk}/delete/"


@pytest.fixture
def partners_win(cast):
    win = WinFactory(network=cast.network, recorded_by=cast.partner, step=step_of(cast.network, 6))
    win.organisations.add(cast.partner_org)
    return win


@pytest.mark.parametrize("who", ["partner", "coordinator", "site_admin"])
def test_author_or_coordinator_deletes_a_win(cast, partners_win, who):
    client = cast.client(who)
    page = client.get(_win_url(partners_win))
    assert page.status_code == 200
    assert partners_win.title in page.content.decode()
    assert Win.objects.filter(pk=partners_win.pk).exists()  # GET deletes nothing
    response = client.post(_win_url(partners_win))
    assert response.status_code == 302
    assert response["Location"] == f"{_base(cast.network)}wins/"
    assert not Win.objects.filter(pk=partners_win.pk).exists()
    record = Win.history.filter(id=partners_win.pk).latest("history_date")
    assert record.history_type == "-"
    assert step_of(cast.network, 6).pk  # the step it credited stays


def test_a_partner_may_not_delete_a_win_someone_else_recorded(cast):
    win = WinFactory(network=cast.network, recorded_by=cast.coordinator)
    client = cast.client("partner")
    assert client.get(_win_url(win)).status_code == 403
    assert client.post(_win_url(win)).status_code == 403
    assert Win.objects.filter(pk=win.pk).exists()
    page = client.get(f"{_base(cast.network)}wins/").content.decode()
    assert _win_url(win) not in page


@pytest.mark.parametrize(("who", "status"), [("chair", 403), ("other_partner", 404)])
def test_others_may_not_delete_a_win(cast, partners_win, who, status):
    assert cast.client(who).post(_win_url(partners_win)).status_code == status
    assert Win.objects.filter(pk=partners_win.pk).exists()


def test_another_networks_win_is_not_found(cast):
    theirs = WinFactory(network=cast.other_network)
    url = f"{_base(cast.network)}wins/{theirs.pk}/delete/"
    assert cast.client("coordinator").post(url).status_code == 404
    assert Win.objects.filter(pk=theirs.pk).exists()


def test_dissolved_network_keeps_its_wins(cast, partners_win):
    _dissolve(cast.network)
    for who in ("partner", "coordinator"):
        assert cast.client(who).post(_win_url(partners_win)).status_code == 403
    assert Win.objects.filter(pk=partners_win.pk).exists()
    page = cast.client("coordinator").get(f"{_base(cast.network)}wins/").content.decode()
    assert "/delete/" not in page


def test_wins_page_shows_delete_to_the_author(cast, partners_win):
    page = cast.client("partner").get(f"{_base(cast.network)}wins/").content.decode()
    assert f'href="{_win_url(partners_win)}"' in page


# --- health check rounds --------------------------------------------------------------
def _round_url(round_) -> str:
    return f"{_base(round_.network)}health/rounds/{round_.pk}/delete/"


@pytest.fixture
def answered(cast):
    round_ = HealthRoundFactory(network=cast.network)
    for user, org in ((cast.partner, cast.partner_org), (cast.coordinator, None)):
        services.health_answer(
            round=round_,
            respondent=user,
            organisation=org,
            answers={i.code: 4 for i in HEALTH_ITEMS},
            comment="",
        )
    return round_


def test_coordinator_deletes_a_round_with_its_answers(cast, answered):
    keep = HealthRoundFactory(network=cast.network)
    client = cast.client("coordinator")
    page = client.get(_round_url(answered))
    assert page.status_code == 200
    assert answered.label in page.content.decode()
    assert HealthResponse.objects.filter(round=answered).count() == 2  # GET deletes nothing
    health = client.get(f"{_base(cast.network)}health/").content.decode()
    assert f'href="{_round_url(answered)}"' in health
    response = client.post(_round_url(answered))
    assert response.status_code == 302
    assert response["Location"] == f"{_base(cast.network)}health/"
    assert not HealthRound.objects.filter(pk=answered.pk).exists()
    assert not HealthResponse.objects.filter(round_id=answered.pk).exists()
    assert HealthRound.objects.filter(pk=keep.pk).exists()


def test_a_round_deletion_is_logged_with_the_round_it_was(cast, answered, caplog):
    """Rounds keep no history table: the log line is the record."""
    round_id, label = answered.pk, answered.label
    with caplog.at_level("INFO", logger="roadmap.services"):
        services.health_round_delete(round=answered, by=cast.coordinator)
    line = caplog.records[-1].getMessage()
    assert f"health round {round_id} ({label!r}, network {cast.network.pk})" in line
    assert f"by user {cast.coordinator.pk} with 2 answers" in line


def test_answers_for_a_round_deleted_meanwhile_are_refused_not_a_500(cast, answered):
    stale = HealthRound.objects.get(pk=answered.pk)
    services.health_round_delete(round=answered, by=cast.coordinator)
    with pytest.raises(services.HealthRoundGone):
        services.health_answer(
            round=stale,
            respondent=cast.partner,
            organisation=cast.partner_org,
            answers={i.code: 3 for i in HEALTH_ITEMS},
            comment="",
        )
    assert not HealthResponse.objects.filter(round_id=stale.pk).exists()


@pytest.mark.parametrize(
    ("who", "status"), [("partner", 403), ("chair", 403), ("other_partner", 404)]
)
def test_only_coordinators_delete_rounds(cast, answered, who, status):
    client = cast.client(who)
    assert client.get(_round_url(answered)).status_code == status
    assert client.post(_round_url(answered)).status_code == status
    assert HealthResponse.objects.filter(round=answered).count() == 2
    if who == "partner":
        page = client.get(f"{_base(cast.network)}health/").content.decode()
        assert _round_url(answered) not in page


def test_another_networks_round_is_not_found(cast):
    theirs = HealthRoundFactory(network=cast.other_network)
    url = f"{_base(cast.network)}health/rounds/{theirs.pk}/delete/"
    assert cast.client("coordinator").post(url).status_code == 404
    assert HealthRound.objects.filter(pk=theirs.pk).exists()


def test_dissolved_network_keeps_its_rounds(cast, answered):
    _dissolve(cast.network)
    assert cast.client("coordinator").post(_round_url(answered)).status_code == 403
    assert HealthRound.objects.filter(pk=answered.pk).exists()
