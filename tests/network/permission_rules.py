"""Every network URL against the whole cast (see tests/security/rules.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from network.models import Invitation, JoinRequest, Person, Role
from tests import factories
from tests.security.rules import LOGIN, Rule, logged_in, managers, members, public


def _net(path: str = ""):
    return lambda cast: f"/networks/{cast.network.slug}/{path}"


def _role_url(cast) -> str:
    role = Role.objects.filter(network=cast.network, kind=Role.Kind.PARTNER_REP).first()
    return f"/networks/{cast.network.slug}/roles/{role.pk}/remove/"


def _invitation_url(cast) -> str:
    invitation = Invitation.objects.create(
        network=cast.network,
        organisation=cast.partner_org,
        email="invitee@example.org",
        full_name="ผู้ได้รับเชิญ ทดสอบ",
        token_hash="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    return f"/networks/{cast.network.slug}/invitations/{invitation.pk}/revoke/"


def _membership_url(cast) -> str:
    membership = factories.MembershipFactory(network=cast.network)
    return f"/networks/{cast.network.slug}/members/{membership.pk}/end/"


def _person_edit_url(cast) -> str:
    # The partner's own record: the partner edits it as themself, coordinators as managers.
    person = Person.objects.get(user=cast.partner)
    return f"/networks/{cast.network.slug}/people/{person.pk}/edit/"


def _person_edit_expect() -> dict:
    return managers() | {"partner": 200}


def _organisation_edit_expect() -> dict:
    # The partner edits their own organisation; the network's coordinator may too.
    return {
        "coordinator": 200,
        "partner": 200,
        "site_admin": 200,
        "chair": 403,
        "other_partner": 404,
        "anonymous": LOGIN,
    }


def _join_request_for_partner_org(cast) -> JoinRequest:
    """The other network asks the partner's organisation to join: the partner (its
    representative) answers; nobody else but a site admin may even see it."""
    return JoinRequest.objects.create(
        network=cast.other_network, organisation=cast.partner_org, requested_by=cast.other_partner
    )


def _answer_expect() -> dict:
    return {
        "partner": 200,
        "site_admin": 200,
        "coordinator": 404,
        "chair": 404,
        "other_partner": 404,  # the requester cannot answer for the organisation
        "anonymous": LOGIN,
    }


def _withdraw_url(cast) -> str:
    request = JoinRequest.objects.create(
        network=cast.network,
        organisation=factories.OrganisationFactory(),
        requested_by=cast.coordinator,
    )
    return f"/networks/{cast.network.slug}/join-requests/{request.pk}/withdraw/"


RULES = {
    "network:my_networks": Rule(url=lambda cast: "/networks/", expect=logged_in()),
    # Any login may found a network; the site admin (only a login, no person) also
    # says who they are and which organisation leads.
    "network:found": Rule(url=lambda cast: "/networks/new/", expect=logged_in()),
    "network:detail": Rule(url=_net(), expect=members()),
    "network:edit": Rule(url=_net("edit/"), expect=managers()),
    "network:charter_edit": Rule(url=_net("charter/"), expect=managers()),
    "network:dissolve": Rule(url=_net("dissolve/"), expect=managers()),
    "network:reopen": Rule(
        url=_net("reopen/"),
        method="post",
        expect=members(403) | {"site_admin": 302},
    ),
    "network:people": Rule(url=_net("people/"), expect=members()),
    "network:person_add": Rule(url=_net("people/add/"), expect=managers()),
    "network:person_edit": Rule(url=_person_edit_url, expect=_person_edit_expect()),
    "network:member_add": Rule(url=_net("members/add/"), expect=managers()),
    "network:membership_end": Rule(url=_membership_url, method="post", expect=managers(302)),
    "network:role_add": Rule(url=_net("roles/add/"), method="post", expect=managers(302)),
    "network:role_remove": Rule(url=_role_url, method="post", expect=managers(302)),
    "network:invitations": Rule(url=_net("invitations/"), expect=managers()),
    "network:invitation_revoke": Rule(url=_invitation_url, method="post", expect=managers(302)),
    "network:map": Rule(url=_net("map/"), expect=members()),
    "network:map_data": Rule(url=_net("map.json"), expect=members()),
    "network:import": Rule(url=_net("import/"), expect=managers()),
    "network:import_confirm": Rule(
        url=_net("import/confirm/"), method="post", expect=managers(302)
    ),
    "network:import_template": Rule(url=_net("import/organisations.csv"), expect=managers()),
    # A forged link: a clear page for everyone, nothing revealed.
    "network:invitation_accept": Rule(
        url=lambda cast: "/invitations/not-a-real-token/", expect=public(404)
    ),
    "network:join_requests": Rule(url=lambda cast: "/join-requests/", expect=logged_in()),
    "network:join_request_accept": Rule(
        url=lambda cast: f"/join-requests/{_join_request_for_partner_org(cast).pk}/accept/",
        expect=_answer_expect(),
    ),
    "network:join_request_decline": Rule(
        url=lambda cast: f"/join-requests/{_join_request_for_partner_org(cast).pk}/decline/",
        expect=_answer_expect(),
    ),
    "network:join_request_withdraw": Rule(url=_withdraw_url, method="post", expect=managers(302)),
    "network:directory": Rule(url=lambda cast: "/organisations/", expect=logged_in()),
    # Anyone logged in searches people; the list is scoped (tests/network/test_people_search.py).
    "network:directory_people": Rule(
        url=lambda cast: "/organisations/people/?q=ทดสอบ", expect=logged_in()
    ),
    "network:directory_export": Rule(
        url=lambda cast: "/organisations/export.csv", expect=logged_in()
    ),
    "network:organisation": Rule(
        url=lambda cast: f"/organisations/{cast.partner_org.pk}/", expect=members()
    ),
    "network:organisation_edit": Rule(
        url=lambda cast: f"/organisations/{cast.partner_org.pk}/edit/",
        expect=_organisation_edit_expect(),
    ),
}
