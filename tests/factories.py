"""factory_boy factories for every app. One writer per section: keep them grouped by app."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from network.models import Membership, Network, Organisation, Person, Role
from network.signals import network_created

PASSWORD = "correct-horse-battery-2569"


# --- accounts -------------------------------------------------------------------
class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"ผู้ใช้ ทดสอบ{n}")
    language = "th"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# --- network --------------------------------------------------------------------
class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_th = factory.Sequence(lambda n: f"โรงเรียนทดสอบที่ {n}")
    name_en = factory.Sequence(lambda n: f"Test School {n}")
    kind = "school"
    province = "chiang_mai"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    name_th = factory.Sequence(lambda n: f"เครือข่ายทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    form = "networked_org"
    status = Network.Status.ACTIVE
    lead_organisation = factory.SubFactory(OrganisationFactory)
    founded_on = dt.date(2026, 1, 15)

    @factory.post_generation
    def _created(obj, create, extracted, **kwargs):
        # As network_create does: other apps set up what a new network needs.
        if create:
            network_created.send(sender=Network, network=obj)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    place = Membership.Place.PARTNER
    joined_on = dt.date(2026, 1, 15)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"บุคคล ทดสอบ{n}")
    position = "ครู"
    category = "outstanding_teacher"
    email = factory.LazyAttribute(lambda p: p.user.email if p.user else "")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    network = factory.SubFactory(NetworkFactory)
    person = factory.SubFactory(PersonFactory)
    kind = Role.Kind.MEMBER
