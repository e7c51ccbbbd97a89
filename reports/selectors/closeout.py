"""The close-out of a dissolved network as it is read: what the sealed report states,
who is told, which dissolutions are unfinished, and the close-out page's list.

The report states the network as the history row recorded it at the dissolution (a
reopening clears the date and reason from the network, not from the row) and reads
the roadmap and the signed agreement as they stand when it is built: a dissolved
network is read-only, so that is how they stood at the end. Reopening keeps every
sealed close-out; its page says the network was reopened. The writes (sealing,
notices) are reports.services.closeout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import AgreementVersion, Party
from agreements.selectors import agreement_current_signed, totals_of
from agreements.verified import organisation_verified_label
from core import sealing
from core.dates import format_date
from core.models import Dispatch, SealedDocument
from network.models import Membership, Network
from roadmap.models import Activity, ProgressUpdate, Step, Win

LANGUAGES = ("th", "en")
# The sweep picks up a dissolution whose task was lost (the broker was down at the
# commit) or failed, after the task has had time to run, for a week.
SWEEP_AFTER = dt.timedelta(minutes=10)
SWEEP_WITHIN = dt.timedelta(days=7)
# Roadmap progress updates and wins carry no amount of money or resources, so nothing
# in Khruakhai links spending to a line of section III: the report lists the lines as
# committed and says so. Should progress updates ever record spending, the report
# shows it beside the lines.
SPENDING_LINKED = False


def closeout_subject(*, network_id: int, record_id: int) -> str:
    """The subject of the sealed documents and the topic of the notices of one dissolution."""
    return f"closeout:{network_id}:{record_id}"


def _prefix(network_id: int) -> str:
    return f"closeout:{network_id}:"


def closeout_record(*, network_id: int, record_id: int):
    """The network's history row of the dissolution, or None."""
    return Network.history.filter(
        id=network_id, history_id=record_id, status=Network.Status.DISSOLVED
    ).first()


def dissolution_record_id(*, network: Network) -> int | None:
    """The history row that dissolved the network as it stands (None when it is not
    dissolved): the earliest of the dissolved rows since it last was not dissolved."""
    if not network.is_dissolved:
        return None
    found = None
    rows = Network.history.filter(id=network.pk).order_by("-history_id")
    for history_id, status in rows.values_list("history_id", "status").iterator():
        if status != Network.Status.DISSOLVED:
            break
        found = history_id
    return found


# --- what the report says -----------------------------------------------------------------
@dataclass
class ActivityRow:
    activity: Activity
    step_number: int
    owners: str
    responsible: str
    last_update: ProgressUpdate | None

    @property
    def last_percent(self) -> int:
        # The activity keeps the percent of its latest progress update (or the
        # coordinators' own figure): the last word on how far it got.
        return self.activity.percent


@dataclass
class PartyLine:
    organisation: str
    verification: str
    verified: bool
    signatory: str = ""
    position: str = ""
    signed_at: dt.datetime | None = None


@dataclass
class Facts:
    """Everything the close-out states, in the active language."""

    network: Network  # as the history row recorded it at the dissolution
    dissolved_on: dt.date
    reason: str
    steps: list[dict]
    done: list[ActivityRow]
    unfinished: list[ActivityRow]
    wins: list[Win]
    version: AgreementVersion | None
    resources: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    parties: list[PartyLine] = field(default_factory=list)
    members: list = field(default_factory=list)


def _activity_rows(network: Network) -> list[ActivityRow]:
    latest = ProgressUpdate.objects.filter(activity=OuterRef("pk")).order_by("-created_at", "-id")
    activities = list(
        Activity.objects.filter(step__network=network)
        .select_related("step", "responsible")
        .prefetch_related("owners")
        .annotate(last_update_id=Subquery(latest.values("id")[:1]))
        .order_by("step__number", "due_on", "id")
    )
    ids = [a.last_update_id for a in activities if a.last_update_id]
    updates = ProgressUpdate.objects.select_related("organisation").in_bulk(ids)
    return [
        ActivityRow(
            activity=a,
            step_number=a.step.number,
            owners=", ".join(o.name for o in a.owners.all()),
            responsible=a.responsible.display_name if a.responsible_id else "",
            last_update=updates.get(a.last_update_id),
        )
        for a in activities
    ]


def _steps(network: Network, rows: list[ActivityRow]) -> list[dict]:
    out = []
    for step in Step.objects.filter(network=network).order_by("number"):
        mine = [r for r in rows if r.step_number == step.number]
        out.append(
            {
                "step": step,
                "activities": len(mine),
                "done": sum(1 for r in mine if r.activity.status == Activity.Status.DONE),
            }
        )
    return out


def _parties(network: Network, version: AgreementVersion | None, members) -> list[PartyLine]:
    """The parties of the signed agreement, or (without one) the member organisations."""
    if version is not None:
        return [
            PartyLine(
                organisation=p.organisation.name,
                verification=organisation_verified_label(p.organisation),
                verified=p.organisation.is_verified,
                signatory=p.signatory.display_name,
                position=p.position,
                signed_at=p.signed_at,
            )
            for p in version.parties.select_related("organisation", "signatory").filter(
                status=Party.Status.SIGNED
            )
        ]
    return [
        PartyLine(
            organisation=m.organisation.name,
            verification=organisation_verified_label(m.organisation),
            verified=m.organisation.is_verified,
        )
        for m in members
    ]


def closeout_facts(*, network: Network, record) -> Facts:
    """What the report states; call it inside translation.override for a language."""
    snapshot = record.instance  # the network as it stood when it was dissolved
    rows = _activity_rows(network)
    version = agreement_current_signed(network=network)
    resources = list(version.resources.select_related("organisation")) if version else []
    members = list(
        Membership.objects.current()
        .filter(network=network)
        .select_related("organisation")
        .order_by("place", "organisation__name_th")
    )
    return Facts(
        network=snapshot,
        dissolved_on=record.dissolved_on,
        reason=record.dissolution_reason,
        steps=_steps(network, rows),
        done=[r for r in rows if r.activity.status == Activity.Status.DONE],
        unfinished=[r for r in rows if r.activity.status != Activity.Status.DONE],
        wins=list(
            Win.objects.filter(network=network)
            .prefetch_related("organisations")
            .order_by("happened_on", "id")
        ),
        version=version,
        resources=resources,
        totals=totals_of(resources),
        parties=_parties(network, version, members),
        members=members,
    )


def closeout_context(
    *, network: Network, record, language: str, document: SealedDocument | None = None
) -> dict:
    """The PDF template's context in ``language``; with the reserved document, its
    verify address and QR code."""
    with translation.override(language):
        facts = closeout_facts(network=network, record=record)
        verify = sealing.verify_url(document) if document is not None else ""
        return {
            "facts": facts,
            "network": facts.network,
            "spending_linked": SPENDING_LINKED,
            "document": document,
            "verify_url": verify,
            "qr": sealing.qr_data_uri(verify) if verify else "",
            "generated_at": timezone.now(),
        }


def closeout_summary(*, facts: Facts, language: str) -> dict:
    """What the public verify page shows (core.sealing's shape), in ``language``."""
    with translation.override(language):
        return {
            "network": facts.network.name,
            "parties": [
                {
                    "organisation": p.organisation,
                    "verified": p.verified,
                    "verification": p.verification,
                    "signatory": p.signatory,
                    "position": p.position,
                    "signed_at": p.signed_at.isoformat() if p.signed_at else "",
                }
                for p in facts.parties
            ],
            "details": [
                [_("Dissolved on"), format_date(facts.dissolved_on, language=language)],
                [_("Reason for dissolution"), facts.reason],
            ],
        }


def closeout_content_hash(*, facts: Facts, record_id: int) -> str:
    """SHA-256 over what the report states, by ids and figures (the same in every
    language), as canonical JSON."""
    content = {
        "network": facts.network.pk,
        "record": record_id,
        "dissolved_on": facts.dissolved_on.isoformat() if facts.dissolved_on else None,
        "reason": facts.reason,
        "purpose": facts.network.purpose,
        "steps": [
            [r["step"].number, r["step"].status, r["done"], r["activities"]] for r in facts.steps
        ],
        "activities": [
            [
                r.activity.pk,
                r.activity.title,
                r.activity.status,
                r.activity.percent,
                r.last_update.pk if r.last_update else None,
            ]
            for r in (*facts.done, *facts.unfinished)
        ],
        "wins": [[w.pk, w.title, w.happened_on.isoformat()] for w in facts.wins],
        "agreement": facts.version.content_sha256 if facts.version else None,
        "resources": [[r.pk, f"{r.amount_baht:.2f}"] for r in facts.resources],
        "members": [m.organisation_id for m in facts.members],
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


# --- who is told ----------------------------------------------------------------------
def recipients(*, network: Network) -> list:
    """Every active login holding a role in the network, once each."""
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            person__roles__network=network,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def closeout_page_url(network: Network) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("reports:closeout", args=[network.slug])


def closeouts_due(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(network id, record id) of recent dissolutions whose report is not sealed in
    both languages or whose members are not all told: the task was lost or failed."""
    now = now or timezone.now()
    recent = (
        Network.history.filter(
            status=Network.Status.DISSOLVED,
            history_date__gte=now - SWEEP_WITHIN,
            history_date__lte=now - SWEEP_AFTER,
        )
        .values("id")
        .distinct()
    )
    due = []
    for network in Network.objects.filter(status=Network.Status.DISSOLVED, id__in=recent):
        record_id = dissolution_record_id(network=network)
        record = closeout_record(network_id=network.pk, record_id=record_id) if record_id else None
        if record is None or not (now - SWEEP_WITHIN <= record.history_date <= now - SWEEP_AFTER):
            continue
        subject = closeout_subject(network_id=network.pk, record_id=record_id)
        sealed = SealedDocument.objects.filter(
            kind=SealedDocument.Kind.CLOSE_OUT, subject=subject, sealed_at__isnull=False
        ).count()
        told = set(
            Dispatch.objects.filter(topic=subject, sent_at__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        if sealed < len(LANGUAGES) or any(u.pk not in told for u in recipients(network=network)):
            due.append((network.pk, record_id))
    return due


# --- the page -------------------------------------------------------------------------------
@dataclass
class CloseOut:
    """One dissolution of the network, as its close-out page lists it."""

    record_id: int
    dissolved_on: dt.date | None
    reason: str
    documents: dict[str, SealedDocument]
    reopened_at: dt.datetime | None = None

    @property
    def ready(self) -> bool:
        return all(d.sealed_at for d in self.documents.values()) and len(self.documents) == len(
            LANGUAGES
        )


def closeouts_for(*, network: Network) -> list[CloseOut]:
    """The network's close-outs, newest first: every sealed (or reserved) one, and the
    current dissolution's even before its task has run."""
    documents: dict[int, dict[str, SealedDocument]] = {}
    for document in SealedDocument.objects.filter(
        kind=SealedDocument.Kind.CLOSE_OUT, subject__startswith=_prefix(network.pk)
    ):
        try:
            record_id = int(document.subject.rsplit(":", 1)[1])
        except ValueError:
            continue
        documents.setdefault(record_id, {})[document.language] = document
    current = dissolution_record_id(network=network)
    ids = set(documents) | ({current} if current else set())
    out = []
    rows = Network.history.filter(id=network.pk, history_id__in=ids).order_by("-history_id")
    for row in rows.values("history_id", "dissolved_on", "dissolution_reason"):
        # The first row after the dissolution that is not dissolved: the reopening.
        reopened = (
            Network.history.filter(id=network.pk, history_id__gt=row["history_id"])
            .exclude(status=Network.Status.DISSOLVED)
            .order_by("history_id")
            .values_list("history_date", flat=True)
            .first()
        )
        out.append(
            CloseOut(
                record_id=row["history_id"],
                dissolved_on=row["dissolved_on"],
                reason=row["dissolution_reason"],
                documents=documents.get(row["history_id"], {}),
                reopened_at=reopened,
            )
        )
    return out


def closeout_document(*, network: Network, code: str) -> SealedDocument | None:
    """A sealed close-out of this network by its code (None for another network's)."""
    return SealedDocument.objects.filter(
        kind=SealedDocument.Kind.CLOSE_OUT,
        subject__startswith=_prefix(network.pk),
        code=code,
        sealed_at__isnull=False,
    ).first()
