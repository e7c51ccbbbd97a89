"""Drafting: the agreement, its draft versions, their duties, resources and parties.

Everything here changes a draft only; a sent version's content is frozen (the models
refuse too, with ``ContentFrozen``). ``version_amend`` starts the next draft.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from agreements.errors import AgreementError, ContentFrozen
from agreements.models import Agreement, AgreementVersion, Duty, Party, ResourceItem
from agreements.selectors import current_member_ids
from network.models import Membership, Network, Organisation, Person
from network.permissions import people_with_a_role


def require_draft(version: AgreementVersion) -> None:
    if not version.is_draft:
        raise ContentFrozen


def _member_organisation(version: AgreementVersion, organisation: Organisation) -> None:
    if organisation.pk not in current_member_ids(version.agreement.network_id):
        raise AgreementError(_("That organisation is not a member of this network."))


@transaction.atomic
def agreement_start(*, network: Network, user, title: str) -> AgreementVersion:
    """Create the network's agreement and its first draft version."""
    if Agreement.objects.filter(network=network).exists():
        raise AgreementError(_("This network already has an agreement."))
    agreement = Agreement.objects.create(network=network, title=title.strip())
    return AgreementVersion.objects.create(agreement=agreement, number=1, created_by=user)


def agreement_reminders_set(*, agreement: Agreement, every_days: int, max_count: int) -> Agreement:
    """The network's reminder policy: every N days, at most M reminders per signatory."""
    if every_days < 1 or max_count < 0:
        raise AgreementError(
            _("Remind at least one day apart, and not a negative number of times.")
        )
    agreement.reminder_every_days = every_days
    agreement.reminder_max = max_count
    agreement.save(update_fields=["reminder_every_days", "reminder_max"])
    return agreement


@transaction.atomic
def version_update(*, version: AgreementVersion, user, data: dict) -> AgreementVersion:
    """Change the text and dates of a draft. Anything else is refused."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    require_draft(version)
    for field in AgreementVersion.CONTENT_FIELDS:
        if field in data:
            setattr(version, field, data[field])
    title = (data.get("title") or "").strip()
    if title and title != version.agreement.title:
        version.agreement.title = title
        version.agreement.save(update_fields=["title"])
    version.save()
    return version


@transaction.atomic
def duty_add(*, version: AgreementVersion, organisation: Organisation, text: str) -> Duty:
    require_draft(version)
    _member_organisation(version, organisation)
    return Duty.objects.create(version=version, organisation=organisation, text=text.strip())


@transaction.atomic
def duty_remove(*, duty: Duty) -> None:
    require_draft(duty.version)
    duty.delete()


@transaction.atomic
def resource_add(
    *,
    version: AgreementVersion,
    kind: str,
    description: str,
    amount_baht: Decimal,
    organisation: Organisation,
) -> ResourceItem:
    require_draft(version)
    _member_organisation(version, organisation)
    if amount_baht < 0:
        raise AgreementError(_("The amount cannot be negative."))
    if amount_baht > ResourceItem.AMOUNT_CAP:
        raise AgreementError(
            _("The amount cannot be more than %(cap)s baht.")
            % {"cap": f"{ResourceItem.AMOUNT_CAP:,.0f}"}
        )
    return ResourceItem.objects.create(
        version=version,
        kind=kind,
        description=description.strip(),
        amount_baht=amount_baht,
        organisation=organisation,
    )


@transaction.atomic
def resource_remove(*, item: ResourceItem) -> None:
    require_draft(item.version)
    item.delete()


@transaction.atomic
def party_add(*, version: AgreementVersion, signatory: Person, position: str = "") -> Party:
    """An organisation joins the signing, through the person who signs for it."""
    require_draft(version)
    if signatory.user_id is None:
        raise AgreementError(_("The signatory needs an account to sign."))
    _member_organisation(version, signatory.organisation)
    if not people_with_a_role(version.agreement.network).filter(pk=signatory.pk).exists():
        raise AgreementError(
            _("%(name)s holds no role in this network yet: they must accept an invitation first.")
            % {"name": signatory.display_name}
        )
    if version.parties.filter(organisation=signatory.organisation_id).exists():
        raise AgreementError(_("That organisation is already a party to this version."))
    return Party.objects.create(
        version=version,
        organisation=signatory.organisation,
        signatory=signatory,
        position=(position or signatory.position or "").strip(),
    )


@transaction.atomic
def party_remove(*, party: Party) -> None:
    require_draft(party.version)
    party.delete()


@transaction.atomic
def version_amend(*, version: AgreementVersion, user) -> AgreementVersion:
    """A new draft copying this version's content; it supersedes the old one once signed."""
    agreement = Agreement.objects.select_for_update().get(pk=version.agreement_id)
    if agreement.versions.open().exists():
        raise AgreementError(
            _("A version is already being drafted or signed. Finish or withdraw it first.")
        )
    number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    new = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        amends=version,
        created_by=user,
        **{field: getattr(version, field) for field in AgreementVersion.CONTENT_FIELDS},
    )
    Duty.objects.bulk_create(
        Duty(version=new, organisation_id=d.organisation_id, text=d.text)
        for d in version.duties.all()
    )
    ResourceItem.objects.bulk_create(
        ResourceItem(
            version=new,
            kind=r.kind,
            description=r.description,
            amount_baht=r.amount_baht,
            organisation_id=r.organisation_id,
        )
        for r in version.resources.all()
    )
    # A party whose organisation has left the network since is not carried over.
    current = Membership.objects.current().filter(network_id=agreement.network_id)
    carried = version.parties.filter(organisation_id__in=current.values("organisation_id"))
    for party in carried.select_related("signatory"):
        Party.objects.create(
            version=new,
            organisation_id=party.organisation_id,
            signatory=party.signatory,
            position=party.position,
        )
    return new
