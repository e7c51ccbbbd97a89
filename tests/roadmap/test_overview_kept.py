"""The roadmap overview's body (steps, charts, late count, recent wins) is drawn once per state of
what it shows and kept in the process (roadmap.rendered). Its key is the rows read on
every request, so a change shows at once, however it was made: a bulk ``update()``
(no signal, no ``updated_at``), a delete, a rename; and the language, the day and the
viewer's buttons are in the key too."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest

from roadmap import rendered
from roadmap.models import Activity, Step

from .factories import ActivityFactory, WinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty():
    rendered.bodies.clear()
    yield
    rendered.bodies.clear()


def _url(cast) -> str:
    return f"/networks/{cast.network.slug}/roadmap/"


def _body(client, cast) -> str:
    response = client.get(_url(cast))
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_request_is_not_drawn_again_and_shows_the_same(cast):
    ActivityFactory(network=cast.network, owners=[cast.partner_org], title="อบรมครูแกนนำ")
    client = cast.client("coordinator")
    with mock.patch.object(rendered, "render_to_string", wraps=rendered.render_to_string) as draw:
        first = _body(client, cast)
        second = _body(client, cast)
    assert draw.call_count == 1
    assert _tokenless(first) == _tokenless(second)
    assert "อบรมครูแกนนำ" in second


def _tokenless(body: str) -> str:
    # The CSRF token is new on every response (in the header and the nav's forms).
    body = re.sub(r'"X-CSRFToken": "[^"]*"', "", body)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def test_a_bulk_update_shows_at_once(cast):
    activity = ActivityFactory(network=cast.network, percent=10, title="จัดค่ายวิชาการ")
    client = cast.client("partner")
    assert "จัดค่ายวิชาการ: " in _body(client, cast)
    assert ", 10%" in _body(client, cast)
    # QuerySet.update: no save(), no signal, no auto_now; the key still changes.
    Activity.objects.filter(pk=activity.pk).update(percent=73, title="จัดค่ายวิทยาศาสตร์")
    body = _body(client, cast)
    assert "จัดค่ายวิทยาศาสตร์" in body
    assert "จัดค่ายวิชาการ" not in body
    assert ", 73%" in body
    Step.objects.filter(network=cast.network, number=5).update(status=Step.Status.DONE)
    assert body != _body(client, cast)


def test_a_deleted_activity_and_a_renamed_network_show_at_once(cast):
    activity = ActivityFactory(network=cast.network, title="กิจกรรมที่จะลบ")
    client = cast.client("partner")
    assert "กิจกรรมที่จะลบ" in _body(client, cast)
    Activity.objects.filter(pk=activity.pk).delete()
    assert "กิจกรรมที่จะลบ" not in _body(client, cast)
    type(cast.network).objects.filter(pk=cast.network.pk).update(name_th="เครือข่ายชื่อใหม่")
    assert "เครือข่ายชื่อใหม่" in _body(client, cast)


def test_each_language_gets_its_own(cast):
    ActivityFactory(network=cast.network)
    client = cast.client("partner")
    assert "แผนการขับเคลื่อน 8 ขั้นตอน" in _body(client, cast)
    client.cookies["khruakhai_language"] = "en"
    english = _body(client, cast)
    assert "The 8-step change roadmap" in english
    assert "Timeline of activities" in english
    client.cookies["khruakhai_language"] = "th"
    thai = _body(client, cast)
    assert "แผนการขับเคลื่อน 8 ขั้นตอน" in thai
    assert "The 8-step change roadmap" not in thai


def test_the_next_day_makes_an_activity_late(cast):
    today = dt.date(2026, 11, 10)
    ActivityFactory(network=cast.network, due_on=today, status=Activity.Status.IN_PROGRESS)
    client = cast.client("partner")
    with mock.patch("roadmap.selectors.today", return_value=today):
        assert "past its due date" not in _english(client, cast)
    with mock.patch("roadmap.selectors.today", return_value=today + dt.timedelta(days=1)):
        assert "1 activity is past its due date." in _english(client, cast)


def _english(client, cast) -> str:
    client.cookies["khruakhai_language"] = "en"
    return _body(client, cast)


def test_the_buttons_follow_the_viewer_not_the_kept_plan(cast):
    coordinator, partner = cast.client("coordinator"), cast.client("partner")
    create = f"/networks/{cast.network.slug}/roadmap/activities/new/"
    for _ in range(2):  # either order, twice: each viewer sees their own
        assert create in _body(coordinator, cast)
        assert create not in _body(partner, cast)


def test_a_new_win_and_a_renamed_credit_show_at_once(cast):
    client = cast.client("partner")
    assert "ห้องสมุดมีชีวิต" not in _body(client, cast)
    win = WinFactory(network=cast.network, title="ห้องสมุดมีชีวิต")
    assert "ห้องสมุดมีชีวิต" in _body(client, cast)
    win.organisations.add(cast.partner_org)
    assert cast.partner_org.name_th in _body(client, cast)
    type(cast.partner_org).objects.filter(pk=cast.partner_org.pk).update(name_th="โรงเรียนชื่อใหม่")
    assert "โรงเรียนชื่อใหม่" in _body(client, cast)


def test_credits_read_in_one_query_match_the_wins_page(cast):
    """Several organisations and people, in both languages: the overview (rows read in
    one query) credits them exactly as the wins page (Win instances) does."""
    win = WinFactory(network=cast.network, title="ห้องสมุดมีชีวิต")
    other = WinFactory(network=cast.network, title="ครูต้นแบบ")
    lead = cast.network.lead_organisation
    type(lead).objects.filter(pk=lead.pk).update(name_en="Lead school")
    win.organisations.add(cast.partner_org, lead, cast.other_org)
    win.people.add(cast.partner.person, cast.coordinator.person)
    other.people.add(cast.chair.person)
    client = cast.client("partner")
    for language in ("th", "en"):
        client.cookies["khruakhai_language"] = language
        overview = _credits(_body(client, cast))
        wins_page = _credits(client.get(f"/networks/{cast.network.slug}/roadmap/wins/").content)
        assert len(overview) == 2
        assert overview == wins_page


def _credits(body) -> list[str]:
    text = body if isinstance(body, str) else body.decode()
    return re.findall(r'<div class="small">.*?</div>', text, flags=re.S)


def test_a_credited_person_and_a_changed_win_show_at_once(cast):
    """The people a win credits (their link and their own row) and the win's row itself
    are in the key too: a bulk update of any of them shows at once."""
    win = WinFactory(network=cast.network, title="ห้องสมุดมีชีวิต")
    client = cast.client("partner")
    assert _credits(_body(client, cast)) == []
    win.people.add(cast.partner.person)
    assert cast.partner.person.full_name in "".join(_credits(_body(client, cast)))
    type(cast.partner.person).objects.filter(pk=cast.partner.person.pk).update(
        full_name="ครูชื่อใหม่ ทดสอบ"
    )
    assert "ครูชื่อใหม่ ทดสอบ" in "".join(_credits(_body(client, cast)))
    type(win).objects.filter(pk=win.pk).update(title="ห้องสมุดเคลื่อนที่")
    body = _body(client, cast)
    assert "ห้องสมุดเคลื่อนที่" in body
    assert "ห้องสมุดมีชีวิต" not in body
