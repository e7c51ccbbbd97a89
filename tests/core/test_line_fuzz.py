"""Hostile input on the LINE webhook: whatever the body and signature, never a 5xx;
an unsigned body changes nothing, and a signed body of nonsense links no one."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.line_services import line_code_issue
from core.models import LineLink
from tests.line_server import signed, text_event
from tests.security.test_fuzz_forms import hostile_text

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)


def _post(body: str, signature: str):
    return Client().post(
        "/line/webhook/",
        data=body.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        headers={"X-Line-Signature": signature},
    )


def test_unsigned_hostile_bodies_are_refused(line_api):
    @FUZZ
    @given(body=hostile_text, signature=hostile_text)
    def run(body, signature):
        try:
            body.encode()
            signature.encode("latin-1")
        except UnicodeEncodeError:
            return
        assert _post(body, signature).status_code == 400

    run()


def test_signed_hostile_events_never_fail(line_api):
    user = get_user_model().objects.create_user(email="kru@example.org", password="x-2569")
    code = line_code_issue(user=user)

    @FUZZ
    @given(
        events=st.lists(json_values, max_size=3),
        text=hostile_text,
        mutate=st.sampled_from(["type", "timestamp", "source", "message", "webhookEventId", ""]),
        junk=json_values,
    )
    def run(events, text, mutate, junk):
        event = text_event("Ufuzz", text)
        if mutate:
            event[mutate] = junk
        body = json.dumps({"destination": "Ubot", "events": [event, *events]})
        response = _post(body, signed(body))
        assert response.status_code in (200, 400)

    run()
    assert not LineLink.objects.exclude(user=user).exists()
    assert code.code  # the only way to link is the code, which no example sent
