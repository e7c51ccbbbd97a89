"""Issue 12, items 1 and 10: taking over an organisation that is not yours.

Replayed as a fresh login with no role anywhere (the lowest privilege that can found
a network): found a network, import a CSV naming a real organisation of another
network, then try to edit it, add its people, invite an address of one's own as
its representative, name a signatory and sign. On c866946 the import attached the
organisation and every later step worked; now nothing is attached and the real
organisation's representative finds a request to join instead.

The other ways in are replayed too, each as the lowest-privilege user who could
try it: adding a member (a coordinator of a network the organisation really is in),
the people import, and the Django admin as a staff login that is not a site admin.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import Party
from network import models as network_models
from network.models import Invitation, Membership, Network, Organisation, Person
from tests import factories

ATTACKER_EMAIL = "mallory@example.org"
SECOND_ADDRESS = "mallory.two@example.org"
FOUNDING = {
    "name_th": "เครือข่ายของมัลลอรี",
    "form": "cop",
    "founder-full_name": "มัลลอรี ผู้บุกรุก",
    "org-name_th": "โรงเรียนของมัลลอรี",
    "org-kind": "school",
    "org-province": "lamphun",
}


@pytest.fixture
def attacker(cast):
    """A login with no person and no role anywhere."""
    user = factories.UserFactory(email=ATTACKER_EMAIL, full_name="มัลลอรี ผู้บุกรุก")
    client = cast.client("anonymous")
    client.force_login(user)
    return user, client


def _upload(client, slug: str, text: str, kind: str):
    upload = SimpleUploadedFile("file.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(f"/networks/{slug}/import/", {"kind": kind, "file": upload})


def _untouched(cast, network: Network | None = None) -> None:
    """The real organisation is exactly as it was and is in no network of the attacker."""
    real = Organisation.objects.get(pk=cast.partner_org.pk)
    assert real.name_en == cast.partner_org.name_en
    assert real.phone == cast.partner_org.phone
    assert set(real.people.values_list("user__email", flat=True)) == {cast.partner.email}
    assert not Invitation.objects.filter(organisation=real).exists()
    if network is not None:
        assert not Membership.objects.filter(network=network, organisation=real).exists()


def test_the_takeover_end_to_end(cast, attacker, django_capture_on_commit_callbacks):
    user, client = attacker
    real = cast.partner_org

    # 1. Found a network with an organisation of one's own: anyone may.
    response = client.post("/networks/new/", FOUNDING)
    assert response.status_code == 302
    network = Network.objects.get(name_th=FOUNDING["name_th"])
    assert network.lead_organisation.name_th == "โรงเรียนของมัลลอรี"

    # 2. Import a CSV naming the real organisation: the preview says it will be asked,
    # and confirming files a request to join instead of attaching it.
    response = _upload(
        client,
        network.slug,
        f"Name (Thai),Kind,Province\n{real.name_th},university,chiang_mai\n",
        "organisations",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "จะส่งคำขอเข้าร่วมไปยังผู้แทนขององค์กร" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/networks/{network.slug}/import/confirm/")
    assert response.status_code == 302
    assert not Membership.objects.filter(network=network, organisation=real).exists()
    request = network_models.JoinRequest.objects.get(network=network, organisation=real)
    assert request.state == network_models.JoinRequest.State.PENDING
    assert request.requested_by == user
    # The notice went to the organisation's own representative, not to the attacker.
    assert [m.to for m in mail.outbox] == [[cast.partner.email]]
    mail.outbox.clear()

    # 3. Edit its profile: the requester sees nothing of it beyond its name.
    assert client.get(f"/organisations/{real.pk}/").status_code == 404
    assert client.get(f"/organisations/{real.pk}/edit/").status_code == 404
    edit = {
        "name_th": real.name_th,
        "name_en": "Taken over",
        "kind": "university",
        "province": "chiang_mai",
        "phone": "000",
    }
    assert client.post(f"/organisations/{real.pk}/edit/", edit).status_code == 404
    _untouched(cast, network)

    # 4. Add "its" people: one by one, and by the people import.
    response = client.post(
        f"/networks/{network.slug}/people/add/",
        {
            "organisation": real.pk,
            "full_name": "มัลลอรี สอง",
            "kind": "partner_rep",
            "email": SECOND_ADDRESS,
        },
    )
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    people = (
        "Organisation,Full name,Email,Role\n"
        f"{real.name_th},มัลลอรี สอง,{SECOND_ADDRESS},partner_rep\n"
    )
    response = _upload(client, network.slug, people, "people")
    assert "ยังไม่ได้นำเข้าข้อมูลใด ๆ" in response.content.decode()
    client.post(f"/networks/{network.slug}/import/confirm/")
    assert not Person.objects.filter(full_name="มัลลอรี สอง").exists()
    _untouched(cast, network)

    # 5. Invite an address of one's own as its representative.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/networks/{network.slug}/invitations/",
            {
                "organisation": real.pk,
                "full_name": "มัลลอรี สอง",
                "email": SECOND_ADDRESS,
                "role": "partner_rep",
                "language": "th",
            },
        )
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert not mail.outbox
    _untouched(cast, network)

    # 6. Name a signatory for it in the network's agreement, and sign.
    response = client.post(f"/networks/{network.slug}/agreement/start/", {"title": "ข้อตกลง"})
    assert response.status_code == 302
    real_rep = Person.objects.get(user=cast.partner)
    parties = f"/networks/{network.slug}/agreement/v1/parties/"
    response = client.post(parties, {"signatory": real_rep.pk})
    assert response.status_code == 422
    assert not Party.objects.filter(organisation=real).exists()
    assert client.get(f"/networks/{network.slug}/agreement/v1/sign/").status_code == 404
    _untouched(cast, network)

    # 7. The real organisation's representative finds the request, and declines it.
    rep = cast.client("partner")
    page = rep.get("/join-requests/").content.decode()
    assert network.name_th in page
    assert real.name_th in page
    with django_capture_on_commit_callbacks(execute=True):
        response = rep.post(f"/join-requests/{request.pk}/decline/", {"confirm": "on"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == network_models.JoinRequest.State.DECLINED
    assert request.decided_by == cast.partner
    assert [m.to for m in mail.outbox] == [[ATTACKER_EMAIL]]
    _untouched(cast, network)
    # The attacker cannot answer for the organisation themselves.
    assert client.get(f"/join-requests/{request.pk}/accept/").status_code == 404


def test_founding_does_not_make_a_look_alike_silently(cast, attacker):
    """A "new" organisation named exactly like the real one is flagged, the real record
    shown; a second one needs an explicit confirmation (on c866946 it was made)."""
    _user, client = attacker
    before = Organisation.objects.count()
    response = client.post("/networks/new/", FOUNDING | {"org-name_th": cast.partner_org.name_th})
    body = response.content.decode()
    assert response.status_code == 422
    assert "is-invalid" in body
    assert "ยังไม่ได้ตรวจสอบ" in body  # the existing record, with its verified state
    assert 'name="org-confirm_duplicate"' in body
    assert not Network.objects.filter(name_th=FOUNDING["name_th"]).exists()
    assert Organisation.objects.count() == before
    assert not Person.objects.filter(organisation=cast.partner_org, user=_user).exists()


def test_adding_a_member_asks_an_organisation_that_speaks_for_itself(cast):
    """A coordinator of a network the organisation really is in founds another network
    and adds it there: on c866946 it was attached silently."""
    coordinator = cast.client("coordinator")
    response = coordinator.post("/networks/new/", {"name_th": "เครือข่ายที่สอง", "form": "cop"})
    assert response.status_code == 302
    second = Network.objects.get(name_th="เครือข่ายที่สอง")
    page = coordinator.get(f"/networks/{second.slug}/members/add/").content.decode()
    assert cast.partner_org.name_th in page  # offered: it is in the coordinator's network
    response = coordinator.post(
        f"/networks/{second.slug}/members/add/", {"existing": cast.partner_org.pk}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(network=second, organisation=cast.partner_org).exists()
    assert network_models.JoinRequest.objects.filter(
        network=second, organisation=cast.partner_org
    ).exists()
    # Nor can the same organisation be claimed by typing its name as a "new" one.
    details = {"name_th": cast.partner_org.name_th, "kind": "university", "province": "chiang_mai"}
    before = Organisation.objects.count()
    response = coordinator.post(f"/networks/{second.slug}/members/add/", details)
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert Organisation.objects.count() == before


def test_the_people_import_cannot_reach_an_organisation_that_was_only_asked(cast, attacker):
    _user, client = attacker
    client.post("/networks/new/", FOUNDING)
    network = Network.objects.get(name_th=FOUNDING["name_th"])
    orgs = f"Name (Thai),Kind,Province\n{cast.partner_org.name_th},university,chiang_mai\n"
    _upload(client, network.slug, orgs, "organisations")
    client.post(f"/networks/{network.slug}/import/confirm/")
    text = (
        "Organisation,Full name,Email,Role\n"
        f"{cast.partner_org.name_th},มัลลอรี สอง,{SECOND_ADDRESS},partner_rep\n"
    )
    response = _upload(client, network.slug, text, "people")
    assert response.status_code == 422
    assert "ยังไม่ได้นำเข้าข้อมูลใด ๆ" in response.content.decode()
    client.post(f"/networks/{network.slug}/import/confirm/")
    assert not Person.objects.filter(organisation=cast.partner_org, full_name="มัลลอรี สอง")
    _untouched(cast, network)


def _admin_change_data(network: Network, organisation: Organisation) -> dict:
    """The Network change form with one new membership row (the inline's prefix is
    the related name: memberships)."""
    return {
        "name_th": network.name_th,
        "name_en": network.name_en,
        "slug": network.slug,
        "form": network.form,
        "status": network.status,
        "lead_organisation": network.lead_organisation_id,
        "founded_on": network.founded_on.isoformat(),
        "benefits": "[]",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": organisation.pk,
        "memberships-0-place": "partner",
        "memberships-0-joined_on": network.founded_on.isoformat(),
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
    }


def test_the_admin_attaches_only_for_a_site_admin(cast, attacker):
    user, client = attacker
    client.post("/networks/new/", FOUNDING)
    network = Network.objects.get(name_th=FOUNDING["name_th"])
    url = f"/admin/network/network/{network.pk}/change/"
    data = _admin_change_data(network, cast.partner_org)
    # A plain login is sent to the admin's login page.
    response = client.post(url, data)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not Membership.objects.filter(network=network, organisation=cast.partner_org)
    # A staff login allowed to change networks (not a site admin) goes through the
    # same rule: a request to join, not a membership.
    user.is_staff = True
    user.save()
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "change_network",
                "view_network",
                "add_membership",
                "change_membership",
                "view_membership",
                "view_organisation",
            ]
        )
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Membership.objects.filter(network=network, organisation=cast.partner_org)
    assert network_models.JoinRequest.objects.filter(
        network=network, organisation=cast.partner_org
    ).exists()
    # A site admin attaches directly, through the same service.
    admin = cast.client("site_admin")
    assert admin.post(url, data).status_code == 302
    assert Membership.objects.filter(
        network=network, organisation=cast.partner_org, left_on__isnull=True
    ).exists()
