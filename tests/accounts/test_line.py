"""Linking LINE by the person themself: the page's one-time code, signed webhook events
from the local LINE server's point of view, forged and replayed events refused, a code
that works once, for one login, for a few minutes; unfollow and "Unlink"."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from core.line_services import line_code_issue
from core.models import ChannelChoice, LineLink, LineLinkCode, LineWebhookEvent
from tests.line_server import event_body, signed, text_event, unfollow_event

pytestmark = pytest.mark.django_db

LINE_ID = "U0123456789abcdef0123456789abcdef"
PASSWORD = "ป่าประดู่-network-2569"


@pytest.fixture
def kru():
    return get_user_model().objects.create_user(email="kru@example.org", password=PASSWORD)


@pytest.fixture
def other():
    return get_user_model().objects.create_user(email="other@example.org", password=PASSWORD)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(body: str, signature: str | None = None):
    return Client().post(
        "/line/webhook/",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": signed(body) if signature is None else signature},
    )


def test_the_page_is_off_without_line(kru, settings):
    settings.LINE_CHANNEL_SECRET = ""
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    assert _client(kru).get("/accounts/line/").status_code == 404
    assert "/accounts/line/" not in _client(kru).get("/networks/").content.decode()
    assert _post(event_body(text_event(LINE_ID, "X"))).status_code == 404


def test_the_page_shows_a_code_and_the_qr(kru, line_api):
    client = _client(kru)
    page = client.get("/accounts/line/")
    assert page.status_code == 200
    assert "https://line.me/R/ti/p/@khruakhai" in page.content.decode()
    assert "<svg" in page.content.decode()
    assert client.post("/accounts/line/", {"action": "code"}).status_code == 302
    code = LineLinkCode.objects.get(user=kru)
    assert len(code.code) == 8
    assert code.code in client.get("/accounts/line/").content.decode()
    assert "/accounts/line/" in client.get("/networks/").content.decode()  # in the menu


def test_a_signed_event_with_the_code_links_and_replies(kru, line_api):
    code = line_code_issue(user=kru)
    response = _post(event_body(text_event(LINE_ID, f" {code.code.lower()} ")))
    assert response.status_code == 200
    assert LineLink.objects.get(user=kru).line_user_id == LINE_ID
    [reply] = line_api.replies
    assert reply.headers["authorization"] == "Bearer test-channel-token"
    assert reply.body["messages"][0]["text"]
    page = _client(kru).get("/accounts/line/").content.decode()
    assert "Unlink" in page or "ยกเลิก" in page


def test_a_forged_signature_is_refused_and_changes_nothing(kru, line_api):
    code = line_code_issue(user=kru)
    body = event_body(text_event(LINE_ID, code.code))
    assert _post(body, signature=signed(body, "not-the-secret")).status_code == 400
    assert _post(body, signature="").status_code == 400
    assert _post("not json", signature=signed("not json")).status_code == 400
    assert not LineLink.objects.exists()
    assert not LineWebhookEvent.objects.exists()
    assert LineLinkCode.objects.get().used_at is None


def test_a_replayed_event_is_refused(kru, other, line_api):
    code = line_code_issue(user=kru)
    event = text_event(LINE_ID, code.code)
    body = event_body(event)
    assert _post(body).status_code == 200
    LineLink.objects.all().delete()
    assert _post(body).status_code == 200  # LINE expects 200; the event is not acted on
    assert not LineLink.objects.exists()
    assert len(line_api.replies) == 1


def test_an_old_event_is_ignored(kru, line_api):
    code = line_code_issue(user=kru)
    body = event_body(text_event(LINE_ID, code.code, at=time.time() - 600))
    assert _post(body).status_code == 200
    assert not LineLink.objects.exists()


def test_a_code_works_once_for_one_login(kru, other, line_api):
    code = line_code_issue(user=kru)
    _post(event_body(text_event(LINE_ID, code.code)))
    _post(event_body(text_event("Uanother", code.code)))
    assert list(LineLink.objects.values_list("line_user_id", flat=True)) == [LINE_ID]


def test_an_expired_code_is_refused(kru, line_api):
    code = line_code_issue(user=kru, now=timezone.now() - dt.timedelta(minutes=11))
    _post(event_body(text_event(LINE_ID, code.code)))
    assert not LineLink.objects.exists()
    assert line_api.replies  # told the code is not valid


def test_a_new_code_retires_the_old_one(kru, line_api):
    first = line_code_issue(user=kru)
    line_code_issue(user=kru)
    _post(event_body(text_event(LINE_ID, first.code)))
    assert not LineLink.objects.exists()


def test_a_line_id_linked_to_another_login_is_refused(kru, other, line_api):
    LineLink.objects.create(user=other, line_user_id=LINE_ID)
    code = line_code_issue(user=kru)
    _post(event_body(text_event(LINE_ID, code.code)))
    assert not LineLink.objects.filter(user=kru).exists()
    assert LineLink.objects.get().user == other
    assert LineLinkCode.objects.get(user=kru).used_at is None


def test_unfollow_removes_the_link(kru, line_api):
    LineLink.objects.create(user=kru, line_user_id=LINE_ID)
    assert _post(event_body(unfollow_event(LINE_ID))).status_code == 200
    assert not LineLink.objects.exists()


def test_unlink_and_choices_on_the_page(kru, line_api):
    LineLink.objects.create(user=kru, line_user_id=LINE_ID)
    client = _client(kru)
    data = {kind: "email" for kind in ChannelChoice.Kind.values}
    data["report_reminder"] = "both"
    assert client.post("/accounts/line/", data).status_code == 302
    assert ChannelChoice.objects.get(user=kru, kind="report_reminder").channel == "both"
    data["digest"] = "pigeon"
    assert client.post("/accounts/line/", data).status_code == 422
    assert client.post("/accounts/line/", {"action": "unlink"}).status_code == 302
    assert not LineLink.objects.exists()


def test_the_webhook_takes_post_only(line_api):
    assert Client().get("/line/webhook/").status_code == 405
