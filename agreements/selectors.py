"""Every read of the agreements app: what pages, PDFs, tasks and other apps look up.

Nothing here writes. The services (``agreements.services``) change things and call
these for what they need to know; reports reads the version in force from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from allauth.mfa.models import Authenticator
from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Membership, Network, Organisation, Person, Role
from network.permissions import people_with_a_role

from .catalogue import MANAGEMENT_PARTS, NUMERALS, PART_LETTERS, SECTIONS, TEXT_FIELDS, Section
from .models import (
    Agreement,
    AgreementVersion,
    Duty,
    Party,
    ResourceItem,
    SignatureReminder,
    SigningEvent,
)

RENEWAL_NOTICE_DAYS = 30
# A render normally finishes within minutes of the last signature; older gaps were lost.
PDF_RENDER_GRACE = dt.timedelta(minutes=10)


# --- the agreement and its versions ------------------------------------------------
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


def canonical_json(content: dict) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(*, version: AgreementVersion) -> str:
    return hashlib.sha256(canonical_json(version_content(version=version)).encode()).hexdigest()


# --- the names a sent version was signed with ---------------------------------------
def _frozen_copy(live, **names):
    """An unsaved copy of a row with the names it had when the version was sent: pages
    and PDFs read it like the row itself, and nothing ever saves it. A column the
    database computes (an organisation's ``search_name``) is left out: it holds the
    live names, not the frozen ones."""
    if live is None:
        return None
    fields = [f for f in live._meta.concrete_fields if not f.generated]
    values = {f.attname: getattr(live, f.attname) for f in fields}
    row = type(live)(**{**values, **names})
    row._state.adding = False
    return row


def _frozen_names(content: dict) -> tuple[dict[int, dict], dict[int, str]]:
    """The organisations' names (by id) and the signatories' names (by person id)."""
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
    return org_names, signatories


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
    org_names, signatories = _frozen_names(json.loads(version.content_json))
    copies: dict[int, Organisation] = {}

    def organisation(live: Organisation | None) -> Organisation | None:
        if live is None or live.pk not in org_names:
            return live
        if live.pk not in copies:
            copies[live.pk] = _frozen_copy(live, **org_names[live.pk])
        return copies[live.pk]

    parties = list(parties)
    parties.extend(event.party for event in events if event.party_id)
    for row in (*duties, *resources, *parties):
        row.organisation = organisation(row.organisation)
    for party in parties:
        if party.signatory_id in signatories:
            # display_name is title + full name: the frozen text is already both.
            party.signatory = _frozen_copy(
                party.signatory, title="", full_name=signatories[party.signatory_id]
            )


def parties_as_sent(*, version: AgreementVersion) -> list[Party]:
    """The parties with the names they were sent with (a draft: today's names)."""
    parties = list(version.parties.select_related("organisation", "signatory"))
    frozen_names_apply(version=version, parties=parties)
    return parties


# --- who may be named, who signs, who is told ---------------------------------------
def current_member_ids(network_id: int) -> set[int]:
    """Organisations that are members of the network now. Only a Membership makes one:
    a pending request to join (or a membership that ended) does not."""
    return set(
        Membership.objects.current()
        .filter(network_id=network_id)
        .values_list("organisation_id", flat=True)
    )


def member_organisations(*, network: Network) -> QuerySet[Organisation]:
    """The current member organisations, for the duty and resource forms."""
    members = Membership.objects.current().filter(network=network).values("organisation_id")
    return Organisation.objects.filter(id__in=members).order_by("name_th")


def signatory_choices(*, network: Network) -> QuerySet[Person]:
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


def party_for_signing(*, version: AgreementVersion, user) -> Party | None:
    """The party this user signs for in this version, if any."""
    if not user.is_authenticated:
        return None
    return (
        version.parties.select_related("organisation", "signatory")
        .filter(signatory__user=user)
        .first()
    )


def totp_required(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def coordinators_of(network: Network) -> list:
    """The coordinators' user accounts (they receive declines and renewal notices)."""
    roles = (
        Role.objects.coordinators()
        .filter(network=network, person__user__isnull=False)
        .select_related("person__user")
    )
    users = {r.person.user.pk: r.person.user for r in roles if r.person.user.email}
    return list(users.values())


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


# --- what is due (the beat's sweep) ---------------------------------------------------
def reminders_due_queryset(*, today: dt.date) -> QuerySet[Party]:
    """Parties waiting to sign whose last contact is the agreement's N days old and who
    had fewer than its M reminders: one query, whatever the number of parties.

    The last contact is the day of the last reminder, else the day the version was sent
    (in the site's time zone). Each row carries ``sent_count``, so the next reminder's
    sequence needs no further query; ``party_remind`` re-checks one party with this
    same queryset filtered by its id.
    """
    reminders = SignatureReminder.objects.filter(party=OuterRef("pk")).order_by().values("party")
    last_contact = Coalesce(
        Subquery(reminders.annotate(day=Max("day")).values("day")),
        TruncDate("version__sent_at"),
        output_field=DateField(),
    )
    # N days as a duration; the column is read as a plain integer (SQLite multiplies
    # a duration only by an IntegerField, not a PositiveSmallIntegerField).
    days = ExpressionWrapper(F("version__agreement__reminder_every_days"), IntegerField())
    every = ExpressionWrapper(days * Value(dt.timedelta(days=1)), output_field=DurationField())
    return (
        Party.objects.filter(
            status=Party.Status.PENDING,
            version__status=AgreementVersion.Status.SENT,
            signatory__user__isnull=False,
            # An ended agreement asks nobody to sign (dissolution withdraws what was out
            # for signature; this holds even if something was left behind).
            version__agreement__network__in=Network.objects.active(),
        )
        .annotate(
            sent_count=Coalesce(Subquery(reminders.annotate(n=Count("pk")).values("n")), 0),
            since_contact=Value(today, output_field=DateField()) - last_contact,
            every=every,
        )
        .filter(
            sent_count__lt=F("version__agreement__reminder_max"),
            since_contact__gte=F("every"),
        )
        .order_by("id")
    )


def reminders_due(*, today: dt.date) -> list[int]:
    """Ids of the parties to remind today (see ``reminders_due_queryset``)."""
    return list(reminders_due_queryset(today=today).values_list("id", flat=True))


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


def pdfs_missing() -> list[int]:
    """Signed versions whose PDF is not stored yet (the broker was down, a render failed)."""
    cutoff = timezone.now() - PDF_RENDER_GRACE
    return list(
        AgreementVersion.objects.signed()
        .filter(signed_at__lte=cutoff)
        .filter(Q(sealed_document__isnull=True) | Q(sealed_document_en__isnull=True))
        .values_list("id", flat=True)
    )


# --- what the pages show ---------------------------------------------------------------
def agreement_overview(*, network: Network, user) -> dict:
    """The index page: the agreement, its versions with signature counts, the version
    in force, the one being drafted or signed, and the user's party in it."""
    agreement = Agreement.objects.filter(network=network).first()
    versions = []
    if agreement is not None:
        signed = Count("parties", filter=Q(parties__status=Party.Status.SIGNED))
        versions = list(
            agreement.versions.annotate(party_count=Count("parties"), signed_count=signed).order_by(
                "-number"
            )
        )
    current = next((v for v in versions if v.is_signed), None)
    open_version = next((v for v in versions if v.is_draft or v.is_sent), None)
    my_party = None
    if open_version is not None and open_version.is_sent:
        my_party = party_for_signing(version=open_version, user=user)
    return {
        "agreement": agreement,
        "versions": versions,
        "current": current,
        "open_version": open_version,
        "my_party": my_party,
    }


def version_display(
    *, version: AgreementVersion, signer: Party | None = None, with_events: bool = True
) -> dict:
    """What a page showing a version reads, with the names it was sent with: the
    sections, duties by organisation, resources and totals, the parties (and the audit
    trail). ``signer`` (the signing page's party) gets the frozen names too."""
    parties = list(version.parties.select_related("organisation", "signatory"))
    resources = list(version.resources.select_related("organisation"))
    duties = list(version.duties.select_related("organisation"))
    events = []
    if with_events:
        events = list(
            version.events.select_related("party__organisation", "party__signatory", "user")
        )
    frozen_names_apply(
        version=version,
        parties=[*parties, *([signer] if signer is not None else [])],
        duties=duties,
        resources=resources,
        events=events,
    )
    return {
        "sections": version_sections(version=version),
        "duties_by_org": duties_by_organisation(duties),
        "resources": resources,
        "totals": totals_of(resources),
        "parties": parties,
        "events": events,
    }


def draft_display(*, version: AgreementVersion) -> dict:
    """The edit page's lists: the draft's duties and resources with their total."""
    resources = list(version.resources.select_related("organisation"))
    return {
        "duties": list(version.duties.select_related("organisation")),
        "resources": resources,
        "totals": totals_of(resources),
    }
