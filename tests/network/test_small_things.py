"""Issue 14, item 8 (part 1): small wrong things in the network pages and services.

Each test here failed before its fix: a Thai-only name's address, a signed
network still "being set up", "added" for a role already held, a second chair.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction

from agreements import services as agreement_services
from agreements.models import AgreementVersion
from network import services
from network.models import Invitation, Network, Person, Role
from network.services import founding
from tests import factories
from tests.agreements import factories as af
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _found(cast, name_th: str, name_en: str = "") -> Network:
    return services.network_create(
        name_th=name_th,
        name_en=name_en,
        form="networked_org",
        lead_organisation=cast.coordinator.person.organisation,
        coordinator=cast.coordinator.person,
    )


# --- a Thai-only name gets a readable, unique address ------------------------------
def test_a_thai_only_name_gets_a_romanised_address(cast):
    network = _found(cast, "เครือข่ายโรงเรียนบ้านนา")
    assert network.slug == "kheruekhai-rongrian-ban-na"
    assert network.slug != "network"


def test_the_same_thai_name_twice_gets_a_numbered_address(cast):
    first = _found(cast, "เครือข่ายโรงเรียนบ้านนา")
    second = _found(cast, "เครือข่ายโรงเรียนบ้านนา")
    assert second.slug == f"{first.slug}-2"


def test_an_english_name_still_wins(cast):
    assert _found(cast, "เครือข่ายโรงเรียนบ้านนา", "Ban Na Schools").slug == "ban-na-schools"


def test_a_name_with_nothing_to_romanise_falls_back_and_is_numbered(cast):
    assert founding._unique_slug("???") == "network"
    factories.NetworkFactory(slug="network")
    assert founding._unique_slug("???") == "network-2"


# --- a fully signed agreement makes the network active ------------------------------
def _sign_all(cast, version) -> None:
    for user in (cast.coordinator, cast.partner):
        party = version.parties.get(signatory__user=user)
        with af.after_commit():
            agreement_services.party_sign(
                party=party, user=user, password=PASSWORD, typed_name=party.signatory.full_name
            )


def test_the_network_becomes_active_when_every_party_has_signed(cast):
    cast.network.status = Network.Status.FORMING
    cast.network.save()
    version = af.sent_for(cast)
    party = version.parties.get(signatory__user=cast.coordinator)
    with af.after_commit():
        agreement_services.party_sign(
            party=party,
            user=cast.coordinator,
            password=PASSWORD,
            typed_name=party.signatory.full_name,
        )
    cast.network.refresh_from_db()
    assert cast.network.status == Network.Status.FORMING  # one party still to sign
    party = version.parties.get(signatory__user=cast.partner)
    with af.after_commit():
        agreement_services.party_sign(
            party=party, user=cast.partner, password=PASSWORD, typed_name=party.signatory.full_name
        )
    version.refresh_from_db()
    cast.network.refresh_from_db()
    assert version.status == AgreementVersion.Status.SIGNED
    assert cast.network.status == Network.Status.ACTIVE
    # Through the service, so the history shows who changed the status and when.
    assert cast.network.history.first().status == Network.Status.ACTIVE


def test_network_activate_leaves_a_dissolved_network_alone(cast):
    cast.network.status = Network.Status.DISSOLVED
    cast.network.save()
    assert services.network_activate(network=cast.network).status == Network.Status.DISSOLVED


# --- a role already held is not "added" again ---------------------------------------
def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _client(cast, language: str):
    client = cast.client("coordinator")
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: language})
    return client


def test_adding_a_role_the_person_has_says_so_and_changes_nothing(cast):
    partner = Person.objects.get(user=cast.partner)
    client = _client(cast, "en")
    before = list(Role.objects.filter(network=cast.network).values_list("pk", "kind", "person"))
    response = client.post(
        f"/networks/{cast.network.slug}/roles/add/",
        {"person": partner.pk, "kind": Role.Kind.PARTNER_REP},
    )
    assert response.status_code == 302
    said = _messages(response)
    assert any("already has this role" in m for m in said), said
    assert not any("is added" in m for m in said)
    after = list(Role.objects.filter(network=cast.network).values_list("pk", "kind", "person"))
    assert after == before
    assert not Invitation.objects.filter(network=cast.network).exists()


def test_adding_a_role_the_person_has_says_so_in_thai(cast):
    partner = Person.objects.get(user=cast.partner)
    response = _client(cast, "th").post(
        f"/networks/{cast.network.slug}/roles/add/",
        {"person": partner.pk, "kind": Role.Kind.PARTNER_REP},
    )
    assert any("มีบทบาทนี้อยู่แล้ว" in m for m in _messages(response))


def test_a_new_role_is_still_added(cast):
    partner = Person.objects.get(user=cast.partner)
    response = _client(cast, "en").post(
        f"/networks/{cast.network.slug}/roles/add/",
        {"person": partner.pk, "kind": Role.Kind.CORE_LEADER},
    )
    assert Role.objects.filter(network=cast.network, person=partner, kind="core_leader").exists()
    assert any("role is added" in m for m in _messages(response))


# --- one committee chair per network -------------------------------------------------
def test_a_second_chair_is_refused_through_the_page(cast):
    partner = Person.objects.get(user=cast.partner)
    response = _client(cast, "en").post(
        f"/networks/{cast.network.slug}/roles/add/",
        {"person": partner.pk, "kind": Role.Kind.CHAIR},
    )
    said = _messages(response)
    assert any("already has a committee chair" in m for m in said), said
    chairs = Role.objects.filter(network=cast.network, kind=Role.Kind.CHAIR)
    assert list(chairs.values_list("person__user", flat=True)) == [cast.chair.pk]
    assert not Invitation.objects.filter(network=cast.network, role=Role.Kind.CHAIR).exists()


def test_a_second_chair_is_refused_for_a_new_person_and_an_invitation(cast):
    organisation = cast.partner_org
    with pytest.raises(services.PersonError):
        services.person_add(
            network=cast.network,
            organisation=organisation,
            full_name="ประธาน คนที่สอง",
            kind=Role.Kind.CHAIR,
        )
    assert not Person.objects.filter(full_name="ประธาน คนที่สอง").exists()
    with pytest.raises(services.InvitationError):
        services.invitation_create(
            network=cast.network,
            organisation=organisation,
            email="second-chair@example.org",
            full_name="ประธาน คนที่สอง",
            role=Role.Kind.CHAIR,
            invited_by=cast.coordinator,
        )
    assert Role.objects.filter(network=cast.network, kind=Role.Kind.CHAIR).count() == 1


def test_an_invitation_to_chair_cannot_be_accepted_once_someone_else_chairs(cast):
    Role.objects.filter(network=cast.network, kind=Role.Kind.CHAIR).delete()
    invitation, _token = services.invitation_create(
        network=cast.network,
        organisation=cast.partner_org,
        email="chair-to-be@example.org",
        full_name="ประธาน ที่ได้รับเชิญ",
        role=Role.Kind.CHAIR,
        invited_by=cast.coordinator,
    )
    services.role_grant(network=cast.network, person=cast.chair.person, kind=Role.Kind.CHAIR)
    with pytest.raises(services.InvitationError):
        services.invitation_accept(invitation=invitation, password="a-long-password-1")
    assert Role.objects.filter(network=cast.network, kind=Role.Kind.CHAIR).count() == 1


def test_the_database_keeps_one_chair_per_network(cast):
    person = factories.PersonFactory(organisation=cast.partner_org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(network=cast.network, person=person, kind=Role.Kind.CHAIR)
    # Another network may have its own chair.
    Role.objects.create(network=cast.other_network, person=person, kind=Role.Kind.CHAIR)


def test_the_chair_may_be_given_again_to_the_same_person(cast):
    role = services.role_grant(network=cast.network, person=cast.chair.person, kind=Role.Kind.CHAIR)
    assert role.person.user == cast.chair


# --- no double full stop after a Thai date or time ----------------------------------
@pytest.mark.parametrize(("language", "ending"), [("th", " น.</p>"), ("en", ".</p>")])
def test_the_invitation_page_ends_its_expiry_sentence_once(cast, client, language, ending):
    _invitation, token = services.invitation_create(
        network=cast.network,
        organisation=cast.partner_org,
        email="new-rep@example.org",
        full_name="ผู้แทน คนใหม่",
        invited_by=cast.coordinator,
    )
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: language})
    body = client.get(f"/invitations/{token}/").content.decode()
    line = next(x for x in body.splitlines() if "text-muted small" in x and ":" in x)
    assert line.endswith(ending), line
    assert "น.." not in body
    assert "..</p>" not in line


def test_full_stop_after_a_date_in_each_language():
    import datetime as dt

    from django.template import Context, Template
    from django.utils import translation

    template = Template("{{ day|thaidate|full_stop }}|{{ at|thaidatetime|full_stop }}")
    context = Context({"day": dt.date(2026, 11, 23), "at": dt.datetime(2026, 11, 23, 7, 23)})
    with translation.override("th"):
        assert template.render(context) == "23 พฤศจิกายน 2569|23 พฤศจิกายน 2569 07:23 น."
    with translation.override("en"):
        assert template.render(context) == "23 November 2026.|23 November 2026 07:23."


# --- make run honours the port it prints --------------------------------------------
ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def _web_command() -> tuple[str, int]:
    """The web line of the Procfile as honcho runs it, and its place among the
    processes: honcho gives the first process the port of `-p` as PORT (the next
    ones 100 more each)."""
    from honcho.environ import parse_procfile

    processes = parse_procfile((ROOT / "Procfile").read_text()).processes
    return processes["web"], list(processes).index("web")


def _make_run(*args: str) -> list[str]:
    import os
    import shutil
    import subprocess

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    done = subprocess.run(  # a dry run (-n): nothing is executed
        [make, "-n", "-C", str(ROOT), "run", *args], env=env, capture_output=True, text=True
    )
    return done.stdout.splitlines()


def test_the_web_port_is_8000_unless_asked_and_the_banner_agrees():
    command, place = _web_command()
    assert "runserver 127.0.0.1:$PORT " in command
    assert place == 0
    for args, port in (((), "8000"), (("PORT=8123",), "8123")):
        lines = _make_run(*args)
        assert any(f"Khruakhai: http://127.0.0.1:{port} " in line for line in lines)
        assert any(f"honcho start -p {port} " in line for line in lines)
