"""Factories for the agreements app (tests/factories.py holds the shared ones)."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import factory
from django.test import TestCase

from agreements.models import Agreement, AgreementVersion, Duty, Party, ResourceItem
from network.models import Membership
from tests import factories as base


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    network = factory.SubFactory(base.NetworkFactory)
    title = factory.Sequence(lambda n: f"บันทึกข้อตกลงความร่วมมือ ฉบับที่ {n}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementVersion

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    basic_information = "เครือข่ายร่วมกันส่งเสริมการอ่านของนักเรียนในตำบล"
    duties_text = "ภาคีทุกฝ่ายร่วมกันจัดกิจกรรมส่งเสริมการอ่าน"
    resources_text = "ภาคีสนับสนุนงบประมาณและวัสดุตามตาราง"
    planning = "ประชุมคณะกรรมการทุกเดือน ตัดสินใจโดยฉันทามติ"
    communication = "กลุ่มไลน์ของเครือข่ายและอีเมล"
    monitoring = "ติดตามผลทุกภาคเรียน"
    reporting = "รายงานความก้าวหน้าทุกภาคเรียน"
    other_matters = "การแก้ไขข้อตกลงทำเป็นฉบับใหม่และลงนามใหม่"
    effective_from = factory.LazyFunction(lambda: __import__("datetime").date(2026, 6, 1))
    effective_until = factory.LazyFunction(lambda: __import__("datetime").date(2027, 5, 31))


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty

    version = factory.SubFactory(VersionFactory)
    organisation = factory.SubFactory(base.OrganisationFactory)
    text = "จัดกิจกรรมการอ่านทุกสัปดาห์"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceItem

    version = factory.SubFactory(VersionFactory)
    kind = ResourceItem.Kind.MONEY
    description = "งบประมาณจัดซื้อหนังสือ"
    amount_baht = Decimal("15000.00")
    organisation = factory.SubFactory(base.OrganisationFactory)


def draft_for(cast, *, with_partner: bool = True, number: int = 1) -> AgreementVersion:
    """A draft of the cast network's agreement with the partner (and the coordinator) as parties."""
    agreement = Agreement.objects.filter(network=cast.network).first() or AgreementFactory(
        network=cast.network, title="บันทึกข้อตกลงเครือข่ายน้ำใจ"
    )
    version = VersionFactory(agreement=agreement, number=number)
    coordinator_person = cast.coordinator.person
    Party.objects.create(
        version=version,
        organisation=coordinator_person.organisation,
        signatory=coordinator_person,
        position="ผู้อำนวยการโรงเรียน",
    )
    if with_partner:
        partner_person = cast.partner.person
        Party.objects.create(
            version=version,
            organisation=partner_person.organisation,
            signatory=partner_person,
            position="ผู้แทนมหาวิทยาลัย",
        )
        DutyFactory(version=version, organisation=partner_person.organisation)
        ResourceFactory(version=version, organisation=partner_person.organisation)
    DutyFactory(version=version, organisation=coordinator_person.organisation)
    return version


@contextmanager
def after_commit():
    """Run what the code under test sends after commit (emails, tasks) at the block's end.

    Tests run inside one transaction that never commits, so without this nothing
    registered with transaction.on_commit would ever run.
    """
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield


def sent_for(cast, **kwargs) -> AgreementVersion:
    from agreements import services

    version = draft_for(cast, **kwargs)
    with after_commit():
        return services.version_send(version=version, user=cast.coordinator)


def member(network, organisation) -> None:
    Membership.objects.get_or_create(
        network=network,
        organisation=organisation,
        left_on=None,
        defaults={"joined_on": network.founded_on},
    )


def signed_with_pdf(cast) -> AgreementVersion:
    """A signed version whose sealed documents hold a small stand-in PDF (no render)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from core import sealing

    version = sent_for(cast)
    now = timezone.now()
    for party in version.parties.all():
        party.status = Party.Status.SIGNED
        party.signed_at = now
        party.typed_name = party.signatory.full_name
        party.save()
    version.status = AgreementVersion.Status.SIGNED
    version.signed_at = now
    version.save()
    for language, field in (("th", "sealed_document"), ("en", "sealed_document_en")):
        document = sealing.sealed_document_reserve(
            kind="agreement", title=version.agreement.title, language=language
        )
        # A stand-in file: the matrix checks who may download, not the PDF itself.
        document.file.save(f"{document.code}.pdf", ContentFile(b"%PDF-1.7\n%stand-in\n"))
        document.sealed_at = now
        document.save()
        setattr(version, field, document)
    AgreementVersion.objects.filter(pk=version.pk).update(
        sealed_document=version.sealed_document, sealed_document_en=version.sealed_document_en
    )
    return version
