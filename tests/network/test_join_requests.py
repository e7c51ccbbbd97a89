"""Organisations belong to themselves: the one rule that attaches an organisation to a
network, the request to join that its representatives answer, and every path that
goes through them (founding, adding a member, invitations, the admin)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from network import services
from network.models import Invitation, JoinRequest, Membership, Network, Organisation, Person, Role
from network.services import joining
from tests import factories


def _attachable(user, org) -> bool:
    return org.pk in services.organisations_attachable(user=user, organisations=[org])


# --- the rule ---------------------------------------------------------------------
def test_a_site_admin_attaches_any_organisation(cast):
    assert _attachable(cast.site_admin, cast.other_org)


def test_a_person_of_the_organisation_speaks_for_it(cast):
    assert _attachable(cast.partner, cast.partner_org)
    assert not _attachable(cast.partner, cast.other_org)


def test_a_coordinator_attaches_a_member_of_their_network_nobody_else_speaks_for(cast):
    quiet = factories.MembershipFactory(network=cast.network).organisation
    factories.PersonFactory(organisation=quiet, user=None)  # a person without a login
    assert _attachable(cast.coordinator, quiet)
    # Once it has a representative with a login, it answers for itself.
    rep = factories.PersonFactory(organisation=quiet)
    factories.RoleFactory(network=cast.network, person=rep, kind=Role.Kind.PARTNER_REP)
    assert not _attachable(cast.coordinator, quiet)


def test_a_member_only_role_is_not_a_representative(cast):
    quiet = factories.MembershipFactory(network=cast.network).organisation
    member = factories.PersonFactory(organisation=quiet)
    factories.RoleFactory(network=cast.network, person=member, kind=Role.Kind.MEMBER)
    assert _attachable(cast.coordinator, quiet)


def test_the_chair_and_outsiders_attach_nothing(cast):
    quiet = factories.MembershipFactory(network=cast.network).organisation
    assert not _attachable(cast.chair, quiet)
    assert not _attachable(cast.other_partner, quiet)
    assert services.organisations_attachable(user=None, organisations=[quiet]) == set()


def test_a_dissolved_network_or_an_inactive_login_gives_nothing(cast):
    quiet = factories.MembershipFactory(network=cast.network).organisation
    Network.objects.filter(pk=cast.network.pk).update(status=Network.Status.DISSOLVED)
    assert not _attachable(cast.coordinator, quiet)
    Network.objects.filter(pk=cast.network.pk).update(status=Network.Status.ACTIVE)
    cast.coordinator.is_active = False
    cast.coordinator.save()
    assert not _attachable(cast.coordinator, quiet)


def test_attach_returns_the_membership_or_files_one_request(
    cast, django_capture_on_commit_callbacks
):
    new = factories.OrganisationFactory()
    result = services.organisation_attach(
        network=cast.other_network, organisation=new, user=cast.other_partner, created=True
    )
    assert isinstance(result, Membership)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.organisation_attach(
            network=cast.other_network, organisation=cast.partner_org, user=cast.other_partner
        )
        again = services.organisation_attach(
            network=cast.other_network, organisation=cast.partner_org, user=cast.other_partner
        )
    assert isinstance(first, JoinRequest)
    assert again == first
    assert len(mail.outbox) == 1  # one request, one notice
    # Already a member: nothing new.
    current = services.organisation_attach(
        network=cast.network, organisation=cast.partner_org, user=cast.other_partner
    )
    assert isinstance(current, Membership)
    assert current.network == cast.network


def test_one_pending_request_per_network_and_organisation_is_a_named_constraint(cast):
    JoinRequest.objects.create(network=cast.other_network, organisation=cast.partner_org)
    names = {constraint.name for constraint in JoinRequest._meta.constraints}
    assert "joinrequest_one_pending_per_org" in names
    with pytest.raises(IntegrityError), transaction.atomic():
        JoinRequest.objects.create(network=cast.other_network, organisation=cast.partner_org)
    JoinRequest.objects.update(state=JoinRequest.State.DECLINED)
    JoinRequest.objects.create(network=cast.other_network, organisation=cast.partner_org)


def test_attaching_to_a_dissolved_network_is_refused(cast):
    Network.objects.filter(pk=cast.other_network.pk).update(status=Network.Status.DISSOLVED)
    cast.other_network.refresh_from_db()
    with pytest.raises(services.AttachError):
        services.organisation_attach(
            network=cast.other_network, organisation=cast.partner_org, user=cast.site_admin
        )


def test_pending_requests_per_network_are_capped(cast, monkeypatch):
    monkeypatch.setattr(joining, "MAX_PENDING_JOIN_REQUESTS", 1)
    services.join_request_file(
        network=cast.other_network, organisation=cast.partner_org, requested_by=None
    )
    with pytest.raises(services.AttachError):
        services.join_request_file(
            network=cast.other_network,
            organisation=factories.OrganisationFactory(),
            requested_by=None,
        )


# --- answering --------------------------------------------------------------------
@pytest.fixture
def asked(cast, django_capture_on_commit_callbacks):
    """The other network's representative asks the partner's organisation to join."""
    with django_capture_on_commit_callbacks(execute=True):
        request = services.organisation_attach(
            network=cast.other_network,
            organisation=cast.partner_org,
            user=cast.other_partner,
            message="มาร่วมงานกันนะคะ",
        )
    assert isinstance(request, JoinRequest)
    return request


def test_the_notice_goes_to_the_representatives_once(cast, asked):
    assert [m.to for m in mail.outbox] == [[cast.partner.email]]
    message = mail.outbox[0]
    assert cast.other_network.name_th in message.subject
    assert "ขอเชิญ" in message.subject
    assert "/join-requests/" in message.body
    assert "มาร่วมงานกันนะคะ" in message.body
    assert services.join_request_notice_send(join_request_id=asked.pk) == 0
    assert len(mail.outbox) == 1


def test_an_organisation_without_representatives_is_answered_by_site_admins(
    cast, django_capture_on_commit_callbacks
):
    nobody = factories.OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.join_request_file(
            network=cast.network, organisation=nobody, requested_by=cast.coordinator
        )
    assert [m.to for m in mail.outbox] == [[cast.site_admin.email]]
    admin = cast.client("site_admin")
    assert nobody.name_th in admin.get("/join-requests/").content.decode()
    assert admin.post(f"/join-requests/{request.pk}/accept/", {"confirm": "on"}).status_code == 302
    assert Membership.objects.filter(network=cast.network, organisation=nobody).exists()


def test_the_representative_accepts_and_the_requester_is_told_once(
    cast, asked, django_capture_on_commit_callbacks
):
    client = cast.client("partner")
    page = client.get("/join-requests/").content.decode()
    assert cast.other_network.name_th in page
    assert "มาร่วมงานกันนะคะ" in page
    confirm = client.get(f"/join-requests/{asked.pk}/accept/").content.decode()
    assert 'name="confirm"' in confirm
    # Without the confirmation nothing happens.
    response = client.post(f"/join-requests/{asked.pk}/accept/")
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert not Membership.objects.filter(network=cast.other_network, organisation=cast.partner_org)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/join-requests/{asked.pk}/accept/", {"confirm": "on"})
    assert response.status_code == 302
    assert Membership.objects.filter(
        network=cast.other_network, organisation=cast.partner_org, left_on__isnull=True
    ).exists()
    asked.refresh_from_db()
    assert asked.state == JoinRequest.State.ACCEPTED
    assert asked.decided_by == cast.partner
    assert mail.outbox[-1].to == [cast.other_partner.email]
    assert "เข้าร่วม" in mail.outbox[-1].subject
    assert services.join_request_decision_send(join_request_id=asked.pk) is False
    assert len(mail.outbox) == 2
    # A second answer changes nothing.
    with pytest.raises(services.JoinError):
        services.join_request_decline(join_request=asked, user=cast.partner)
    page = client.get(f"/join-requests/{asked.pk}/decline/").content.decode()
    assert 'name="confirm"' not in page
    assert "ได้รับคำตอบแล้ว" in page


def test_the_representative_declines_in_english(cast, asked, django_capture_on_commit_callbacks):
    cast.other_partner.language = "en"
    cast.other_partner.save()
    client = cast.client("partner")
    client.cookies["khruakhai_language"] = "en"
    assert (
        "Decline the request to join"
        in client.get(f"/join-requests/{asked.pk}/decline/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/join-requests/{asked.pk}/decline/", {"confirm": "on"})
    asked.refresh_from_db()
    assert asked.state == JoinRequest.State.DECLINED
    assert not Membership.objects.filter(network=cast.other_network, organisation=cast.partner_org)
    assert mail.outbox[-1].subject.endswith(f"declined to join {cast.other_network.name_en}")


@pytest.mark.parametrize("who", ["coordinator", "chair", "other_partner"])
def test_nobody_else_can_answer(cast, asked, who):
    client = cast.client(who)
    assert client.get(f"/join-requests/{asked.pk}/accept/").status_code == 404
    assert client.post(f"/join-requests/{asked.pk}/accept/", {"confirm": "on"}).status_code == 404
    with pytest.raises(services.JoinError):
        services.join_request_accept(join_request=asked, user=cast.user(who))
    assert not Membership.objects.filter(network=cast.other_network, organisation=cast.partner_org)


def test_the_requesting_coordinators_see_waiting_and_withdraw(cast, asked):
    # other_partner is a partner representative there; make them coordinate it.
    person = Person.objects.get(user=cast.other_partner)
    Role.objects.create(network=cast.other_network, person=person, kind=Role.Kind.COORDINATOR)
    client = cast.client("other_partner")
    page = client.get(f"/networks/{cast.other_network.slug}/").content.decode()
    assert f"ส่งคำขอแล้ว รอ {cast.partner_org.name_th} ตอบรับ" in page
    # They see its name only: its page is not theirs to read.
    assert client.get(f"/organisations/{cast.partner_org.pk}/").status_code == 404
    url = f"/networks/{cast.other_network.slug}/join-requests/{asked.pk}/withdraw/"
    assert client.post(url).status_code == 302
    asked.refresh_from_db()
    assert asked.state == JoinRequest.State.WITHDRAWN
    with pytest.raises(services.JoinError):
        services.join_request_accept(join_request=asked, user=cast.partner)
    assert "ส่งคำขอแล้ว" not in client.get(f"/networks/{cast.other_network.slug}/").content.decode()


def test_dissolving_withdraws_pending_requests(cast, asked):
    services.network_dissolve(
        network=cast.other_network,
        reason="จบโครงการแล้วครับ",
        dissolved_on=cast.other_network.founded_on,
    )
    asked.refresh_from_db()
    assert asked.state == JoinRequest.State.WITHDRAWN


def test_my_networks_says_requests_wait(cast, asked):
    body = cast.client("partner").get("/networks/").content.decode()
    assert "รอคำตอบจากท่าน" in body
    assert 'href="/join-requests/"' in body


# --- the paths: founding, invitations, people ----------------------------------------
def test_the_founding_service_refuses_an_organisation_the_user_does_not_speak_for(cast):
    newcomer = factories.UserFactory()
    with pytest.raises(services.FoundingError):
        services.network_found(
            user=newcomer,
            full_name="คนแปลกหน้า",
            name_th="เครือข่ายยึด",
            form="cop",
            organisation=cast.partner_org,
        )
    assert not Person.objects.filter(user=newcomer).exists()
    with pytest.raises(services.FoundingError):
        services.network_create(
            name_th="เครือข่ายยึด",
            form="cop",
            lead_organisation=cast.other_org,
            coordinator=Person.objects.get(user=cast.partner),
        )
    assert not Network.objects.filter(name_th="เครือข่ายยึด").exists()


def test_an_invitation_is_only_for_a_member_organisation(cast):
    with pytest.raises(services.InvitationError):
        services.invitation_create(
            network=cast.network,
            organisation=cast.other_org,
            email="someone@example.org",
            full_name="ใครสักคน",
            invited_by=cast.coordinator,
        )
    assert not Invitation.objects.exists()


def test_accepting_never_attaches_an_organisation_that_left(
    cast, django_capture_on_commit_callbacks
):
    member = factories.MembershipFactory(network=cast.network)
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = services.invitation_create(
            network=cast.network,
            organisation=member.organisation,
            email="late@example.org",
            full_name="มาช้า",
            invited_by=cast.coordinator,
        )
    services.membership_end(membership=member)
    response = cast.client("anonymous").post(
        f"/invitations/{token}/",
        {"full_name": "มาช้า", "password1": "a-long-pass-2569x", "password2": "a-long-pass-2569x"},
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(
        network=cast.network, organisation=member.organisation, left_on__isnull=True
    ).exists()
    assert not Person.objects.filter(email="late@example.org").exists()


def test_a_login_already_in_the_network_gets_further_roles_at_once(cast):
    partner = Person.objects.get(user=cast.partner)
    result = services.role_offer(
        network=cast.network, person=partner, kind=Role.Kind.CORE_LEADER, invited_by=None
    )
    assert isinstance(result, Role)


def test_a_login_with_no_person_yet_is_invited_and_becomes_a_person_on_accepting(
    cast, django_capture_on_commit_callbacks
):
    newcomer = factories.UserFactory(email="fresh@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(
            f"/networks/{cast.network.slug}/people/add/",
            {
                "organisation": cast.partner_org.pk,
                "full_name": "ครูคนใหม่",
                "email": "fresh@example.org",
                "kind": "member",
            },
            follow=True,
        )
    assert "ส่งคำเชิญแล้ว: รอ ครูคนใหม่ ตอบรับ" in response.content.decode()
    assert not Person.objects.filter(email="fresh@example.org").exists()
    people_page = cast.client("coordinator").get(f"/networks/{cast.network.slug}/people/")
    assert "รอ ครูคนใหม่ ตอบรับ" in people_page.content.decode()
    (invitation,) = Invitation.objects.filter(email="fresh@example.org")
    assert invitation.role == "member"
    assert invitation.organisation == cast.partner_org
    client = cast.client("anonymous")
    client.force_login(newcomer)
    token_path = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    assert client.post(f"/invitations/{token_path}/").status_code == 302
    assert Role.objects.filter(network=cast.network, person__user=newcomer, kind="member").exists()


# --- adding a member, look-alike names ----------------------------------------------
def test_a_new_organisation_with_an_existing_name_is_flagged(cast):
    client = cast.client("coordinator")
    url = f"/networks/{cast.network.slug}/members/add/"
    details = {"name_th": f"  {cast.other_org.name_th} ", "kind": "company", "province": "yala"}
    before = Organisation.objects.count()
    response = client.post(url, details)
    body = response.content.decode()
    assert response.status_code == 422
    assert "is-invalid" in body
    assert "อยู่ในทำเนียบองค์กรแล้ว" in body
    assert "ยังไม่ได้ตรวจสอบ" in body
    assert f'name="request_existing" value="{cast.other_org.pk}"' in body
    assert Organisation.objects.count() == before
    # Offered instead: asking it files a request to join.
    response = client.post(url, details | {"request_existing": cast.other_org.pk})
    assert response.status_code == 302
    assert JoinRequest.objects.filter(network=cast.network, organisation=cast.other_org).exists()
    # A truly different organisation with the same name needs the box ticked.
    response = client.post(url, details | {"confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Organisation.objects.filter(name_th=cast.other_org.name_th).count() == 2


def test_request_existing_takes_only_a_record_of_the_typed_name(cast):
    client = cast.client("coordinator")
    response = client.post(
        f"/networks/{cast.network.slug}/members/add/",
        {
            "name_th": "ชื่ออื่น",
            "kind": "school",
            "province": "yala",
            "request_existing": cast.other_org.pk,
        },
    )
    assert response.status_code == 422
    assert not JoinRequest.objects.exists()


def test_the_duplicate_message_in_english(cast):
    client = cast.client("coordinator")
    client.cookies["khruakhai_language"] = "en"
    body = client.post(
        f"/networks/{cast.network.slug}/members/add/",
        {"name_th": cast.other_org.name_th, "kind": "company", "province": "yala"},
    ).content.decode()
    assert "is already in the directory" in body
    assert "Not verified" in body


# --- the admin -----------------------------------------------------------------------
def test_site_admins_mark_organisations_verified_and_unmark_them(cast):
    admin = cast.client("site_admin")
    url = "/admin/network/organisation/"
    response = admin.post(
        url, {"action": "mark_verified", "_selected_action": [cast.partner_org.pk]}
    )
    assert response.status_code == 302
    cast.partner_org.refresh_from_db()
    assert cast.partner_org.is_verified
    assert cast.partner_org.verified_by == cast.site_admin
    assert cast.partner_org.history.first().history_user == cast.site_admin
    body = cast.client("partner").get(f"/organisations/{cast.partner_org.pk}/").content.decode()
    assert "ตรวจสอบแล้ว" in body
    directory = cast.client("partner").get("/organisations/").content.decode()
    assert "ตรวจสอบแล้ว" in directory
    assert "ยังไม่ได้ตรวจสอบ" in directory
    admin.post(url, {"action": "unmark_verified", "_selected_action": [cast.partner_org.pk]})
    cast.partner_org.refresh_from_db()
    assert not cast.partner_org.is_verified
    assert cast.partner_org.verified_by is None


def test_only_a_site_admin_verifies(cast):
    with pytest.raises(PermissionError):
        services.organisation_verify(organisation=cast.partner_org, user=cast.coordinator)
    assert not Organisation.objects.get(pk=cast.partner_org.pk).is_verified


def test_the_official_code_is_edited_in_the_admin(cast):
    admin = cast.client("site_admin")
    page = admin.get(f"/admin/network/organisation/{cast.partner_org.pk}/change/").content.decode()
    assert 'name="official_code"' in page
    assert 'name="verified_at"' not in page


# --- the organisation's page -----------------------------------------------------------
def test_the_organisation_page_lists_only_people_of_networks_the_viewer_sees(cast):
    # partner_org also works with the other network, through someone else.
    factories.MembershipFactory(network=cast.other_network, organisation=cast.partner_org)
    elsewhere = factories.PersonFactory(organisation=cast.partner_org, full_name="คนเครือข่ายอื่น")
    factories.RoleFactory(network=cast.other_network, person=elsewhere, kind="member")
    nowhere = factories.PersonFactory(organisation=cast.partner_org, full_name="คนไม่มีบทบาท")
    url = f"/organisations/{cast.partner_org.pk}/"
    chair = cast.client("chair").get(url).content.decode()
    assert "คนเครือข่ายอื่น" not in chair
    assert "คนไม่มีบทบาท" not in chair
    assert Person.objects.get(user=cast.partner).full_name in chair
    # Its own people see everyone of it; a site admin too.
    for who in ("partner", "site_admin"):
        body = cast.client(who).get(url).content.decode()
        assert "คนเครือข่ายอื่น" in body
        assert nowhere.full_name in body
    # The other network's member sees their own network's people.
    other = cast.client("other_partner").get(url).content.decode()
    assert "คนเครือข่ายอื่น" in other
    assert Person.objects.get(user=cast.partner).full_name not in other


def test_a_staff_login_cannot_link_itself_to_an_organisations_person(cast):
    """Speaking for an organisation comes from being its person: in the admin only a
    site admin links a login to one."""
    from django.contrib.auth.models import Permission

    staff = factories.UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_person", "view_person"])
    )
    person = factories.PersonFactory(organisation=cast.partner_org, user=None, full_name="ก ข")
    client = cast.client("anonymous")
    client.force_login(staff)
    url = f"/admin/network/person/{person.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="user"' not in page
    assert 'name="organisation"' not in page
    client.post(
        url,
        {"organisation": cast.other_org.pk, "user": staff.pk, "full_name": "ก ข", "title": ""},
    )
    person.refresh_from_db()
    assert person.user_id is None
    assert person.organisation == cast.partner_org
    assert not _attachable(staff, cast.partner_org)
