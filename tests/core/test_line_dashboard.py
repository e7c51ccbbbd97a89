"""Coordinators see delivery on the reports dashboard: who LINE reaches, email only or
neither, and the latest LINE failures; only when LINE is configured, only to those who
manage the network."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import ChannelChoice, LineDelivery, LineLink

pytestmark = pytest.mark.django_db


def _dashboard(cast, who):
    return cast.client(who).get(reverse("reports:dashboard", args=[cast.network.slug]))


def test_the_panel_counts_reach_and_lists_failures(cast, line_api):
    partner = cast.user("partner")
    LineLink.objects.create(user=partner, line_user_id="Upartner")
    LineDelivery.objects.create(
        topic="t:1",
        user=cast.user("chair"),
        kind=ChannelChoice.Kind.NOTICE,
        text="x",
        last_error="400 Failed to send messages",
    )
    page = _dashboard(cast, "coordinator")
    assert page.status_code == 200
    reach = page.context["delivery"]["reach"]
    assert reach["by_line"] == 1
    assert reach["email_only"] >= 2
    assert reach["neither"] == 0
    assert 'id="delivery"' in page.content.decode()
    assert "400 Failed to send messages" in page.content.decode()


def test_no_panel_without_line_or_for_the_chair(cast, line_api, settings):
    assert 'id="delivery"' not in _dashboard(cast, "chair").content.decode()
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    assert 'id="delivery"' not in _dashboard(cast, "coordinator").content.decode()
