from __future__ import annotations

import pytest

from tests.conftest import CAST

VIEWERS = {"coordinator", "chair", "partner", "site_admin"}


@pytest.mark.parametrize("who", CAST)
def test_network_detail_for_the_cast(cast, who):
    response = cast.client(who).get(f"/networks/{cast.network.slug}/")
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif who in VIEWERS:
        assert response.status_code == 200
        assert cast.network.name_th in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", CAST)
def test_my_networks_lists_only_mine(cast, who):
    response = cast.client(who).get("/networks/")
    if who == "anonymous":
        assert response.status_code == 302
        return
    body = response.content.decode()
    assert response.status_code == 200
    assert (cast.network.name_th in body) == (who in VIEWERS)
    assert (cast.other_network.name_th in body) == (who in {"other_partner", "site_admin"})


def test_network_page_shows_recent_wins(cast):
    import datetime as dt

    from roadmap.models import Win

    Win.objects.create(
        network=cast.network, title="ห้องสมุดเคลื่อนที่ครบทุกหมู่บ้าน", happened_on=dt.date(2026, 11, 1)
    )
    body = cast.client("partner").get(f"/networks/{cast.network.slug}/").content.decode()
    assert "ห้องสมุดเคลื่อนที่ครบทุกหมู่บ้าน" in body
