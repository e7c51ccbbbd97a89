"""Redis stopped and restarted: pages keep answering, /healthz says what is down."""

from __future__ import annotations

import time

import pytest

from core import tasks
from core.models import WorkerHeartbeat
from network.models import Invitation
from tests.conftest import fault_report

pytestmark = pytest.mark.django_db


def test_pages_keep_answering_while_redis_is_down(
    cast, private_redis, broker_at, django_capture_on_commit_callbacks
):
    broker_at(private_redis.url)
    client = cast.client("coordinator")
    assert client.get("/healthz").status_code == 200
    private_redis.stop()

    started = time.monotonic()
    assert client.get(f"/networks/{cast.network.slug}/").status_code == 200
    assert client.get("/networks/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["down"] == ["broker"]
    assert health.json()["database"] == "ok"
    # A request that enqueues work (the invitation email) still succeeds; the
    # invitation is in the database, only its email waits for the broker.
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            f"/networks/{cast.network.slug}/invitations/",
            {
                "organisation": cast.partner_org.pk,
                "full_name": "ครูใหม่ ใจดี",
                "email": "while-down@example.org",
                "role": "partner_rep",
                "category": "outstanding_teacher",
                "language": "th",
            },
        )
    assert invited.status_code == 302
    assert Invitation.objects.filter(email="while-down@example.org").exists()
    elapsed = time.monotonic() - started
    fault_report(
        "Redis stopped under the web app",
        note=f"pages 200, /healthz 503 naming the broker, {elapsed:.2f}s for all requests",
    )

    private_redis.start()
    assert client.get("/healthz").status_code == 200


def test_enqueue_while_redis_is_down_does_not_raise(
    private_redis, broker_at, django_capture_on_commit_callbacks
):
    broker_at(private_redis.url)
    private_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(tasks.heartbeat, "lost-while-down")
    assert not WorkerHeartbeat.objects.filter(name="lost-while-down").exists()
