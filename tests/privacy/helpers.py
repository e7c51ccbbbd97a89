"""A person with a life in the network: roles, progress updates, a signed agreement
(really signed through the page, its PDFs really rendered and sealed), an accepted
report, notices, reminder settings and sign-ins. The erasure tests erase them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD

SIGNER_IP = "203.0.113.7"
SIGNER_BROWSER = "Mozilla/5.0 (Linux; Android 14) ทดสอบ"


@dataclass
class Life:
    user: object
    person: object
    old_email: str
    old_login_name: str
    old_person_name: str
    activity: object
    version: object
    report: object


def sign_as(cast, version, user) -> None:
    """Sign through the page, as a signatory does (password, typed name, confirm)."""
    from tests.agreements.factories import after_commit

    party = version.parties.get(signatory__user=user)
    client = Client(REMOTE_ADDR=SIGNER_IP, HTTP_USER_AGENT=SIGNER_BROWSER)
    client.force_login(user)
    url = f"/networks/{cast.network.slug}/agreement/v{version.number}/sign/"
    with after_commit():
        client.get(url)
        response = client.post(
            url,
            {"password": PASSWORD, "typed_name": party.signatory.full_name, "confirm": "on"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]


def sign_in(email: str, password: str = PASSWORD) -> Client:
    """Sign in through allauth's page, as a browser does (the sign-in is recorded)."""
    client = Client(REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT="Firefox/128.0")
    response = client.post("/accounts/login/", {"login": email, "password": password})
    client.signed_in = response.status_code == 302 and "_auth_user_id" in client.session
    return client


def a_life(cast) -> Life:
    from reports.models import Notification, ProgressReport, ReminderPreference
    from tests.agreements.factories import sent_for
    from tests.reports.factories import PeriodFactory, ReportFactory
    from tests.roadmap.factories import ActivityFactory, ProgressUpdateFactory

    user = cast.partner
    person = user.person
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    ProgressUpdateFactory(activity=activity, author=user, narrative="จัดค่ายการอ่านแล้ว")
    version = sent_for(cast)
    sign_as(cast, version, cast.coordinator)
    sign_as(cast, version, user)  # the last signature: the PDFs are rendered and sealed
    version.refresh_from_db()
    report = ReportFactory(
        period=PeriodFactory(network=cast.network),
        organisation=cast.partner_org,
        status=ProgressReport.Status.ACCEPTED,
        submitted_by=user,
        submitted_at=timezone.now() - dt.timedelta(days=3),
        reviewed_by=cast.coordinator,
        reviewed_at=timezone.now(),
        problems="ขาดงบประมาณ",
    )
    Notification.objects.create(user=user, network=cast.network, report=report, kind="accepted")
    ReminderPreference.objects.create(user=user, mode=ReminderPreference.Mode.ESSENTIAL)
    sign_in(user.email)
    return Life(
        user=user,
        person=person,
        old_email=user.email,
        old_login_name=user.full_name,
        old_person_name=person.full_name,
        activity=activity,
        version=version,
        report=report,
    )
