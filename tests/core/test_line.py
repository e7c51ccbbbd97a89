"""LINE delivery against a real local HTTP server standing in for the Messaging API:
the retry key on every push and the same one on a retry, 429 then success delivering
once, a blocked person unlinked and written to by email, and the feature off when
LINE is not configured."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from core.line_services import line_deliveries_due, line_delivery_push
from core.models import ChannelChoice, LineDelivery, LineLink
from core.notify import person_notify
from core.tasks import line_push

pytestmark = pytest.mark.django_db

Kind = ChannelChoice.Kind


@pytest.fixture
def kru():
    user = get_user_model().objects.create_user(
        email="kru.somsri@example.org", password="x-2569-secret"
    )
    user.language = "th"
    user.save()
    return user


def _link(user, line_id="U1234567890abcdef", channel=ChannelChoice.Channel.LINE):
    LineLink.objects.create(user=user, line_user_id=line_id)
    ChannelChoice.objects.create(user=user, kind=Kind.NOTICE, channel=channel)


def _notify(user, topic="test:1"):
    return person_notify(
        user=user,
        kind=Kind.NOTICE,
        topic=topic,
        template="core_line_fallback",
        context={"recipient": user, "unlinked": False, "text": "สวัสดี"},
        url="https://khruakhai.example/networks/pa-pradu/",
    )


def test_off_without_configuration_everything_goes_by_email(kru, settings):
    settings.LINE_CHANNEL_SECRET = ""
    settings.LINE_CHANNEL_ACCESS_TOKEN = ""
    _link(kru)
    assert _notify(kru) == "email"
    assert len(mail.outbox) == 1
    assert not LineDelivery.objects.exists()


def test_a_push_carries_the_retry_key_and_the_token(
    kru, line_api, django_capture_on_commit_callbacks
):
    _link(kru)
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(kru) == "line"
    row = LineDelivery.objects.get()
    assert row.sent_at is not None
    assert mail.outbox == []
    [push] = line_api.pushes
    assert push.headers["x-line-retry-key"] == str(row.retry_key)
    assert push.headers["authorization"] == "Bearer test-channel-token"
    assert push.body["to"] == "U1234567890abcdef"
    text = push.body["messages"][0]["text"]
    assert "https://khruakhai.example/networks/pa-pradu/" in text
    assert text.startswith("[")


def test_the_same_message_is_claimed_once(kru, line_api, django_capture_on_commit_callbacks):
    _link(kru)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(kru)
        _notify(kru)
    assert LineDelivery.objects.count() == 1
    assert len(line_api.delivered) == 1


def test_429_then_success_delivers_once_with_the_same_key(kru, line_api):
    _link(kru)
    line_api.respond(429)
    _notify(kru)  # no commit callbacks: the push is driven by hand below
    row = LineDelivery.objects.get()
    assert line_delivery_push(delivery_id=row.pk) == "retry"
    row.refresh_from_db()
    assert row.sent_at is None
    assert row.attempts == 1
    assert "429" in row.last_error
    assert line_delivery_push(delivery_id=row.pk) == "sent"
    keys = [p.headers["x-line-retry-key"] for p in line_api.pushes]
    assert keys == [str(row.retry_key)] * 2
    assert len(line_api.delivered) == 1
    # Pushed again (a worker that died after LINE accepted): LINE's 409 counts as sent.
    assert line_delivery_push(delivery_id=row.pk) == "not-mine"


def test_5xx_is_retried_by_the_task_and_delivered_once(kru, line_api):
    _link(kru)
    line_api.respond(500, 503)
    _notify(kru)
    row = LineDelivery.objects.get()
    # The task retries itself (eagerly here: Celery's apply runs each retry at once,
    # which it does only when eager tasks do not propagate their Retry).
    line_push.app.conf.task_eager_propagates = False
    try:
        line_push.apply(args=[row.pk])
    finally:
        line_push.app.conf.task_eager_propagates = True
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 3
    assert len(line_api.pushes) == 3
    assert len(line_api.delivered) == 1
    assert {p.headers["x-line-retry-key"] for p in line_api.pushes} == {str(row.retry_key)}


def test_an_accepted_key_answered_409_counts_as_delivered(kru, line_api):
    _link(kru)
    _notify(kru)
    row = LineDelivery.objects.get()
    line_api.accepted_keys.add(str(row.retry_key))  # LINE took it; the answer was lost
    assert line_delivery_push(delivery_id=row.pk) == "sent"
    assert line_api.pushes[0].status == 409
    assert line_api.delivered == []


@pytest.mark.parametrize("status", [400, 403, 404])
def test_a_blocked_person_is_unlinked_and_gets_email(kru, line_api, status):
    _link(kru)
    line_api.respond(status)
    _notify(kru)
    row = LineDelivery.objects.get()
    assert line_delivery_push(delivery_id=row.pk) == "unlinked"
    row.refresh_from_db()
    assert row.failed_at is not None
    assert row.sent_at is None
    assert not LineLink.objects.filter(user=kru).exists()
    [email] = mail.outbox
    assert email.to == [kru.email]
    assert "/accounts/line/" in email.body
    assert "https://khruakhai.example/networks/pa-pradu/" in email.body  # the message itself
    # Later messages go by email: the person is no longer linked.
    assert _notify(kru, topic="test:2") == "email"


def test_both_sends_email_and_line(kru, line_api, django_capture_on_commit_callbacks):
    _link(kru, channel=ChannelChoice.Channel.BOTH)
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(kru) == "both"
    assert len(mail.outbox) == 1
    assert len(line_api.delivered) == 1


def test_line_chosen_but_not_linked_means_email(kru, line_api):
    ChannelChoice.objects.create(user=kru, kind=Kind.NOTICE, channel=ChannelChoice.Channel.LINE)
    assert _notify(kru) == "email"
    assert len(mail.outbox) == 1


def test_the_sweep_finds_unsent_and_stale_rows_only(kru, line_api, settings):
    _link(kru)
    _notify(kru, topic="a")
    _notify(kru, topic="b")
    _notify(kru, topic="c")
    a, b, c = LineDelivery.objects.order_by("topic")
    later = timezone.now() + dt.timedelta(seconds=settings.LINE_CLAIM_STALE_SECONDS + 5)
    LineDelivery.objects.filter(pk=b.pk).update(sent_at=timezone.now())
    LineDelivery.objects.filter(pk=c.pk).update(claimed_at=timezone.now(), claim_token="x")
    assert line_deliveries_due() == []  # fresh rows are the on-commit task's
    assert line_deliveries_due(now=later) == [a.pk, c.pk]
    assert line_delivery_push(delivery_id=c.pk) == "not-mine"  # a live worker holds it
    assert line_delivery_push(delivery_id=c.pk, now=later) == "sent"


def test_redis_down_loses_nothing_the_sweep_pushes_later(
    kru, line_api, broker_at, settings, django_capture_on_commit_callbacks
):
    _link(kru)
    broker_at("redis://127.0.0.1:1/0")  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(kru) == "line"  # the enqueue failed quietly
    row = LineDelivery.objects.get()
    assert row.sent_at is None
    assert line_api.pushes == []
    later = timezone.now() + dt.timedelta(seconds=settings.LINE_CLAIM_STALE_SECONDS + 5)
    assert line_deliveries_due(now=later) == [row.pk]
    assert line_delivery_push(delivery_id=row.pk, now=later) == "sent"
    assert len(line_api.delivered) == 1
