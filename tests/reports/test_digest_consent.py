"""The weekly digest is opt-in: choosing it records when; one click withdraws it (PDPA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reports.models import ReminderPreference
from reports.services.notices import digest_withdraw, preference_save

pytestmark = pytest.mark.django_db

DIGEST = ReminderPreference.Mode.DIGEST


def test_nobody_is_on_the_digest_until_they_choose_it(cast):
    client = cast.client("partner")
    page = client.get("/reminders/")
    assert page.status_code == 200
    assert 'id="digest-consent"' not in page.content.decode()
    assert not ReminderPreference.objects.filter(user=cast.partner, mode=DIGEST).exists()


def test_choosing_the_digest_records_when_and_saving_again_keeps_it(cast):
    client = cast.client("partner")
    before = timezone.now()
    assert client.post("/reminders/", {"mode": "digest"}).status_code == 302
    pref = ReminderPreference.objects.get(user=cast.partner)
    assert pref.mode == DIGEST
    assert pref.digest_consented_at >= before
    first = pref.digest_consented_at

    # Saving the same choice later is not a new consent: the first time stays.
    ReminderPreference.objects.filter(pk=pref.pk).update(
        digest_consented_at=first - dt.timedelta(days=30)
    )
    client.post("/reminders/", {"mode": "digest"})
    pref.refresh_from_db()
    assert pref.digest_consented_at == first - dt.timedelta(days=30)

    page = client.get("/reminders/").content.decode()
    assert 'id="digest-consent"' in page
    assert "/reminders/digest/stop/" in page


def test_one_click_withdraws_and_clears_the_record(cast):
    preference_save(user=cast.partner, mode=DIGEST)
    client = cast.client("partner")
    response = client.post("/reminders/digest/stop/")
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=cast.partner)
    assert pref.mode == ReminderPreference.Mode.ALL
    assert pref.digest_consented_at is None
    # A second click changes nothing and still lands on the settings page.
    assert client.post("/reminders/digest/stop/").status_code == 302
    assert digest_withdraw(user=cast.partner) is False


def test_choosing_another_mode_clears_the_consent(cast):
    preference_save(user=cast.partner, mode=DIGEST)
    preference_save(user=cast.partner, mode=ReminderPreference.Mode.ESSENTIAL)
    pref = ReminderPreference.objects.get(user=cast.partner)
    assert pref.digest_consented_at is None


def test_stopping_is_a_post_by_the_person_themself(cast):
    preference_save(user=cast.partner, mode=DIGEST)
    assert cast.client("anonymous").post("/reminders/digest/stop/").status_code == 302
    assert cast.client("partner").get("/reminders/digest/stop/").status_code == 405
    # Another person's click stops only their own (they have none).
    cast.client("coordinator").post("/reminders/digest/stop/")
    assert ReminderPreference.objects.get(user=cast.partner).mode == DIGEST


def test_the_digest_email_says_how_to_stop_it():
    """The sentence this change added, in Thai, with the settings link."""
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("th"):
        text = render_to_string(
            "emails/reports_digest_body.txt", {"site_url": "https://x", "items": []}
        )
    assert "หยุดรับสรุปรายสัปดาห์นี้ได้ในคลิกเดียว" in text
    assert "https://x/reminders/" in text
