"""Erasure on request: the person asks, a site admin accepts, the registry anonymises
them everywhere; what a signed agreement and an accepted report must keep stays."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from agreements.models import Party
from core.sealing import sealed_document_check
from network.models import Person, Role
from privacy import selectors, vocabulary
from privacy.models import ErasureRequest, SignIn
from privacy.services import erasure, notices
from reports.models import Notification, ReminderPreference
from tests.agreements.factories import after_commit
from tests.factories import UserFactory

from .helpers import SIGNER_IP, a_life, sign_in

pytestmark = pytest.mark.django_db


def _ask(client) -> ErasureRequest:
    with after_commit():
        response = client.post("/privacy/erasure/", {"reason": "ย้ายไปสอนที่อื่น", "confirm": "on"})
    assert response.status_code == 302
    return ErasureRequest.objects.get()


def _accept(cast, erasure_request):
    with after_commit():
        return cast.client("site_admin").post(
            f"/privacy/requests/{erasure_request.pk}/accept/", {"accept-note": "ดำเนินการแล้ว"}
        )


def test_an_erased_person_leaves_only_what_must_stay(cast):
    life = a_life(cast)
    partner = cast.client("partner")
    erasure_request = _ask(partner)
    # The site admins are told (the partner is not one).
    assert [m.to for m in mail.outbox if "ลบข้อมูลส่วนบุคคล" in m.subject] == [[cast.site_admin.email]]
    mail.outbox.clear()
    assert SignIn.objects.filter(user=life.user).exists()

    response = _accept(cast, erasure_request)
    assert response.status_code == 302
    placeholder = vocabulary.erased_name()
    assert placeholder == "ผู้ใช้ที่ลบข้อมูลแล้ว"

    # The directory entry: the neutral name, no contact details, no login, no roles.
    person = Person.objects.get(pk=life.person.pk)
    assert (person.full_name, person.email, person.phone, person.user_id) == (
        placeholder,
        "",
        "",
        None,
    )
    assert not Person.history.filter(id=person.pk, full_name=life.old_person_name).exists()
    assert not Role.objects.filter(person=person).exists()
    # The person's own things are gone.
    assert not SignIn.objects.filter(user=life.user).exists()
    assert not Notification.objects.filter(user=life.user).exists()
    assert not ReminderPreference.objects.filter(user=life.user).exists()

    # The login is closed, and its address is free for a new account.
    user = get_user_model().objects.get(pk=life.user.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.full_name == placeholder
    assert user.email == vocabulary.erased_email(user.pk)
    assert not user.emailaddress_set.exists()
    assert not sign_in(life.old_email).signed_in
    # A session open before the erasure ends with it.
    assert "/accounts/login/" in partner.get("/privacy/my-data/")["Location"]
    UserFactory(email=life.old_email)

    # The network's pages show the neutral name where the person's name was.
    coordinator = cast.client("coordinator")
    activity_page = coordinator.get(
        f"/networks/{cast.network.slug}/roadmap/activities/{life.activity.pk}/"
    ).content.decode()
    assert placeholder in activity_page
    assert life.old_login_name not in activity_page
    people_page = coordinator.get(f"/networks/{cast.network.slug}/people/").content.decode()
    assert life.old_person_name not in people_page

    # The signed agreement keeps the name as signed, and its sealed PDF still verifies.
    party = Party.objects.get(version=life.version, signatory=person)
    assert party.typed_name == life.old_person_name
    version_page = coordinator.get(
        f"/networks/{cast.network.slug}/agreement/v{life.version.number}/"
    ).content.decode()
    assert life.old_person_name in version_page
    for document in (life.version.sealed_document, life.version.sealed_document_en):
        document.refresh_from_db()
        with document.file.open("rb") as stored:
            check = sealed_document_check(document=document, data=stored.read())
        assert check.identical
        assert check.seal.intact
    # The accepted report stays as it was submitted.
    life.report.refresh_from_db()
    assert (life.report.status, life.report.submitted_by_id) == ("accepted", user.pk)

    # The person is told at the address they had, once.
    assert [m.to for m in mail.outbox] == [[life.old_email]]
    assert notices.decision_notice_send(request_id=erasure_request.pk) is False
    erasure_request.refresh_from_db()
    assert erasure_request.status == ErasureRequest.Status.ACCEPTED
    assert (erasure_request.notify_email, erasure_request.reason) == ("", "")

    # What is held about the login afterwards: nothing that names or reaches them.
    export = json.dumps(selectors.personal_data_export(user=user), default=str, ensure_ascii=False)
    for trace in (life.old_email, life.old_login_name, life.old_person_name, SIGNER_IP):
        assert trace not in export
    held = {s.key for s in selectors.sections_for(selectors.subject_for(user)) if s.count}
    assert held <= {
        "accounts.User",
        "roadmap.ProgressUpdate",
        "reports.ProgressReport",
        "privacy.ErasureRequest",
        "core.Dispatch",
        "agreements.SigningEvent",
    }


def test_accepting_twice_does_nothing_more(cast):
    life = a_life(cast)
    erasure_request = _ask(cast.client("partner"))
    _accept(cast, erasure_request)
    mail.outbox.clear()
    erasure_request.refresh_from_db()
    decided_at = erasure_request.decided_at

    response = _accept(cast, erasure_request)
    assert response.status_code == 302
    assert not erasure.erasure_accept(erasure_request=erasure_request, user=cast.site_admin)
    assert not erasure.erasure_decline(
        erasure_request=erasure_request, user=cast.site_admin, note="x"
    )
    erasure_request.refresh_from_db()
    assert erasure_request.decided_at == decided_at
    assert erasure_request.status == ErasureRequest.Status.ACCEPTED
    assert mail.outbox == []
    # Running the erasure itself again changes nothing either.
    before = list(Person.history.filter(id=life.person.pk).values_list("history_id", flat=True))
    counts = erasure.person_erase(user=get_user_model().objects.get(pk=life.user.pk))
    assert counts["network.Role"] == 0
    assert counts["privacy.SignIn"] == 0
    assert counts["network.Person"] == 0  # the login no longer leads to the entry
    after = list(Person.history.filter(id=life.person.pk).values_list("history_id", flat=True))
    assert after == before


def test_a_declined_request_changes_nothing_and_says_why(cast):
    partner = cast.partner
    erasure_request = _ask(cast.client("partner"))
    mail.outbox.clear()
    client = cast.client("site_admin")
    # A decline needs a note: the form comes back (422) and nothing is decided.
    refused = client.post(f"/privacy/requests/{erasure_request.pk}/decline/", {"decline-note": ""})
    assert refused.status_code == 422
    erasure_request.refresh_from_db()
    assert erasure_request.is_pending
    with after_commit():
        response = client.post(
            f"/privacy/requests/{erasure_request.pk}/decline/",
            {"decline-note": "ยังเป็นผู้ลงนามในข้อตกลงที่รอลงนาม"},
        )
    assert response.status_code == 302
    erasure_request.refresh_from_db()
    assert erasure_request.status == ErasureRequest.Status.DECLINED
    partner.refresh_from_db()
    assert partner.is_active
    assert partner.person.full_name != vocabulary.erased_name()
    assert [m.to for m in mail.outbox] == [[partner.email]]
    assert "ยังเป็นผู้ลงนามในข้อตกลงที่รอลงนาม" in mail.outbox[0].body
    # A new request may be filed after a decision.
    assert cast.client("partner").get("/privacy/erasure/").status_code == 200


def test_one_request_waits_at_a_time(cast):
    client = cast.client("partner")
    _ask(client)
    again = client.post("/privacy/erasure/", {"reason": "", "confirm": "on"})
    assert again.status_code == 422
    assert "คำขอของคุณอยู่ระหว่างรอการพิจารณาแล้ว" in again.content.decode()
    assert ErasureRequest.objects.count() == 1
    # Confirming is required.
    ErasureRequest.objects.all().delete()
    unconfirmed = client.post("/privacy/erasure/", {"reason": "x"})
    assert unconfirmed.status_code == 422
    assert not ErasureRequest.objects.exists()


def test_a_site_admin_does_not_decide_their_own_request(cast):
    own = ErasureRequest.objects.create(user=cast.site_admin)
    client = cast.client("site_admin")
    assert client.post(f"/privacy/requests/{own.pk}/accept/").status_code == 403
    own.refresh_from_db()
    assert own.is_pending
    page = client.get(f"/privacy/requests/{own.pk}/").content.decode()
    assert 'action="/privacy/requests/' not in page


def test_the_admin_lists_requests_read_only(cast):
    ErasureRequest.objects.create(user=cast.partner, reason="ทดสอบ")
    client = cast.client("site_admin")
    assert client.get("/admin/privacy/erasurerequest/").status_code == 200
    assert client.get("/admin/privacy/erasurerequest/add/").status_code == 403
    assert client.get("/admin/privacy/signin/").status_code == 200
