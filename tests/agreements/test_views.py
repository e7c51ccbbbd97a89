"""The pages: what each role sees and what bad input does."""

from __future__ import annotations

import pytest

from agreements.models import Agreement, AgreementVersion, Party
from tests.factories import PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def _url(cast, version, tail=""):
    return f"/networks/{cast.network.slug}/agreement/v{version.number}/{tail}"


def test_index_without_agreement_offers_to_start(cast):
    response = cast.client("coordinator").get(f"/networks/{cast.network.slug}/agreement/")
    assert response.status_code == 200
    assert "agreement/start/" in response.content.decode()
    partner_page = cast.client("partner").get(f"/networks/{cast.network.slug}/agreement/")
    assert "agreement/start/" not in partner_page.content.decode()


def test_start_then_edit_the_draft_with_buddhist_era_dates(cast):
    client = cast.client("coordinator")
    response = client.post(
        f"/networks/{cast.network.slug}/agreement/start/", {"title": "ข้อตกลงทดสอบ"}
    )
    assert response.status_code == 302
    version = AgreementVersion.objects.get(agreement__network=cast.network)
    response = client.post(
        _url(cast, version, "edit/"),
        {
            "title": "ข้อตกลงทดสอบ",
            "basic_information": "ข้อมูล",
            "effective_from": "01/06/2569",
            "effective_until": "31/05/2570",
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.basic_information == "ข้อมูล"
    assert version.effective_from.year == 2026
    assert version.effective_until.year == 2027


def test_edit_with_bad_dates_changes_nothing(cast):
    version = f.draft_for(cast)
    before = version.basic_information
    response = cast.client("coordinator").post(
        _url(cast, version, "edit/"),
        {
            "title": "x",
            "basic_information": "ใหม่",
            "effective_from": "01/06/9999",
            "effective_until": "01/01/2569",
        },
    )
    assert response.status_code == 422
    assert "ปี" in response.content.decode()  # the Thai message about the year
    version.refresh_from_db()
    assert version.basic_information == before


def test_edit_after_sending_is_refused_by_the_page(cast):
    version = f.sent_for(cast)
    response = cast.client("coordinator").post(
        _url(cast, version, "edit/"), {"title": "x", "basic_information": "เปลี่ยน"}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.basic_information != "เปลี่ยน"


def test_negative_resource_amount_is_refused(cast):
    version = f.draft_for(cast)
    count = version.resources.count()
    client = cast.client("coordinator")
    response = client.post(
        _url(cast, version, "resources/add/"),
        {
            "kind": "money",
            "description": "x",
            "amount_baht": "-5",
            "organisation": cast.partner_org.id,
        },
        follow=True,
    )
    assert "ติดลบ" in response.content.decode()
    assert version.resources.count() == count


def test_duty_for_an_organisation_outside_the_network_is_refused(cast):
    version = f.draft_for(cast)
    count = version.duties.count()
    cast.client("coordinator").post(
        _url(cast, version, "duties/add/"), {"organisation": cast.other_org.id, "text": "x"}
    )
    assert version.duties.count() == count


def test_parties_page_adds_a_signatory_of_a_member_organisation(cast):
    version = f.draft_for(cast, with_partner=False)
    partner_person = cast.partner.person
    response = cast.client("coordinator").post(
        _url(cast, version, "parties/"), {"signatory": partner_person.id, "position": ""}
    )
    assert response.status_code == 302
    party = version.parties.get(organisation=partner_person.organisation)
    assert party.position == partner_person.position


def test_parties_page_refuses_an_outsider(cast):
    version = f.draft_for(cast, with_partner=False)
    response = cast.client("coordinator").post(
        _url(cast, version, "parties/"), {"signatory": cast.other_partner.person.id}
    )
    assert response.status_code == 422
    assert not version.parties.filter(organisation=cast.other_org).exists()


def test_send_then_sign_through_the_pages(cast):
    version = f.draft_for(cast)
    assert cast.client("coordinator").post(_url(cast, version, "send/")).status_code == 302
    client = cast.client("partner")
    page = client.get(_url(cast, version, "sign/"), HTTP_USER_AGENT="PhoneBrowser/1.0")
    assert page.status_code == 200
    assert version.events.filter(kind="viewed").count() == 1
    name = cast.partner.person.full_name
    response = client.post(
        _url(cast, version, "sign/"),
        {"password": PASSWORD, "typed_name": name, "confirm": "on"},
        HTTP_USER_AGENT="PhoneBrowser/1.0",
    )
    assert response.status_code == 302
    party = version.parties.get(signatory__user=cast.partner)
    assert party.status == Party.Status.SIGNED
    assert party.user_agent == "PhoneBrowser/1.0"
    assert party.ip == "127.0.0.1"


def test_a_party_cannot_sign_twice_through_the_page(cast):
    version = f.sent_for(cast)
    client = cast.client("partner")
    data = {"password": PASSWORD, "typed_name": cast.partner.person.full_name, "confirm": "on"}
    assert client.post(_url(cast, version, "sign/"), data).status_code == 302
    again = client.post(_url(cast, version, "sign/"), data)
    assert again.status_code == 422
    assert version.events.filter(kind="signed").count() == 1


def test_a_non_party_cannot_sign(cast):
    version = f.sent_for(cast, with_partner=False)
    data = {"password": PASSWORD, "typed_name": "x", "confirm": "on"}
    for who in ("partner", "chair", "site_admin", "other_partner"):
        response = cast.client(who).post(_url(cast, version, "sign/"), data)
        assert response.status_code == 404, who
    assert not version.parties.filter(status="signed").exists()


def test_wrong_password_on_the_page_shows_a_thai_message(cast):
    version = f.sent_for(cast)
    response = cast.client("partner").post(
        _url(cast, version, "sign/"),
        {"password": "nope-nope-nope", "typed_name": "x", "confirm": "on"},
    )
    assert response.status_code == 422
    assert "รหัสผ่านไม่ถูกต้อง" in response.content.decode()
    assert version.parties.get(signatory__user=cast.partner).status == "pending"


def test_withdrawn_version_cannot_be_signed_through_the_page(cast):
    version = f.sent_for(cast)
    cast.client("coordinator").post(_url(cast, version, "withdraw/"), {"reason": "แก้ไข"})
    version.refresh_from_db()
    assert version.status == "withdrawn"
    response = cast.client("partner").post(
        _url(cast, version, "sign/"),
        {"password": PASSWORD, "typed_name": cast.partner.person.full_name, "confirm": "on"},
    )
    assert response.status_code == 422
    assert version.parties.get(signatory__user=cast.partner).status == "pending"


def test_decline_through_the_page(cast):
    version = f.sent_for(cast)
    response = cast.client("partner").post(_url(cast, version, "decline/"), {"reason": ""})
    assert response.status_code == 422
    response = cast.client("partner").post(_url(cast, version, "decline/"), {"reason": "ยังไม่พร้อม"})
    assert response.status_code == 302
    assert version.parties.get(signatory__user=cast.partner).status == "declined"


def test_user_typed_markup_is_shown_as_text_on_pages(cast):
    version = f.draft_for(cast)
    version.basic_information = '<img src="file:///etc/passwd"> http://127.0.0.1/'
    version.save()
    html = cast.client("partner").get(_url(cast, version)).content.decode()
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert 'href="http://127.0.0.1/"' not in html


@pytest.mark.parametrize("rows", [1, 50])
def test_index_query_count_is_flat(cast, django_assert_max_num_queries, rows):
    agreement = Agreement.objects.create(network=cast.network, title="ข้อตกลง")
    for n in range(1, rows + 1):
        f.VersionFactory(agreement=agreement, number=n, status="withdrawn")
    client = cast.client("partner")
    with django_assert_max_num_queries(12):
        response = client.get(f"/networks/{cast.network.slug}/agreement/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_version_page_query_count_is_flat(cast, django_assert_max_num_queries, rows):
    version = f.draft_for(cast)
    for _ in range(rows):
        f.DutyFactory(version=version, organisation=cast.partner_org)
        f.ResourceFactory(version=version, organisation=cast.partner_org)
    client = cast.client("coordinator")
    with django_assert_max_num_queries(14):
        response = client.get(_url(cast, version))
    assert response.status_code == 200


def test_english_page(cast):
    version = f.draft_for(cast)
    cast.coordinator.language = "en"
    cast.coordinator.save()
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = "en"
    html = client.get(_url(cast, version)).content.decode()
    assert "Basic information" in html
    assert "Management system" in html


def test_reminder_policy_is_set_by_coordinators(cast):
    version = f.draft_for(cast)
    url = f"/networks/{cast.network.slug}/agreement/reminders/"
    client = cast.client("coordinator")
    assert client.post(url, {"every_days": "0", "max_count": "4"}).status_code == 422
    version.agreement.refresh_from_db()
    assert version.agreement.reminder_every_days == 3  # refused, unchanged
    client.post(url, {"every_days": "7", "max_count": "2"})
    version.agreement.refresh_from_db()
    assert (version.agreement.reminder_every_days, version.agreement.reminder_max) == (7, 2)


def test_a_sent_versions_reads_do_not_grow_with_its_audit_trail(cast):
    """A sent version shows its signatories' names as sent: each event's party brings
    its signatory in the same query (it was one query per event: 12 more for the
    bench's 12-party agreement PDF, on the version page too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from agreements.models import SigningEvent
    from agreements.selectors import version_display
    from agreements.services.pdf import version_pdf_context

    version = f.sent_for(cast)
    party = version.parties.first()

    def counts() -> dict[str, int]:
        found = {}
        for name, read in (
            ("page", lambda: version_display(version=version)),
            ("pdf", lambda: version_pdf_context(version=version, language="th")),
        ):
            with CaptureQueriesContext(connection) as captured:
                read()
            found[name] = len(captured.captured_queries)
        return found

    SigningEvent.objects.create(version=version, party=party, kind="viewed", at=timezone.now())
    few = counts()
    SigningEvent.objects.bulk_create(
        SigningEvent(version=version, party=party, kind="viewed", at=timezone.now())
        for _ in range(30)
    )
    assert counts() == few
    # The parties, duties, resources and events: a query each (and no more).
    assert max(few.values()) <= 4, few
