"""The privacy notice: in Thai and English, linked from every page's footer, summed up
on the invitation page."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from network.models import Invitation
from tests import factories

pytestmark = pytest.mark.django_db


def _page(url: str, language: str, client: Client | None = None) -> str:
    client = client or Client()
    client.cookies["khruakhai_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_notice_says_what_why_how_long_who_and_the_rights(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 180
    thai = _page("/privacy/", "th")
    for words in (
        "ข้อมูลที่เก็บ",
        "มาตรา 24",
        "180 วัน",
        "ผู้ดูแลระบบ",
        "ขอลบข้อมูล",
        "คัดค้าน",
        "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562",
    ):
        assert words in thai, words
    english = _page("/privacy/", "en")
    for words in ("What is kept", "section 24", "180 days", "To have it erased", "To object"):
        assert words in english, words


def test_every_page_links_the_notice(cast):
    for url in ("/accounts/login/", "/privacy/"):
        assert 'href="/privacy/"' in _page(url, "th")
    signed_in = _page(f"/networks/{cast.network.slug}/", "th", cast.client("partner"))
    assert 'href="/privacy/"' in signed_in
    assert 'href="/privacy/my-data/"' in signed_in


def test_the_invitation_page_sums_up_the_notice(cast):
    organisation = factories.OrganisationFactory()
    factories.MembershipFactory(network=cast.network, organisation=organisation)
    token = "privacy-notice-token-0123456789"
    Invitation.objects.create(
        network=cast.network,
        organisation=organisation,
        email="new.teacher@example.org",
        full_name="ครูใหม่ ทดสอบ",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    html = _page(f"/invitations/{token}/", "th")
    assert "ข้อมูลส่วนบุคคลของคุณ" in html
    assert 'href="/privacy/"' in html
