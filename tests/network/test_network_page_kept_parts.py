"""The network page's header, charter and benefits are kept with its body, and its
recent wins on their own rows (roadmap_tags.recent_wins): a change to any row they
show, even by a bulk update() that sends no signal, shows on the very next request;
the site admin's "reopen" form on a dissolved network keeps its CSRF token.

On PostgreSQL the kept parts are used; elsewhere the body is drawn every time (the
recent wins are kept on their rows everywhere), and the same assertions hold.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from network.models import Network, Organisation, Person
from network.selectors import network_page
from roadmap.models import Win
from roadmap.templatetags import roadmap_tags
from tests import factories

URL = "/networks/cast-network/"


@pytest.fixture
def page(cast):
    network_page.kept.clear()
    roadmap_tags.recent_wins_kept.clear()
    client = cast.client("coordinator")
    assert client.get(URL).status_code == 200
    return client


def _body(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_header_charter_and_benefits_follow_bulk_updates(page, cast):
    Network.objects.filter(pk=cast.network.pk).update(
        name_th="เครือข่ายชื่อใหม่", purpose="จุดมุ่งหมายเขียนใหม่", benefits=["fast_decisions"]
    )
    body = _body(page)
    assert "เครือข่ายชื่อใหม่" in body
    assert "จุดมุ่งหมายเขียนใหม่" in body
    assert "ตัดสินใจและแก้ปัญหาได้รวดเร็วท่ามกลางความไม่แน่นอน" in body
    Network.objects.filter(pk=cast.network.pk).update(benefits=[])
    assert "ตัดสินใจและแก้ปัญหาได้รวดเร็วท่ามกลางความไม่แน่นอน" not in _body(page)


def test_the_lead_organisations_name_shows_at_once(page, cast):
    lead = cast.network.lead_organisation
    Organisation.objects.filter(pk=lead.pk).update(name_th="องค์กรนำชื่อใหม่")
    assert "องค์กรนำชื่อใหม่" in _body(page)
    other = factories.OrganisationFactory(name_th="องค์กรนำที่ไม่ใช่สมาชิก")
    Network.objects.filter(pk=cast.network.pk).update(lead_organisation=other)
    assert "องค์กรนำที่ไม่ใช่สมาชิก" in _body(page)


def test_the_edit_buttons_follow_the_viewer(page, cast):
    edit = 'href="/networks/cast-network/charter/'
    assert edit in _body(page)
    assert edit not in _body(cast.client("partner"))
    assert edit in _body(page)


def test_a_dissolved_networks_reopen_form_has_a_csrf_token(cast):
    network_page.kept.clear()
    Network.objects.filter(pk=cast.network.pk).update(status=Network.Status.DISSOLVED)
    client = cast.client("site_admin")
    for _ in range(2):
        body = _body(client)
        form = body[body.index('action="/networks/cast-network/reopen/"') :]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', form)
        assert token
        assert token.group(1)
    # The coordinator sees the dissolution without the form.
    body = _body(cast.client("coordinator"))
    assert "/reopen/" not in body


def test_recent_wins_follow_bulk_updates_and_their_credits(page, cast):
    win = Win.objects.create(
        network=cast.network, title="ห้องสมุดเคลื่อนที่", happened_on=dt.date(2026, 11, 1)
    )
    win.organisations.add(cast.partner_org)
    person = Person.objects.get(user=cast.partner)
    win.people.add(person)
    body = _body(page)
    assert "ห้องสมุดเคลื่อนที่" in body
    assert "มหาวิทยาลัยภาคีทดสอบ" in body.split("ห้องสมุดเคลื่อนที่", 1)[1]

    Win.objects.filter(pk=win.pk).update(title="ห้องสมุดเคลื่อนที่ครบทุกหมู่บ้าน")
    assert "ห้องสมุดเคลื่อนที่ครบทุกหมู่บ้าน" in _body(page)

    Organisation.objects.filter(pk=cast.partner_org.pk).update(name_th="มหาวิทยาลัยชื่อใหม่")
    Person.objects.filter(pk=person.pk).update(title="", full_name="ผู้แทนเปลี่ยนชื่อ")
    wins = _body(page).split("ห้องสมุดเคลื่อนที่ครบทุกหมู่บ้าน", 1)[1]
    assert "มหาวิทยาลัยชื่อใหม่" in wins
    assert "ผู้แทนเปลี่ยนชื่อ" in wins

    Win.objects.create(network=cast.network, title="ชนะครั้งใหม่", happened_on=dt.date(2026, 11, 2))
    assert "ชนะครั้งใหม่" in _body(page)
    Win.objects.filter(network=cast.network).delete()
    assert "ห้องสมุดเคลื่อนที่ครบทุกหมู่บ้าน" not in _body(page)


def test_recent_wins_follow_the_language(page, cast):
    win = Win.objects.create(network=cast.network, title="ชนะ", happened_on=dt.date(2026, 11, 1))
    org = factories.OrganisationFactory(name_th="โรงเรียนไทย", name_en="Thai School")
    win.organisations.add(org)
    assert "โรงเรียนไทย" in _body(page)
    page.cookies["khruakhai_language"] = "en"
    body = _body(page)
    assert "Thai School" in body
    assert "Recent wins" in body
