from __future__ import annotations

import datetime as dt
import re

import pytest

from network.models import Network
from roadmap import selectors, services
from roadmap.models import Activity, ObstacleEntry, ProgressUpdate, Step, Win
from tests.factories import NetworkFactory, OrganisationFactory

from .factories import ActivityFactory, step_of

pytestmark = pytest.mark.django_db


def _url(cast, activity, suffix: str = "") -> str:
    return f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/{suffix}"


def _progress(activity, **extra) -> dict:
    return {
        "percent": 40,
        "status": "in_progress",
        "narrative": "จัดอบรมครูแล้ว 2 รุ่น",
        "version": activity.version,
        **extra,
    }


def test_every_new_network_has_its_roadmap():
    network = NetworkFactory()
    steps = list(network.steps.order_by("number"))
    assert [s.number for s in steps] == list(range(1, 9))
    assert steps[0].code == "urgency"
    assert steps[5].title  # from the catalogue
    assert network.obstacles.filter(kind=ObstacleEntry.Kind.OBSTACLE).count() == 9
    assert network.obstacles.filter(kind=ObstacleEntry.Kind.DISADVANTAGE).count() == 5
    services.roadmap_create(network=network)  # idempotent
    assert Step.objects.filter(network=network).count() == 8
    assert network.obstacles.count() == 14


def test_step_titles_in_both_languages():
    from django.utils import translation

    step = step_of(NetworkFactory(), 6)
    with translation.override("th"):
        assert step.title == "ชื่นชมความสำเร็จทีละเล็กละน้อย"
    with translation.override("en"):
        assert step.title == "Celebrate short-term wins"
        assert "praise" in step.description


def test_coordinator_plans_an_activity_with_thai_dates(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roadmap/activities/new/",
        {
            "step": step_of(cast.network, 5).pk,
            "title": "ค่ายรักการอ่าน",
            "owners": [cast.partner_org.pk],
            "start_on": "1/12/2569",
            "due_on": "31/01/2570",
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="ค่ายรักการอ่าน")
    assert activity.start_on == dt.date(2026, 12, 1)
    assert activity.due_on == dt.date(2027, 1, 31)
    assert list(activity.owners.all()) == [cast.partner_org]


def test_bad_plan_is_refused_with_a_message_and_nothing_saved(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roadmap/activities/new/",
        {
            "step": step_of(cast.network, 5).pk,
            "title": "กิจกรรมวันที่ผิด",
            "owners": [cast.partner_org.pk],
            "start_on": "1/12/2569",
            "due_on": "1/11/2569",
            "status": "blocked",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "วันสิ้นสุดต้องไม่อยู่ก่อนวันเริ่มต้น" in body
    assert not Activity.objects.filter(title="กิจกรรมวันที่ผิด").exists()


def test_partner_updates_own_organisations_activity_inline(cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    response = cast.client("partner").post(
        _url(cast, activity, "progress/"), _progress(activity), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="progress-panel"' in response.content.decode()
    activity.refresh_from_db()
    assert (activity.percent, activity.status, activity.version) == (40, "in_progress", 2)
    update = activity.updates.get()
    assert update.organisation == cast.partner_org
    assert update.author == cast.partner


def test_the_panel_after_an_update_is_the_saved_activity_and_takes_the_next_one(cast):
    """The panel htmx swaps in shows what was saved (the activity is not read again:
    the view's copy is the saved row) and carries the new version, so the same
    panel posts the next update without a conflict."""
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    client = cast.client("partner")
    url = _url(cast, activity, "progress/")
    first = client.post(url, _progress(activity, percent=40), HTTP_HX_REQUEST="true")
    body = first.content.decode()
    assert first.status_code == 200
    assert 'value="40"' in body
    assert "จัดอบรมครูแล้ว 2 รุ่น" in body
    version = re.search(r'name="version" value="(\d+)"', body).group(1)
    assert version == "2"
    second = client.post(
        url,
        {**_progress(activity, percent=70, status="done"), "version": version},
        HTTP_HX_REQUEST="true",
    )
    assert second.status_code == 200
    assert 'name="version" value="3"' in second.content.decode()
    activity.refresh_from_db()
    assert (activity.percent, activity.status, activity.version) == (100, "done", 3)
    assert activity.updates.count() == 2


def test_updates_are_kept_as_history_and_the_latest_shows(cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    client = cast.client("partner")
    client.post(_url(cast, activity, "progress/"), _progress(activity, narrative="ครั้งแรก"))
    activity.refresh_from_db()
    client.post(
        _url(cast, activity, "progress/"),
        _progress(activity, narrative="ครั้งที่สอง", percent=100, status="done"),
    )
    activity.refresh_from_db()
    assert activity.status == "done"
    assert activity.percent == 100
    assert [u.narrative for u in activity.updates.all()] == ["ครั้งที่สอง", "ครั้งแรก"]
    body = client.get(_url(cast, activity)).content.decode()
    assert body.index("ครั้งที่สอง") < body.index("ครั้งแรก")


def test_partner_cannot_update_another_organisations_activity(cast):
    activity = ActivityFactory(network=cast.network, owners=[OrganisationFactory()])
    response = cast.client("partner").post(_url(cast, activity, "progress/"), _progress(activity))
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.version == 1
    assert activity.percent == 10
    assert not ProgressUpdate.objects.exists()
    # and a partner of another network does not even learn it exists
    response = cast.client("other_partner").post(
        _url(cast, activity, "progress/"), _progress(activity)
    )
    assert response.status_code == 404


def test_blocked_needs_a_reason(cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    response = cast.client("partner").post(
        _url(cast, activity, "progress/"),
        _progress(activity, status="blocked"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "ระบุเหตุผลที่กิจกรรมติดขัด" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_two_updates_from_the_same_version_conflict_and_both_texts_survive(cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    stale = activity.version
    first = cast.client("coordinator").post(
        _url(cast, activity, "progress/"),
        _progress(activity, narrative="ข้อความของผู้ประสานงาน", percent=50),
        HTTP_HX_REQUEST="true",
    )
    assert first.status_code == 200
    second = cast.client("partner").post(
        _url(cast, activity, "progress/"),
        {**_progress(activity, narrative="ข้อความของภาคี", percent=30), "version": stale},
        HTTP_HX_REQUEST="true",
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "ข้อความของผู้ประสานงาน" in body  # the newer values are shown
    assert "ข้อความของภาคี" in body  # what the partner typed is still in the form
    assert 'name="version" value="2"' in body  # saving again is a deliberate choice
    activity.refresh_from_db()
    assert activity.percent == 50
    assert activity.version == 2
    assert [u.narrative for u in activity.updates.all()] == ["ข้อความของผู้ประสานงาน"]
    # Saving again from the conflict form adds the partner's update; both are kept.
    again = cast.client("partner").post(
        _url(cast, activity, "progress/"),
        _progress(activity, narrative="ข้อความของภาคี", percent=30),
    )
    assert again.status_code == 302
    assert set(activity.updates.values_list("narrative", flat=True)) == {
        "ข้อความของผู้ประสานงาน",
        "ข้อความของภาคี",
    }


def test_stale_plan_edit_conflicts_and_keeps_the_typed_values(cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org], title="ชื่อเดิม")
    form = {
        "step": activity.step_id,
        "title": "ชื่อใหม่จากผู้ประสานงาน",
        "owners": [cast.partner_org.pk],
        "status": "in_progress",
        "version": 1,
    }
    client = cast.client("coordinator")
    assert client.post(_url(cast, activity, "edit/"), form).status_code == 302
    stale = client.post(_url(cast, activity, "edit/"), {**form, "title": "ชื่อที่พิมพ์ทีหลัง"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "ชื่อใหม่จากผู้ประสานงาน" in body
    assert "ชื่อที่พิมพ์ทีหลัง" in body
    activity.refresh_from_db()
    assert activity.title == "ชื่อใหม่จากผู้ประสานงาน"


def test_dissolved_network_refuses_progress(cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    Network.objects.filter(pk=cast.network.pk).update(status=Network.Status.DISSOLVED)
    response = cast.client("partner").post(_url(cast, activity, "progress/"), _progress(activity))
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_step_edit_saves(cast):
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roadmap/steps/2/edit/",
        {"status": "in_progress", "target_start": "1/1/2570", "target_end": "31/3/2570"},
    )
    assert response.status_code == 302
    step = step_of(cast.network, 2)
    assert step.status == "in_progress"
    assert step.target_end == dt.date(2027, 3, 31)


def test_win_is_recorded_with_credits_and_shown_on_the_overview(cast):
    person = cast.partner.person
    response = cast.client("partner").post(
        f"/networks/{cast.network.slug}/roadmap/wins/new/",
        {
            "title": "นักเรียนอ่านคล่องขึ้น",
            "happened_on": "20/9/2569",
            "organisations": [cast.partner_org.pk],
            "people": [person.pk],
        },
    )
    assert response.status_code == 302
    win = Win.objects.get()
    assert win.step.number == 6
    assert win.recorded_by == cast.partner
    assert list(win.people.all()) == [person]
    assert selectors.wins_recent(network=cast.network) == [win]
    body = cast.client("chair").get(f"/networks/{cast.network.slug}/roadmap/").content.decode()
    assert "นักเรียนอ่านคล่องขึ้น" in body
    assert cast.partner_org.name_th in body


def test_obstacle_edit_and_heat_map(cast):
    entry = cast.network.obstacles.get(code="obstacle_credit")
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roadmap/obstacles/{entry.pk}/edit/",
        {"likelihood": 5, "impact": 4, "mitigation": "ให้เครดิตทุกภาคี", "review_on": "1/2/2570"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.score == 20
    assert entry.review_on == dt.date(2027, 2, 1)
    bad = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roadmap/obstacles/{entry.pk}/edit/",
        {"likelihood": 9, "impact": 4},
    )
    assert bad.status_code == 422
    entry.refresh_from_db()
    assert entry.likelihood == 5


def test_my_tasks_late_first_then_by_due_date(cast):
    today = dt.date.today()
    mine = [cast.partner_org]
    later = ActivityFactory(network=cast.network, owners=mine, due_on=today + dt.timedelta(20))
    sooner = ActivityFactory(network=cast.network, owners=mine, due_on=today + dt.timedelta(3))
    late = ActivityFactory(network=cast.network, owners=mine, due_on=today - dt.timedelta(10))
    ActivityFactory(network=cast.network, owners=mine, title="เสร็จแล้ว", status="done")
    ActivityFactory(network=cast.network, owners=[OrganisationFactory()], title="ของคนอื่น")
    response = cast.client("partner").get("/my/tasks/")
    assert [t.pk for t in response.context["tasks"]] == [late.pk, sooner.pk, later.pk]
    body = response.content.decode()
    assert "เสร็จแล้ว" not in body
    assert "ของคนอื่น" not in body
    assert cast.client("other_partner").get("/my/tasks/").context["tasks"] == []


def test_queryset_helpers(cast):
    today = dt.date(2026, 11, 25)
    a = ActivityFactory(network=cast.network, owners=[cast.partner_org], due_on=dt.date(2026, 1, 1))
    ActivityFactory(network=cast.other_network, owners=[cast.partner_org])
    assert list(Activity.objects.for_network(cast.network)) == [a]
    assert list(Activity.objects.for_network(cast.network).late(today)) == [a]
    assert list(Activity.objects.owed_by([cast.partner_org.pk]).for_network(cast.network)) == [a]
    services.progress_record(
        activity=a,
        author=cast.partner,
        organisation=cast.partner_org,
        based_on_version=1,
        percent=10,
        status="in_progress",
        narrative="x",
    )
    start = end = dt.date.today()
    assert ProgressUpdate.objects.between(cast.network, start - dt.timedelta(1), end).count() == 1
    assert ProgressUpdate.objects.between(cast.other_network, start, end).count() == 0


def test_coordinators_hear_once_when_an_activity_becomes_blocked(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org], title="แท็บเล็ต")
    client = cast.client("partner")
    reason = "รอการอนุมัติครุภัณฑ์"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(cast, activity, "progress/"),
            _progress(activity, status="blocked", blocked_reason=reason),
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [cast.coordinator.email]
    assert "แท็บเล็ต" in message.subject
    assert reason in message.body
    assert f"/roadmap/activities/{activity.pk}/" in message.body
    update = activity.updates.get()
    assert services.blocked_notice_send(update_id=update.pk) == 0  # a second run sends nothing
    activity.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url(cast, activity, "progress/"),
            _progress(activity, status="blocked", blocked_reason=reason, narrative="ยังรออยู่"),
        )
    assert len(mailoutbox) == 1  # still blocked: no new notice


def test_pages_read_in_english(cast):
    client = cast.client("chair")
    client.post("/language/", {"language": "en", "next": "/"})
    body = client.get(f"/networks/{cast.network.slug}/roadmap/").content.decode()
    assert "The 8-step change roadmap" in body
    assert "Celebrate short-term wins" in body


@pytest.mark.parametrize("step", ["3", "abc", "99999999999999999999", ""])
def test_plan_form_preselects_a_step_and_ignores_nonsense(cast, step):
    response = cast.client("coordinator").get(
        f"/networks/{cast.network.slug}/roadmap/activities/new/", {"step": step}
    )
    assert response.status_code == 200
    chosen = response.context["form"].initial["step"]
    assert (chosen.number if chosen else None) == (3 if step == "3" else None)


def test_a_network_made_in_the_admin_gets_its_roadmap(cast):
    from network.models import Network

    data = {
        "name_th": "เครือข่ายจากหน้าผู้ดูแล",
        "slug": "from-admin",
        "form": "cop",
        "status": "forming",
        "benefits": "[]",
    }
    for prefix in ("memberships", "roles"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = cast.client("site_admin").post("/admin/network/network/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    network = Network.objects.get(slug="from-admin")
    assert network.steps.count() == 8
    assert network.obstacles.count() == 14
