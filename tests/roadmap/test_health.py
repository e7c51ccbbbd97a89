from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from network.models import Role
from roadmap import selectors, services
from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import HealthResponse, HealthRound
from tests.conftest import _member

from .factories import HealthRoundFactory

pytestmark = pytest.mark.django_db


def _answers(score: int, comment: str = "") -> dict:
    return {item.code: score for item in HEALTH_ITEMS} | {"comment": comment}


def _respond(client, cast, rnd, data):
    return client.post(f"/networks/{cast.network.slug}/roadmap/health/rounds/{rnd.pk}/", data)


def test_partner_answers_and_sees_only_their_own(cast):
    rnd = HealthRoundFactory(network=cast.network)
    # a second partner organisation in the same network
    second = _member(cast.network, Role.Kind.PARTNER_REP)
    from django.test import Client

    second_client = Client()
    second_client.force_login(second)
    assert _respond(second_client, cast, rnd, _answers(1, "ความลับของภาคีที่สอง")).status_code == 302
    assert (
        _respond(cast.client("partner"), cast, rnd, _answers(5, "ความเห็นของฉัน")).status_code == 302
    )
    page = cast.client("partner").get(f"/networks/{cast.network.slug}/roadmap/health/")
    body = page.content.decode()
    assert "ความเห็นของฉัน" in body  # my own answers, shown only to me
    assert "ความลับของภาคีที่สอง" not in body
    # two answers are too few to show averages to anyone
    assert page.context["summaries"][0].items == {}
    assert "1.00" not in body
    assert "3.00" not in body


def test_averages_rate_and_anonymous_comments_from_three_answers(cast):
    rnd = HealthRoundFactory(network=cast.network)
    extra = [_member(cast.network, Role.Kind.PARTNER_REP) for _ in range(2)]
    for user, score, comment in [
        (cast.partner, 5, "ทำงานแนวราบจริง"),
        (extra[0], 3, ""),
        (extra[1], 1, "ประชุมบ่อยเกินไป"),
    ]:
        services.health_answer(
            round=rnd, respondent=user, organisation=None, answers=_answers(score), comment=comment
        )
    summary = selectors.health_summaries(network=cast.network)[0]
    assert summary.responses == 3
    assert summary.expected == 4  # three partners and the coordinator
    assert summary.rate == 75
    assert summary.items["p_equal"] == 3.0
    assert summary.groups["factors"] == 3.0
    coordinator = (
        cast.client("coordinator")
        .get(f"/networks/{cast.network.slug}/roadmap/health/")
        .content.decode()
    )
    assert "ประชุมบ่อยเกินไป" in coordinator
    assert "3.00" in coordinator
    assert extra[1].full_name not in coordinator  # comments carry no names
    partner = cast.client("partner").get(f"/networks/{cast.network.slug}/roadmap/health/")
    body = partner.content.decode()
    assert "3.00" in body  # the network's averages
    assert "ประชุมบ่อยเกินไป" not in body  # but not other partners' comments


def test_answers_can_change_while_open_and_not_after(cast):
    rnd = HealthRoundFactory(network=cast.network)
    client = cast.client("partner")
    _respond(client, cast, rnd, _answers(2))
    _respond(client, cast, rnd, _answers(4))
    response = HealthResponse.objects.get()
    assert set(response.scores().values()) == {4}
    rnd.closes_on = dt.date.today() - dt.timedelta(days=1)
    rnd.opened_on = rnd.closes_on - dt.timedelta(days=10)
    rnd.save()
    _respond(client, cast, rnd, _answers(1))
    response.refresh_from_db()
    assert set(response.scores().values()) == {4}


def _close(rnd) -> None:
    rnd.closes_on = timezone.localdate() - dt.timedelta(days=1)
    rnd.opened_on = rnd.closes_on - dt.timedelta(days=10)
    rnd.save()


def test_the_service_refuses_a_closed_round_and_changes_nothing(cast):
    rnd = HealthRoundFactory(network=cast.network)
    mine = services.health_answer(
        round=rnd,
        respondent=cast.partner,
        organisation=cast.partner_org,
        answers=_answers(4),
        comment="ก่อนปิดรอบ",
    )
    # A stale copy still carries the open dates: the service reads the locked row.
    stale = HealthRound.objects.get(pk=rnd.pk)
    _close(rnd)
    for who in (cast.partner, cast.coordinator):
        with pytest.raises(services.HealthRoundClosed) as refused:
            services.health_answer(
                round=stale,
                respondent=who,
                organisation=None,
                answers=_answers(1),
                comment="หลังปิดรอบ",
            )
        assert refused.value.code == "health_round_closed"
    assert HealthResponse.objects.count() == 1
    mine.refresh_from_db()
    assert set(mine.scores().values()) == {4}
    assert mine.comment == "ก่อนปิดรอบ"


def test_a_round_not_open_yet_takes_no_answers(cast):
    rnd = HealthRoundFactory(
        network=cast.network,
        opened_on=timezone.localdate() + dt.timedelta(days=1),
        closes_on=timezone.localdate() + dt.timedelta(days=30),
    )
    with pytest.raises(services.HealthRoundClosed):
        services.health_answer(
            round=rnd,
            respondent=cast.partner,
            organisation=None,
            answers=_answers(3),
            comment="",
        )
    assert not HealthResponse.objects.exists()


def test_answering_a_closed_round_says_so(cast):
    rnd = HealthRoundFactory(network=cast.network)
    _close(rnd)
    client = cast.client("partner")
    response = _respond(client, cast, rnd, _answers(3))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "รอบนี้ปิดแล้ว" in page
    assert not HealthResponse.objects.exists()


def test_missing_score_is_refused(cast):
    rnd = HealthRoundFactory(network=cast.network)
    data = _answers(3)
    del data["f_leaders"]
    response = _respond(cast.client("partner"), cast, rnd, data)
    assert response.status_code == 422
    assert not HealthResponse.objects.exists()


def test_chair_does_not_answer(cast):
    rnd = HealthRoundFactory(network=cast.network)
    assert _respond(cast.client("chair"), cast, rnd, _answers(3)).status_code == 403


def test_another_networks_round_is_not_found(cast):
    rnd = HealthRoundFactory(network=cast.other_network)
    assert _respond(cast.client("partner"), cast, rnd, _answers(3)).status_code == 404


def test_coordinator_opens_a_round_with_thai_dates(cast):
    url = f"/networks/{cast.network.slug}/roadmap/health/rounds/new/"
    client = cast.client("coordinator")
    bad = client.post(url, {"label": "รอบผิด", "opened_on": "1/12/2569", "closes_on": "1/11/2569"})
    assert bad.status_code == 422
    assert "วันสิ้นสุดต้องไม่อยู่ก่อนวันเริ่มต้น" in bad.content.decode()
    ok = client.post(
        url, {"label": "ภาคเรียนที่ 2/2569", "opened_on": "1/12/2569", "closes_on": "31/1/2570"}
    )
    assert ok.status_code == 302
    rnd = cast.network.health_rounds.get()
    assert (rnd.opened_on, rnd.closes_on) == (dt.date(2026, 12, 1), dt.date(2027, 1, 31))
