"""Issue 12, item 2: people were put into networks without their consent.

A coordinator (the lowest privilege that can give roles) adds a role, imports
people or adds a person for someone who already has a login and belongs only to
another network. On c866946 they got the role at once: the network appeared in their
list and its emails and signing requests reached them. Now they are invited: until
they accept they hold no role, see nothing of the network and receive nothing but
the invitation; accepting gives the role.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from network.models import Invitation, Person, Role
from tests import factories


@pytest.fixture
def shared(cast):
    """other_org has (by its own consent) also joined the cast's network; its
    representative, other_partner, holds roles only in the other network."""
    factories.MembershipFactory(network=cast.network, organisation=cast.other_org)
    return Person.objects.get(user=cast.other_partner)


def _outsider_sees_nothing(cast) -> None:
    client = cast.client("other_partner")
    assert not Role.objects.filter(network=cast.network, person__user=cast.other_partner)
    assert client.get(f"/networks/{cast.network.slug}/").status_code == 404
    assert cast.network.name_th not in client.get("/networks/").content.decode()


def _only_the_invitation_was_sent(cast) -> str:
    """Exactly one email, the invitation, to the login; returns its link's path."""
    assert [m.to for m in mail.outbox] == [[cast.other_partner.email]]
    (path,) = re.findall(r"/invitations/[\w-]+/", mail.outbox[0].body)
    return path


def _accept(cast, path: str, django_capture_on_commit_callbacks) -> None:
    client = cast.client("other_partner")
    page = client.get(path).content.decode()
    assert "ชื่อและบทบาทของท่านจะปรากฏต่อสมาชิกของเครือข่ายนี้" in page  # what accepting shares
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    assert client.get(f"/networks/{cast.network.slug}/").status_code == 200


def test_role_add_invites_a_login_of_another_network(
    cast, shared, django_capture_on_commit_callbacks
):
    coordinator = cast.client("coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            f"/networks/{cast.network.slug}/roles/add/",
            {"person": shared.pk, "kind": "core_leader"},
            follow=True,
        )
    body = response.content.decode()
    assert f"รอ {shared.full_name} ตอบรับ" in body  # "invited: waiting for …", not "added"
    _outsider_sees_nothing(cast)
    path = _only_the_invitation_was_sent(cast)
    _accept(cast, path, django_capture_on_commit_callbacks)
    assert Role.objects.filter(network=cast.network, person=shared, kind="core_leader").exists()
    assert len(mail.outbox) == 1  # accepting sends nothing more


def test_the_people_import_invites_a_login_of_another_network(
    cast, shared, django_capture_on_commit_callbacks
):
    coordinator = cast.client("coordinator")
    text = (
        "Organisation,Full name,Email,Role\n"
        f"{cast.other_org.name_th},{shared.full_name},{cast.other_partner.email},partner_rep\n"
    )
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    preview = coordinator.post(
        f"/networks/{cast.network.slug}/import/", {"kind": "people", "file": upload}
    )
    assert "จะส่งคำเชิญ และได้รับบทบาทเมื่อตอบรับ" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(f"/networks/{cast.network.slug}/import/confirm/")
    assert response.status_code == 302
    _outsider_sees_nothing(cast)
    path = _only_the_invitation_was_sent(cast)
    _accept(cast, path, django_capture_on_commit_callbacks)
    assert Role.objects.filter(network=cast.network, person=shared, kind="partner_rep").exists()


def test_person_add_matched_by_email_invites_instead_of_copying(
    cast, shared, django_capture_on_commit_callbacks
):
    people_before = Person.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("coordinator").post(
            f"/networks/{cast.network.slug}/people/add/",
            {
                "organisation": cast.other_org.pk,
                "full_name": "ชื่อที่ผู้ประสานงานพิมพ์",
                "email": cast.other_partner.email.upper(),
                "kind": "member",
            },
        )
    assert response.status_code == 302
    assert Person.objects.count() == people_before  # no second record carrying their address
    _outsider_sees_nothing(cast)
    path = _only_the_invitation_was_sent(cast)
    _accept(cast, path, django_capture_on_commit_callbacks)
    assert Role.objects.filter(network=cast.network, person=shared, kind="member").exists()


def test_person_add_refuses_a_login_of_an_organisation_outside_the_network(cast):
    """other_org is not a member here: its representative cannot be copied into another
    organisation of this network either."""
    before = (Person.objects.count(), Role.objects.count(), Invitation.objects.count())
    response = cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/people/add/",
        {
            "organisation": cast.partner_org.pk,
            "full_name": "คนของเครือข่ายอื่น",
            "email": cast.other_partner.email,
            "kind": "member",
        },
    )
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert (Person.objects.count(), Role.objects.count(), Invitation.objects.count()) == before
    assert not mail.outbox
    _outsider_sees_nothing(cast)


def test_people_without_a_login_are_given_the_role_at_once(cast):
    cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/people/add/",
        {"organisation": cast.partner_org.pk, "full_name": "ครูไม่มีบัญชี", "kind": "member"},
    )
    assert Role.objects.filter(network=cast.network, person__full_name="ครูไม่มีบัญชี").exists()
    assert not Invitation.objects.exists()


def test_no_signing_request_before_accepting(cast, shared):
    from agreements import services as agreements

    cast.client("coordinator").post(
        f"/networks/{cast.network.slug}/roles/add/", {"person": shared.pk, "kind": "member"}
    )
    assert shared not in agreements.signatory_choices(network=cast.network)
    # Nor can a coordinator name them as the organisation's signatory by hand.
    from agreements.services import AgreementError, agreement_start, party_add

    version = agreement_start(network=cast.network, user=cast.coordinator, title="ข้อตกลง")
    with pytest.raises(AgreementError):
        party_add(version=version, signatory=shared)


def test_the_admin_gives_no_role_behind_a_logins_back(cast, shared):
    """Even a site admin gives roles in the app, where a login is asked first: the
    admin's add-role page and the network page's role rows offer no way to add one."""
    admin = cast.client("site_admin")
    response = admin.post(
        "/admin/network/role/add/",
        {"person": shared.pk, "network": cast.network.pk, "kind": Role.Kind.MEMBER},
    )
    assert response.status_code == 403
    assert not Role.objects.filter(network=cast.network, person=shared).exists()
    page = admin.get(f"/admin/network/network/{cast.network.pk}/change/").content.decode()
    # The role rows allow no new row (the inline's maximum is 0 without add permission).
    assert 'name="roles-MAX_NUM_FORMS" value="0"' in page
