"""Small wrong things (issue 14 item 8): a win dated ahead, unscored obstacles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from roadmap import services
from roadmap.models import Win

pytestmark = pytest.mark.django_db


def _win_post(cast, day: dt.date, *, language: str = "th"):
    client = cast.client("partner")
    client.cookies["khruakhai_language"] = language
    return client.post(
        f"/networks/{cast.network.slug}/roadmap/wins/new/",
        {"title": "นักเรียนอ่านคล่องขึ้น", "happened_on": f"{day.day}/{day.month}/{day.year + 543}"},
    )


def test_a_win_dated_after_today_is_refused_in_thai_and_english(cast):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _win_post(cast, tomorrow)
    assert response.status_code == 422
    assert "วันที่ต้องไม่เลยวันนี้" in response.content.decode()
    response = _win_post(cast, tomorrow, language="en")
    assert "the date cannot be after today" in response.content.decode()
    assert not Win.objects.exists()


def test_a_win_dated_today_in_bangkok_is_recorded(cast):
    assert _win_post(cast, timezone.localdate()).status_code == 302
    assert Win.objects.get().happened_on == timezone.localdate()


def test_the_service_refuses_a_future_win_too(cast):
    with pytest.raises(ValidationError):
        services.win_record(
            network=cast.network,
            title="x",
            description="",
            happened_on=timezone.localdate() + dt.timedelta(days=1),
            organisations=[],
            people=[],
            recorded_by=cast.partner,
        )
    assert not Win.objects.exists()
