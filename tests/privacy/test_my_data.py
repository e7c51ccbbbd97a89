"""My data: the signed-in person downloads everything held about them (JSON and PDF),
never anyone else's; the downloads are throttled; sign-ins are recorded."""

from __future__ import annotations

import io
import json

import pytest
from allauth.account.models import EmailAddress
from pypdf import PdfReader

from core import throttle
from privacy.models import SignIn
from privacy.views import EXPORTS_ALLOWED
from reports.models import Notification, ReminderPreference
from tests.roadmap.factories import ActivityFactory, ProgressUpdateFactory

from .helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_export_counters(cast):
    """The throttle store is outside the test's transaction: start each test at zero."""
    for user in (cast.partner, cast.coordinator, cast.site_admin):
        throttle.clear(f"privacy-export:{user.pk}")


def _held_about_partner(cast):
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    ProgressUpdateFactory(activity=activity, author=cast.partner, narrative="ส่งรายงานแล้ว")
    ProgressUpdateFactory(activity=activity, author=cast.coordinator, narrative="ของผู้ประสาน")
    Notification.objects.create(user=cast.partner, network=cast.network, kind="due")
    Notification.objects.create(user=cast.coordinator, network=cast.network, kind="late")
    ReminderPreference.objects.create(user=cast.partner, mode="digest")
    EmailAddress.objects.create(
        user=cast.partner, email=cast.partner.email, verified=True, primary=True
    )


def _sections(response) -> dict:
    data = json.loads(response.content)
    return {s["key"]: s for s in data["sections"]}


def test_the_json_holds_the_persons_data_and_nobody_elses(cast):
    _held_about_partner(cast)
    response = cast.client("partner").get("/privacy/my-data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    sections = _sections(response)
    assert sections["accounts.User"]["rows"] == [
        {
            "email": cast.partner.email,
            "full_name": cast.partner.full_name,
            "language": "th",
            "date_joined": sections["accounts.User"]["rows"][0]["date_joined"],
            "last_login": sections["accounts.User"]["rows"][0]["last_login"],
            "is_active": True,
        }
    ]
    assert sections["network.Person"]["rows"][0]["full_name"] == cast.partner.person.full_name
    assert [r["kind"] for r in sections["network.Role"]["rows"]] == ["partner_rep"]
    narratives = [r["narrative"] for r in sections["roadmap.ProgressUpdate"]["rows"]]
    assert narratives == ["ส่งรายงานแล้ว"]
    assert [r["kind"] for r in sections["reports.Notification"]["rows"]] == ["due"]
    assert sections["reports.ReminderPreference"]["rows"][0]["mode"] == "digest"
    assert sections["account.EmailAddress"]["rows"][0]["email"] == cast.partner.email
    assert sections["privacy.SignIn"]["rows"]  # force_login is a sign-in too
    text = response.content.decode()
    for other in (cast.coordinator, cast.chair, cast.other_partner):
        assert other.email not in text
        assert other.person.full_name not in text
    assert "ของผู้ประสาน" not in text
    # The titles say what each section is, in the reader's language.
    assert sections["roadmap.ProgressUpdate"]["title"] == "ความก้าวหน้าที่คุณรายงาน"


def test_the_pdf_reads_in_thai_with_the_persons_data(cast):
    _held_about_partner(cast)
    response = cast.client("partner").get("/privacy/my-data.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "ข้อมูลของฉัน" in text
    assert "ส่งรายงานแล้ว" in text
    assert cast.partner.email in text
    assert cast.coordinator.email not in text


def test_the_page_counts_what_is_held_and_lists_sign_ins(cast):
    _held_about_partner(cast)
    client = sign_in(cast.partner.email)
    assert client.signed_in
    page = client.get("/privacy/my-data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "198.51.100.20" in html
    assert "Firefox/128.0" in html
    assert 'href="/privacy/my-data.pdf"' in html
    assert 'href="/privacy/erasure/"' in html


def test_downloads_are_throttled(cast):
    client = cast.client("partner")
    for _ in range(EXPORTS_ALLOWED):
        assert client.get("/privacy/my-data.json").status_code == 200
    refused = client.get("/privacy/my-data.json")
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert client.get("/privacy/my-data.pdf").status_code == 429
    # Another person is not held back by it.
    assert cast.client("coordinator").get("/privacy/my-data.json").status_code == 200


def test_a_sign_in_is_recorded_with_the_address_and_a_cut_browser_string(cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    from django.test import Client

    from tests.factories import PASSWORD

    client = Client(
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.44",
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 1000,
    )
    SignIn.objects.all().delete()
    response = client.post("/accounts/login/", {"login": cast.chair.email, "password": PASSWORD})
    assert response.status_code == 302
    row = SignIn.objects.get(user=cast.chair)
    assert row.ip == "192.0.2.44"
    assert len(row.user_agent) == 300
    # A failed sign-in is not a sign-in.
    Client().post("/accounts/login/", {"login": cast.chair.email, "password": "wrong-password"})
    assert SignIn.objects.filter(user=cast.chair).count() == 1
