"""Roadmap factories. Networks get their steps from the receiver, so an activity
only needs a network (and, usually, the owning organisations)."""

from __future__ import annotations

import datetime as dt

import factory
from django.core.files.base import ContentFile

from roadmap.catalogue import HEALTH_ITEMS
from roadmap.models import (
    Activity,
    Evidence,
    HealthResponse,
    HealthRound,
    ProgressUpdate,
    Step,
    Win,
)
from tests.factories import NetworkFactory, UserFactory

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def step_of(network, number: int = 5) -> Step:
    return Step.objects.get(network=network, number=number)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    class Params:
        network = factory.SubFactory(NetworkFactory)

    step = factory.LazyAttribute(lambda o: step_of(o.network, 5))
    title = factory.Sequence(lambda n: f"กิจกรรมทดสอบที่ {n}")
    description = "ทดสอบ"
    start_on = dt.date(2026, 6, 1)
    due_on = dt.date(2026, 12, 31)
    status = Activity.Status.IN_PROGRESS
    percent = 10

    @factory.post_generation
    def owners(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.owners.set(extracted)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    activity = factory.SubFactory(ActivityFactory)
    author = factory.SubFactory(UserFactory)
    percent = 20
    status = Activity.Status.IN_PROGRESS
    narrative = factory.Sequence(lambda n: f"ความก้าวหน้าครั้งที่ {n}")
    based_on_version = 1


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    update = factory.SubFactory(ProgressUpdateFactory)
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="x.pdf"))
    original_name = "รายงาน.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = "0" * 64


class WinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Win

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"ความสำเร็จที่ {n}")
    happened_on = dt.date(2026, 9, 1)


class HealthRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HealthRound

    network = factory.SubFactory(NetworkFactory)
    label = factory.Sequence(lambda n: f"รอบที่ {n}")
    opened_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=5))
    closes_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=25))


class HealthResponseFactory(factory.django.DjangoModelFactory):
    """Answers as they stand in the database, for any round. A past round's answers in a
    fixture come from here: the service (health_answer) refuses a round that is closed,
    and should."""

    class Meta:
        model = HealthResponse

    round = factory.SubFactory(HealthRoundFactory)
    respondent = factory.SubFactory(UserFactory)
    organisation = None
    answers = factory.LazyFunction(lambda: {item.code: 3 for item in HEALTH_ITEMS})
    comment = ""
