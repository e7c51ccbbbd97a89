"""Every write of the agreements app: drafting, sending, signing, sealing and reminding.

Keyword-only and typed. Views and tasks call these; emails and the PDF render
are started with ``core.tasks.enqueue`` so they leave only after the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core import throttle
from core.mail import email_send
from core.tasks import enqueue
from network.models import Membership, Network, Organisation, Person, Role
from network.permissions import people_with_a_role
from network.services import network_activate

from .catalogue import MANAGEMENT_PARTS, NUMERALS, PART_LETTERS, SECTIONS, TEXT_FIELDS, Section
from .models import (
    Agreement,
    AgreementVersion,
    ContentFrozen,
    Duty,
    Party,
    ResourceItem,
    SignatureReminder,
    SigningEvent,
)
from .verified import organisation_verified_label

log = logging.getLogger(__name__)

RENEWAL_NOTICE_DAYS = 30
# Wrong passwords on the signing page: a few tries, then a pause.
SIGN_FAILURES_ALLOWED = 5
SIGN_FAILURE_WINDOW = 300


class AgreementError(ValidationError):
    """A refused action, with a message for the user in their language."""


# --- reading ------------------------------------------------------------------
def agreement_current_signed(*, network: Network) -> AgreementVersion | None:
    """The version in force: the one signed by every party and not yet superseded."""
    return (
        AgreementVersion.objects.signed()
        .filter(agreement__network=network)
        .select_related("agreement")
        .first()
    )


def version_sections(*, version: AgreementVersion) -> list[Section]:
    """The five sections with their catalogue entries and this version's text."""
    sections = []
    for numeral, entry in zip(NUMERALS, SECTIONS, strict=True):
        if entry.code == "management":
            parts = tuple(
                (letter, part, getattr(version, part.code))
                for letter, part in zip(PART_LETTERS, MANAGEMENT_PARTS, strict=True)
            )
            sections.append(Section(numeral=numeral, entry=entry, parts=parts))
        else:
            sections.append(
                Section(numeral=numeral, entry=entry, text=getattr(version, entry.code))
            )
    return sections


def duties_by_organisation(duties: Iterable[Duty]) -> list[tuple[Organisation, list[Duty]]]:
    grouped: dict[int, tuple[Organisation, list[Duty]]] = {}
    for duty in duties:
        grouped.setdefault(duty.organisation_id, (duty.organisation, []))[1].append(duty)
    return list(grouped.values())


def totals_of(resources: Iterable[ResourceItem]) -> dict[str, Decimal]:
    """Totals from rows already loaded (no extra query on pages that list them)."""
    money = sum((r.amount_baht for r in resources if r.kind == ResourceItem.Kind.MONEY), Decimal(0))
    other = sum((r.amount_baht for r in resources if r.kind == ResourceItem.Kind.OTHER), Decimal(0))
    return {"money": money, "other": other, "all": money + other}


# --- the canonical content and its hash -----------------------------------------
def version_content(*, version: AgreementVersion) -> dict:
    """Everything the parties sign, as plain data in a stable order."""
    agreement = version.agreement
    network = agreement.network

    def org(o: Organisation) -> dict:
        return {"id": o.id, "name_th": o.name_th, "name_en": o.name_en}

    return {
        "agreement": agreement.title,
        "network": {"slug": network.slug, "name_th": network.name_th, "name_en": network.name_en},
        "version": version.number,
        "effective_from": version.effective_from.isoformat() if version.effective_from else None,
        "effective_until": version.effective_until.isoformat() if version.effective_until else None,
        "sections": {field: getattr(version, field) for field in TEXT_FIELDS},
        "duties": [
            {"organisation": org(d.organisation), "text": d.text}
            for d in version.duties.select_related("organisation").order_by("organisation_id", "id")
        ],
        "resources": [
            {
                "kind": r.kind,
                "description": r.description,
                "amount_baht": f"{r.amount_baht:.2f}",
                "organisation": org(r.organisation),
            }
            for r in version.resources.select_related("organisation").order_by("id")
        ],
        "parties": [
            {
                "organisation": org(p.organisation),
                "signatory": p.signatory.display_name,
                "signatory_id": p.signatory_id,
                "position": p.position,
            }
            for p in version.parties.select_related("organisation", "signatory").order_by(
                "organisation_id"
            )
        ],
    }


def _frozen_copy(live, **names):
    """An unsaved copy of a row with the names it had when the version was sent: pages
    and PDFs read it like the row itself, and nothing ever saves it."""
    if live is None:
        return None
    values = {f.attname: getattr(live, f.attname) for f in live._meta.concrete_fields}
    row = type(live)(**{**values, **names})
    row._state.adding = False
    return row


def frozen_names_apply(
    *,
    version: AgreementVersion,
    parties: Iterable[Party] = (),
    duties: Iterable[Duty] = (),
    resources: Iterable[ResourceItem] = (),
    events: Iterable[SigningEvent] = (),
) -> None:
    """A sent version shows what was signed: the organisations' names and the
    signatories' names as frozen in its content when it was sent (``content_json``,
    the text the stored hash covers), not today's. A draft keeps the live names.
    Changes the loaded rows in memory only."""
    if not version.content_json:
        return
    content = json.loads(version.content_json)
    org_names: dict[int, dict] = {}
    for part in ("duties", "resources", "parties"):
        for row in content.get(part, []):
            frozen = row.get("organisation") or {}
            if "id" in frozen:
                org_names[frozen["id"]] = {
                    "name_th": frozen.get("name_th", ""),
                    "name_en": frozen.get("name_en", ""),
                }
    signatories = {
        row["signatory_id"]: row["signatory"]
        for row in content.get("parties", [])
        if "signatory_id" in row and "signatory" in row
    }
    copies: dict[int, Organisation] = {}

    def organisation(live: Organisation | None) -> Organisation | None:
        if live is None or live.pk not in org_names:
            return live
        if live.pk not in copies:
            copies[live.pk] = _frozen_copy(live, **org_names[live.pk])
        return copies[live.pk]

    parties = list(parties)
    for event in events:
        if event.party_id:
            parties.append(event.party)
    for row in (*duties, *resources, *parties):
        row.organisation = organisation(row.organisation)
    for party in parties:
        if party.signatory_id in signatories:
            # display_name is title + full name: the frozen text is already both.
            party.signatory = _frozen_copy(
                party.signatory, title="", full_name=signatories[party.signatory_id]
            )


def canonical_json(content: dict) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(*, version: AgreementVersion) -> str:
    return hashlib.sha256(canonical_json(version_content(version=version)).encode()).hexdigest()


# --- drafting -------------------------------------------------------------------
def _require_draft(version: AgreementVersion) -> None:
    if not version.is_draft:
        raise ContentFrozen


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
    _require_draft(version)
    for field in AgreementVersion.CONTENT_FIELDS:
        if field in data:
            setattr(version, field, data[field])
    title = (data.get("title") or "").strip()
    if title and title != version.agreement.title:
        version.agreement.title = title
        version.agreement.save(update_fields=["title"])
    version.save()
    return version


def _current_member_ids(network_id: int) -> set[int]:
    """Organisations that are members of the network now. Only a Membership makes one:
    a pending request to join (or a membership that ended) does not."""
    return set(
        Membership.objects.current()
        .filter(network_id=network_id)
        .values_list("organisation_id", flat=True)
    )


def _member_organisation(version: AgreementVersion, organisation: Organisation) -> None:
    if organisation.pk not in _current_member_ids(version.agreement.network_id):
        raise AgreementError(_("That organisation is not a member of this network."))


@transaction.atomic
def duty_add(*, version: AgreementVersion, organisation: Organisation, text: str) -> Duty:
    _require_draft(version)
    _member_organisation(version, organisation)
    return Duty.objects.create(version=version, organisation=organisation, text=text.strip())


@transaction.atomic
def duty_remove(*, duty: Duty) -> None:
    _require_draft(duty.version)
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
    _require_draft(version)
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
    _require_draft(item.version)
    item.delete()


def signatory_choices(*, network: Network):
    """People who may sign: a person with an account, of a current member organisation,
    who holds a role in the network. A role is only ever held by accepting it, so a
    login that has merely been invited (and has not said yes) is never asked to sign."""
    members = Membership.objects.current().filter(network=network).values("organisation_id")
    return (
        people_with_a_role(network)
        .filter(organisation_id__in=members, user__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name_th", "full_name")
    )


@transaction.atomic
def party_add(*, version: AgreementVersion, signatory: Person, position: str = "") -> Party:
    """An organisation joins the signing, through the person who signs for it."""
    _require_draft(version)
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
    _require_draft(party.version)
    party.delete()


# --- the signing flow -------------------------------------------------------------
def _event(
    version: AgreementVersion,
    kind: str,
    *,
    party: Party | None = None,
    user=None,
    ip: str | None = None,
    user_agent: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> SigningEvent:
    return SigningEvent.objects.create(
        version=version,
        party=party,
        kind=kind,
        at=at or timezone.now(),
        ip=ip or None,
        user_agent=(user_agent or "")[:500],
        user=user if getattr(user, "is_authenticated", False) else None,
        note=note,
    )


@transaction.atomic
def version_send(
    *, version: AgreementVersion, user, ip: str | None = None, user_agent: str = ""
) -> AgreementVersion:
    """Freeze the content, store its SHA-256 and ask every signatory to sign."""
    from . import tasks

    version = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement__network")
        .get(pk=version.pk)
    )
    _require_draft(version)
    parties = list(version.parties.select_related("signatory", "organisation"))
    problems = []
    if not parties:
        problems.append(_("Add at least one party before sending."))
    if any(p.signatory.user_id is None for p in parties):
        problems.append(_("Every signatory needs an account."))
    if not version.effective_from:
        problems.append(_("Set the date the agreement takes effect."))
    if not version.basic_information.strip():
        problems.append(_("Section I (basic information) is empty."))
    # A party added while its organisation was a member may have left since.
    members = _current_member_ids(version.agreement.network_id)
    for party in parties:
        if party.organisation_id not in members:
            problems.append(
                _(
                    "%(organisation)s is no longer a member of this network: "
                    "remove it from the parties first."
                )
                % {"organisation": party.organisation.name}
            )
    if problems:
        raise AgreementError(problems)
    content = canonical_json(version_content(version=version))
    now = timezone.now()
    version.content_json = content
    version.content_sha256 = hashlib.sha256(content.encode()).hexdigest()
    version.status = AgreementVersion.Status.SENT
    version.sent_at = now
    version.save()
    _event(version, SigningEvent.Kind.SENT, user=user, ip=ip, user_agent=user_agent, at=now)
    for party in parties:
        enqueue(tasks.party_sign_request, party.id)
    return version


def party_for_signing(*, version: AgreementVersion, user) -> Party | None:
    """The party this user signs for in this version, if any."""
    if not user.is_authenticated:
        return None
    return (
        version.parties.select_related("organisation", "signatory")
        .filter(signatory__user=user)
        .first()
    )


def party_view_record(*, party: Party, user, ip: str | None, user_agent: str) -> None:
    """The first time a signatory opens the signing page goes into the audit trail."""
    if not party.version.is_sent or party.events.filter(kind=SigningEvent.Kind.VIEWED).exists():
        return
    _event(
        party.version,
        SigningEvent.Kind.VIEWED,
        party=party,
        user=user,
        ip=ip,
        user_agent=user_agent,
    )


def totp_required(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _check_totp(user, code: str) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return True
    if not code or not TOTP(authenticator).validate_code(code.strip()):
        return False
    authenticator.record_usage()
    return True


def _normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _failure_key(user) -> str:
    # Kept in core.throttle's store, which the transaction a failure rolls back
    # does not touch (the database cache would forget every count).
    return throttle.user_key("agreements:sign-failures", user)


def _signing_party(party: Party, user, *, to_sign: bool = True) -> tuple[Party, AgreementVersion]:
    """Lock the version then the party; check both can still be signed by this user."""
    version = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement__network")
        .get(pk=party.version_id)
    )
    party = Party.objects.select_for_update().select_related("signatory").get(pk=party.pk)
    if party.signatory.user_id != user.pk:
        raise AgreementError(
            _("Only the named signatory may sign for this organisation."), code="not_signatory"
        )
    if version.status == AgreementVersion.Status.WITHDRAWN:
        raise AgreementError(
            _("This version was withdrawn; it can no longer be signed."), code="withdrawn"
        )
    if version.status != AgreementVersion.Status.SENT:
        raise AgreementError(_("This version is not waiting for signatures."), code="not_sent")
    if party.status == Party.Status.SIGNED:
        raise AgreementError(_("You have already signed this version."), code="already_signed")
    if party.status == Party.Status.DECLINED:
        raise AgreementError(_("You have declined this version."), code="declined")
    # An organisation that left the network since the version was sent may still
    # decline, but it no longer signs.
    if to_sign and party.organisation_id not in _current_member_ids(version.agreement.network_id):
        raise AgreementError(
            _("Your organisation is no longer a member of this network; it cannot sign."),
            code="not_member",
        )
    return party, version


@transaction.atomic
def party_sign(
    *,
    party: Party,
    user,
    password: str,
    typed_name: str,
    otp_code: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> Party:
    """Sign for an organisation: the password again, the TOTP code where enabled, the name."""
    from . import tasks

    party, version = _signing_party(party, user)
    if throttle.exceeded(_failure_key(user), allowed=SIGN_FAILURES_ALLOWED):
        raise AgreementError(_("Too many wrong attempts. Wait a few minutes and try again."))
    if not user.check_password(password or ""):
        throttle.record(_failure_key(user), window=SIGN_FAILURE_WINDOW)
        raise AgreementError(_("The password is not correct."), code="password")
    if not _check_totp(user, otp_code):
        throttle.record(_failure_key(user), window=SIGN_FAILURE_WINDOW)
        raise AgreementError(_("The authenticator code is not correct."), code="otp")
    expected = {_normalise_name(party.signatory.full_name)}
    expected.add(_normalise_name(party.signatory.display_name))
    if _normalise_name(typed_name) not in expected:
        raise AgreementError(
            _("Type your full name exactly as shown: %(name)s")
            % {"name": party.signatory.full_name},
            code="name",
        )
    throttle.clear(_failure_key(user))
    now = timezone.now()
    party.status = Party.Status.SIGNED
    party.signed_at = now
    party.typed_name = " ".join(typed_name.split())
    party.ip = ip or None
    party.user_agent = (user_agent or "")[:500]
    party.save()
    _event(
        version,
        SigningEvent.Kind.SIGNED,
        party=party,
        user=user,
        ip=ip,
        user_agent=user_agent,
        at=now,
    )
    if not version.parties.exclude(status=Party.Status.SIGNED).exists():
        _version_complete(version, at=now)
        enqueue(tasks.version_pdf_render, version.id)
    return party


def _version_complete(version: AgreementVersion, *, at: dt.datetime) -> None:
    """Every party has signed: this version is in force and the previous one is superseded."""
    for previous in AgreementVersion.objects.select_for_update().filter(
        agreement_id=version.agreement_id, status=AgreementVersion.Status.SIGNED
    ):
        previous.status = AgreementVersion.Status.SUPERSEDED
        previous.superseded_at = at
        previous.save()
    version.status = AgreementVersion.Status.SIGNED
    version.signed_at = at
    version.save()
    _event(version, SigningEvent.Kind.COMPLETED, at=at)
    # A signed agreement is what makes a network no longer "being set up".
    network_activate(network=version.agreement.network)


@transaction.atomic
def party_decline(
    *, party: Party, user, reason: str, ip: str | None = None, user_agent: str = ""
) -> Party:
    """Refuse to sign, with a reason; the coordinators are told."""
    from . import tasks

    party, version = _signing_party(party, user, to_sign=False)
    reason = reason.strip()
    if not reason:
        raise AgreementError(_("Give a reason for declining."), code="reason")
    now = timezone.now()
    party.status = Party.Status.DECLINED
    party.declined_at = now
    party.decline_reason = reason
    party.ip = ip or None
    party.user_agent = (user_agent or "")[:500]
    party.save()
    _event(
        version,
        SigningEvent.Kind.DECLINED,
        party=party,
        user=user,
        ip=ip,
        user_agent=user_agent,
        note=reason,
        at=now,
    )
    enqueue(tasks.party_decline_notice, party.id)
    return party


@transaction.atomic
def version_withdraw(
    *,
    version: AgreementVersion,
    user,
    reason: str = "",
    ip: str | None = None,
    user_agent: str = "",
) -> AgreementVersion:
    """Coordinators take back a version that is not fully signed; nobody can sign it after."""
    version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if not version.can_withdraw:
        raise AgreementError(
            _("Only a draft or a version waiting for signatures can be withdrawn.")
        )
    version.status = AgreementVersion.Status.WITHDRAWN
    version.withdrawn_at = timezone.now()
    version.withdrawal_reason = reason.strip()
    version.save()
    _event(
        version,
        SigningEvent.Kind.WITHDRAWN,
        user=user,
        ip=ip,
        user_agent=user_agent,
        note=version.withdrawal_reason,
    )
    return version


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
    current = (
        Membership.objects.current()
        .filter(network_id=agreement.network_id)
        .values_list("organisation_id", flat=True)
    )
    for party in version.parties.filter(organisation_id__in=current).select_related("signatory"):
        Party.objects.create(
            version=new,
            organisation_id=party.organisation_id,
            signatory=party.signatory,
            position=party.position,
        )
    return new


# --- people to tell -----------------------------------------------------------------
def coordinators_of(network: Network) -> list:
    """The coordinators' user accounts (they receive declines and renewal notices)."""
    roles = (
        Role.objects.coordinators()
        .filter(network=network, person__user__isnull=False)
        .select_related("person__user")
    )
    users = {r.person.user.pk: r.person.user for r in roles if r.person.user.email}
    return list(users.values())


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _version_path(version: AgreementVersion, name: str = "version") -> str:
    return reverse(
        f"agreements:{name}",
        kwargs={"slug": version.agreement.network.slug, "number": version.number},
    )


def _send(template: str, user, context: dict) -> None:
    email_send(
        template=f"agreements_{template}",
        to=[user.email],
        context={"recipient": user, **context},
        language=user.language,
    )


def party_sign_request_send(*, party_id: int) -> bool:
    """The request to sign, once per party (a conditional UPDATE claims it)."""
    party = (
        Party.objects.select_related("version__agreement__network", "signatory__user")
        .filter(pk=party_id)
        .first()
    )
    if party is None or party.version.status != AgreementVersion.Status.SENT:
        return False
    if not Party.objects.filter(pk=party_id, request_sent_at__isnull=True).update(
        request_sent_at=timezone.now()
    ):
        return False
    user = party.signatory.user
    if user is None or not user.email:
        return False
    _send(
        "sign_request",
        user,
        {
            "party": party,
            "version": party.version,
            "network": party.version.agreement.network,
            "sign_url": _absolute(_version_path(party.version, "sign")),
        },
    )
    return True


def party_decline_notice_send(*, party_id: int) -> bool:
    """Tell the coordinators that a party declined, once."""
    party = (
        Party.objects.select_related("version__agreement__network", "signatory", "organisation")
        .filter(pk=party_id, status=Party.Status.DECLINED)
        .first()
    )
    if party is None:
        return False
    if not Party.objects.filter(pk=party_id, decline_notice_sent_at__isnull=True).update(
        decline_notice_sent_at=timezone.now()
    ):
        return False
    network = party.version.agreement.network
    for user in coordinators_of(network):
        _send(
            "declined",
            user,
            {
                "party": party,
                "version": party.version,
                "network": network,
                "version_url": _absolute(_version_path(party.version)),
            },
        )
    return True


def version_signed_notice_send(*, version_id: int) -> bool:
    """Tell every signatory and coordinator the agreement is in force, with the PDF link."""
    version = (
        AgreementVersion.objects.select_related("agreement__network")
        .filter(pk=version_id, status=AgreementVersion.Status.SIGNED)
        .first()
    )
    if version is None:
        return False
    if not AgreementVersion.objects.filter(
        pk=version_id, signed_notice_sent_at__isnull=True
    ).update(signed_notice_sent_at=timezone.now()):
        return False
    network = version.agreement.network
    recipients = {u.pk: u for u in coordinators_of(network)}
    for party in version.parties.select_related("signatory__user"):
        user = party.signatory.user
        if user is not None and user.email:
            recipients[user.pk] = user
    pdf_url = _absolute(_version_path(version, "pdf"))
    for user in recipients.values():
        _send(
            "signed",
            user,
            {
                "version": version,
                "network": network,
                "pdf_url": pdf_url,
                "version_url": _absolute(_version_path(version)),
            },
        )
    return True


# --- reminders --------------------------------------------------------------------
def reminders_due(*, today: dt.date) -> list[int]:
    """Parties waiting to sign whose last contact is N days old, below M reminders."""
    candidates = (
        Party.objects.filter(
            status=Party.Status.PENDING,
            version__status=AgreementVersion.Status.SENT,
            signatory__user__isnull=False,
        )
        # An ended agreement asks nobody to sign (dissolution withdraws what was out
        # for signature; this holds even if something was left behind).
        .exclude(version__agreement__network__status=Network.Status.DISSOLVED)
        .select_related("version__agreement")
        .annotate(sent_count=Count("reminders"), last_day=Max("reminders__day"))
    )
    due = []
    for party in candidates:
        agreement = party.version.agreement
        if party.sent_count >= agreement.reminder_max:
            continue
        last = party.last_day or timezone.localtime(party.version.sent_at).date()
        if (today - last).days >= agreement.reminder_every_days:
            due.append(party.id)
    return due


def party_remind(*, party_id: int, today: dt.date) -> bool:
    """Send one reminder, unless another worker already claimed today's or this sequence."""
    with transaction.atomic():
        party = (
            Party.objects.select_related("version__agreement__network", "signatory__user")
            .filter(pk=party_id)
            .first()
        )
        if party is None or party.id not in reminders_due_for(party_ids=[party_id], today=today):
            return False
        sequence = party.reminders.count() + 1
        try:
            with transaction.atomic():
                reminder = SignatureReminder.objects.create(
                    party=party, sequence=sequence, day=today
                )
        except IntegrityError:
            return False  # another worker holds the claim
    version = party.version
    user = party.signatory.user
    _send(
        "reminder",
        user,
        {
            "party": party,
            "version": version,
            "network": version.agreement.network,
            "sequence": sequence,
            "sign_url": _absolute(_version_path(version, "sign")),
        },
    )
    SignatureReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    SigningEvent.objects.create(
        version=version, party=party, kind=SigningEvent.Kind.REMINDED, at=timezone.now()
    )
    return True


def reminders_due_for(*, party_ids: list[int], today: dt.date) -> set[int]:
    """The due check again, for a few ids, right before claiming (the state may have moved)."""
    return set(reminders_due(today=today)) & set(party_ids)


def renewals_due(*, today: dt.date) -> list[int]:
    """Signed versions ending within 30 days whose coordinators have not been told."""
    return list(
        AgreementVersion.objects.signed()
        .filter(
            effective_until__isnull=False,
            effective_until__gte=today,
            effective_until__lte=today + dt.timedelta(days=RENEWAL_NOTICE_DAYS),
            renewal_reminded_at__isnull=True,
            # An ended agreement is not renewed.
            ended_on__isnull=True,
        )
        .values_list("id", flat=True)
    )


def version_renewal_remind(*, version_id: int) -> bool:
    """Remind the coordinators that the agreement ends soon, exactly once."""
    if not AgreementVersion.objects.filter(
        Q(
            pk=version_id,
            renewal_reminded_at__isnull=True,
            status=AgreementVersion.Status.SIGNED,
            ended_on__isnull=True,
        )
    ).update(renewal_reminded_at=timezone.now()):
        return False
    version = AgreementVersion.objects.select_related("agreement__network").get(pk=version_id)
    network = version.agreement.network
    for user in coordinators_of(network):
        _send(
            "renewal",
            user,
            {
                "version": version,
                "network": network,
                "version_url": _absolute(_version_path(version)),
            },
        )
    return True


def pdfs_missing() -> list[int]:
    """Signed versions whose PDF is not stored yet (the broker was down, a render failed)."""
    cutoff = timezone.now() - dt.timedelta(minutes=10)
    return list(
        AgreementVersion.objects.signed()
        .filter(signed_at__lte=cutoff)
        .filter(Q(sealed_document__isnull=True) | Q(sealed_document_en__isnull=True))
        .values_list("id", flat=True)
    )


# --- the signed PDF ----------------------------------------------------------------
PDF_LANGUAGES = (("th", "sealed_document"), ("en", "sealed_document_en"))


@dataclass(frozen=True)
class PdfAuditRow:
    """One line of the PDF's audit appendix (no IP address, no browser)."""

    at: dt.datetime
    kind: str
    organisation: str


# A term or a date written with slashes ("2/2569", "ภาคเรียนที่ 1/2569", "23/11/2569")
# reads as one word: Pango may break a line after a slash or at the space before the
# number, leaving "ภาคเรียนที่ 1/" on one line and "2569" on the next.
_PDF_KEEP_TOGETHER = re.compile(
    r"(?:(?:ภาคเรียนที่|ภาคการศึกษาที่|ภาคเรียน|ไตรมาส|ปีการศึกษา|ปีงบประมาณ)[ \u00a0]?)?"
    r"(?<![\d/])\d{1,2}(?:/\d{4}|/\d{1,2}/\d{2,4})(?![\d/])"
)


def pdf_keep_together(text: str) -> SafeString:
    """``text`` escaped, each term or date number in a no-break span (``ag-nobr`` in
    the PDF template). Only spans are added: the text a reader copies out of the PDF
    is exactly ``text``."""
    out = []
    position = 0
    for match in _PDF_KEEP_TOGETHER.finditer(text or ""):
        out.append(escape(text[position : match.start()]))
        out.append(f'<span class="ag-nobr">{escape(match[0])}</span>')
        position = match.end()
    out.append(escape((text or "")[position:]))
    # Safe: every piece of ``text`` was escaped above; only our own spans are added.
    return mark_safe("".join(out))


def _pdf_section(section: Section) -> Section:
    return replace(
        section,
        text=pdf_keep_together(section.text),
        parts=tuple(
            (letter, part, pdf_keep_together(text)) for letter, part, text in section.parts
        ),
    )


def version_pdf_context(*, version: AgreementVersion, language: str, document=None) -> dict:
    """Everything the PDF template shows; also used by the bench. Text typed by users
    comes escaped, with term and date numbers kept on one line (pdf_keep_together)."""
    from core import sealing

    with translation.override(language):
        duties = list(version.duties.select_related("organisation"))
        resources = list(version.resources.select_related("organisation"))
        parties = list(version.parties.select_related("organisation", "signatory"))
        # The audit appendix gets the time, the event and the organisation only: a
        # signer's IP address and browser stay in the app's audit log, which only the
        # coordinators see, and never reach a PDF that is passed around.
        signing_events = list(version.events.select_related("party__organisation"))
        frozen_names_apply(
            version=version,
            parties=parties,
            duties=duties,
            resources=resources,
            events=signing_events,
        )
        events = [
            PdfAuditRow(
                at=e.at,
                kind=e.get_kind_display(),
                organisation=e.party.organisation.name if e.party_id else "",
            )
            for e in signing_events
        ]
        verify = sealing.verify_url(document) if document is not None else ""
        return {
            "version": version,
            "agreement": version.agreement,
            "network": version.agreement.network,
            "sections": [_pdf_section(s) for s in version_sections(version=version)],
            "duties_by_org": [
                (organisation, [pdf_keep_together(d.text) for d in items])
                for organisation, items in duties_by_organisation(duties)
            ],
            "resources": resources,
            "resource_rows": [(r, pdf_keep_together(r.description)) for r in resources],
            "totals": totals_of(resources),
            "parties": parties,
            # A signatory without a position gets no empty "Position:" line.
            "signature_rows": [(p, pdf_keep_together(p.position.strip())) for p in parties],
            "events": events,
            "document": document,
            "verify_url": verify,
            "qr": sealing.qr_data_uri(verify) if verify else "",
            "language": language,
        }


def version_summary(*, version: AgreementVersion, language: str) -> dict:
    """What the public verify page shows about the sealed document (core.sealing's shape)."""
    network = version.agreement.network
    with translation.override(language):
        return {
            "network": network.name,
            "period": {
                "start": version.effective_from.isoformat() if version.effective_from else "",
                "end": version.effective_until.isoformat() if version.effective_until else "",
            },
            "parties": [
                {
                    "organisation": p.organisation.name,
                    # The organisation's verified state when the PDF was sealed, so a
                    # look-alike record shows as unverified on the public page too.
                    "verified": p.organisation.is_verified,
                    "official_code": p.organisation.official_code,
                    "verification": organisation_verified_label(p.organisation),
                    "signatory": p.signatory.display_name,
                    "position": p.position,
                    "signed_at": p.signed_at.isoformat() if p.signed_at else "",
                }
                for p in version.parties.select_related("organisation", "signatory")
            ],
            "details": [
                [_("Agreement"), version.agreement.title],
                [_("Version"), str(version.number)],
                [_("Content SHA-256"), version.content_sha256],
                *([_ended_row(version.ended_on, language)] if version.ended_on else []),
            ],
        }


def _ended_row(ended_on: dt.date, language: str) -> list[str]:
    """The verify page's line about the end, in the document's language."""
    from core.dates import format_date

    with translation.override(language):
        return [_("Ended on"), format_date(ended_on, language=language)]


def version_pdf_render_one(*, version: AgreementVersion, language: str, document=None) -> bytes:
    """The unsealed PDF of a version in one language."""
    from core.pdf import render_pdf_template

    context = version_pdf_context(version=version, language=language, document=document)
    with translation.override(language):
        return render_pdf_template("agreements/pdf/agreement.html", context, language=language)


def version_pdf_render(*, version_id: int) -> AgreementVersion | None:
    """Render, seal and store the Thai and English PDFs of a signed version (idempotent)."""
    from core import sealing

    version = (
        AgreementVersion.objects.select_related(
            "agreement__network", "sealed_document", "sealed_document_en"
        )
        .filter(pk=version_id)
        .exclude(status__in=(AgreementVersion.Status.DRAFT, AgreementVersion.Status.SENT))
        .exclude(status=AgreementVersion.Status.WITHDRAWN)
        .first()
    )
    if version is None:
        return None
    for language, field in PDF_LANGUAGES:
        document = getattr(version, field)
        if document is not None and document.file:
            continue
        if document is None:
            with translation.override(language):
                title = f"{version.agreement.title} — {_('version')} {version.number}"
            document = sealing.sealed_document_reserve(
                kind="agreement", title=title, language=language
            )
            # Claim the slot; a second worker that lost the race uses the winner's row.
            claimed = AgreementVersion.objects.filter(
                pk=version.pk, **{f"{field}__isnull": True}
            ).update(**{field: document})
            if not claimed:
                document.delete()
                version.refresh_from_db()
                document = getattr(version, field)
                if document is None or document.file:
                    continue
        # sealed_document_store seals (pyHanko, certification, no changes allowed).
        pdf = version_pdf_render_one(version=version, language=language, document=document)
        sealing.sealed_document_store(
            document=document,
            pdf=pdf,
            summary=version_summary(version=version, language=language),
            content_sha256=version.content_sha256,
        )
    version.refresh_from_db()
    return version


@transaction.atomic
def agreement_end(
    *, network: Network, ended_on: dt.date, reason: str = ""
) -> AgreementVersion | None:
    """The network was dissolved: its agreement ends on ``ended_on``.

    The version in force is marked ended (no renewal notice after this; its sealed
    PDFs' public record says so), and a version still out for signature is withdrawn
    with the dissolution as the reason, so nobody is reminded to sign it. A draft stays
    a draft. Returns the ended version, or None when none was in force. Running it
    again changes nothing."""
    from core.models import SealedDocument

    for open_version in AgreementVersion.objects.select_for_update().filter(
        agreement__network=network, status=AgreementVersion.Status.SENT
    ):
        open_version.status = AgreementVersion.Status.WITHDRAWN
        open_version.withdrawn_at = timezone.now()
        open_version.withdrawal_reason = _("The network was dissolved: %(reason)s") % {
            "reason": reason.strip()
        }
        open_version.save()
        _event(open_version, SigningEvent.Kind.WITHDRAWN, note=open_version.withdrawal_reason)
    version = (
        AgreementVersion.objects.select_for_update()
        .filter(agreement__network=network, status=AgreementVersion.Status.SIGNED)
        .first()
    )
    if version is None or version.ended_on is not None:
        return version
    version.ended_on = ended_on
    version.save()
    # The sealed files stay as they are; their public record gains the end date.
    for language, field in PDF_LANGUAGES:
        document_id = getattr(version, f"{field}_id")
        if document_id is None:
            continue  # not rendered yet: version_summary will include the end
        document = SealedDocument.objects.select_for_update().get(pk=document_id)
        summary = dict(document.summary or {})
        summary["details"] = [*summary.get("details", []), _ended_row(ended_on, language)]
        SealedDocument.objects.filter(pk=document_id).update(summary=summary)
    return version


def signatory_move_reason(*, person: Person) -> str | None:
    """Why a person may not move to another organisation now: they are named to sign
    for their organisation in an agreement still being drafted or signed (they would
    sign for an organisation they no longer belong to). None when nothing holds them."""
    party = (
        Party.objects.filter(
            signatory=person,
            status=Party.Status.PENDING,
            version__status__in=(AgreementVersion.Status.DRAFT, AgreementVersion.Status.SENT),
        )
        .select_related("organisation", "version__agreement__network")
        .order_by("id")
        .first()
    )
    if party is None:
        return None
    return _(
        "%(name)s is named to sign for %(organisation)s in the agreement of %(network)s, "
        "which is still open: name another signatory there first."
    ) % {
        "name": person.display_name,
        "organisation": party.organisation.name,
        "network": party.version.agreement.network.name,
    }
