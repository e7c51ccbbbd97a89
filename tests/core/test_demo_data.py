from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

from network.models import Network, Role


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.label.startswith(("sessions.", "admin.", "contenttypes."))
        and "Historical" not in model.__name__
    }


@pytest.mark.django_db
def test_demo_data_twice_gives_the_same_rows():
    call_command("demo_data")
    first = _counts()
    call_command("demo_data")
    assert _counts() == first
    assert Network.objects.count() == 2


@pytest.mark.django_db
def test_demo_logins_have_their_roles(client):
    from network.demo import DEMO_PASSWORD

    call_command("demo_data")
    network1 = Network.objects.get(slug="sansai-reading")
    network2 = Network.objects.get(slug="riverside-nakhonpathom")
    assert Role.objects.filter(
        network=network1, kind="coordinator", person__user__email="coordinator@khruakhai.example"
    ).exists()
    assert Role.objects.filter(
        network=network1, kind="chair", person__user__email="chair@khruakhai.example"
    ).exists()
    assert Role.objects.filter(
        network=network1, kind="partner_rep", person__user__email="partner@khruakhai.example"
    ).exists()
    partner2 = Role.objects.filter(person__user__email="partner2@khruakhai.example")
    assert {r.network_id for r in partner2} == {network2.id}
    for email in (
        "coordinator@khruakhai.example",
        "chair@khruakhai.example",
        "partner@khruakhai.example",
        "partner2@khruakhai.example",
        "admin@khruakhai.example",
    ):
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/accounts/logout/")
