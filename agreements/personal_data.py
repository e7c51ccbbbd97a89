"""What the agreements app holds about a person (read by privacy/registry.py).

A signature is kept as signed: the typed name, the time and the frozen text of a
version that came into force never change (its sealed PDF and public check page say
the same). What a signature leaves besides — the IP address and browser of each step
— goes once the version's work is done (nothing left to sign, its sealed PDFs stored):
on an erasure, or when the retention period has passed. A version that never came
into force (a draft, a withdrawn one) keeps nothing of the erased person. Plain data and
functions only: this module imports nothing from privacy.
"""

from __future__ import annotations

from django.db.models import Q

from .models import Agreement, AgreementVersion, Party, SignatureReminder, SigningEvent

NEVER_IN_FORCE = (AgreementVersion.Status.DRAFT, AgreementVersion.Status.WITHDRAWN)


def _unsettled() -> Q:
    """Versions whose audit trail may still be needed: out for signature, or signed
    with a sealed PDF still to make (agreements' sweep renders it from these rows)."""
    status = "version__status"
    missing_pdf = Q(version__sealed_document__isnull=True) | Q(
        version__sealed_document_en__isnull=True
    )
    return Q(**{status: AgreementVersion.Status.SENT}) | (
        Q(**{status: AgreementVersion.Status.SIGNED}) & missing_pdf
    )


def _parties(subject):
    return Party.objects.filter(signatory_id__in=subject.person_ids)


def _parties_erase(subject) -> int:
    """A version that never came into force keeps no trace of the signature; one in
    force keeps the name as signed, but not the address and browser once its work is
    done (nothing left to sign, its sealed PDFs stored)."""
    changed = []
    for party in _parties(subject).exclude(_unsettled()):
        never = party.version.status in NEVER_IN_FORCE
        if party.ip or party.user_agent or (never and party.typed_name):
            party.ip = None
            party.user_agent = ""
            if never:
                party.typed_name = ""
            party.save()  # ip, browser and typed name are not frozen content
            changed.append(party.pk)
    Party.history.filter(id__in=changed).update(ip=None, user_agent="")
    Party.history.filter(id__in=changed, version__status__in=NEVER_IN_FORCE).update(typed_name="")
    return len(changed)


def _events(subject):
    return SigningEvent.objects.filter(
        Q(user_id=subject.user_id) | Q(party__signatory_id__in=subject.person_ids)
    )


def _events_erase(subject) -> int:
    return (
        _events(subject)
        .exclude(ip__isnull=True, user_agent="")
        .exclude(_unsettled())
        .update(ip=None, user_agent="")
    )


def _parties_thin(cutoff) -> int:
    """IP addresses and browsers of signatures older than the period, once the
    version's work is done; the history's copies go with them."""
    old = Q(signed_at__lt=cutoff) | Q(declined_at__lt=cutoff)
    held = Q(ip__isnull=False) | ~Q(user_agent="")
    thinned = 0
    for party in Party.objects.filter(old & held).exclude(_unsettled()):
        party.ip = None
        party.user_agent = ""
        party.save()
        thinned += 1
    Party.history.filter(history_date__lt=cutoff).filter(held).exclude(
        id__in=Party.objects.filter(held).values("id")
    ).update(ip=None, user_agent="")
    return thinned


def _events_thin(cutoff) -> int:
    return (
        SigningEvent.objects.filter(at__lt=cutoff)
        .exclude(ip__isnull=True, user_agent="")
        .exclude(_unsettled())
        .update(ip=None, user_agent="")
    )


def _reminders_thin(cutoff) -> int:
    """Reminder rows are the count of reminders a waiting signatory has had (the
    sweep's claim): kept while the party may still be reminded."""
    waiting = Q(
        party__status=Party.Status.PENDING,
        party__version__status=AgreementVersion.Status.SENT,
    )
    deleted, _ = SignatureReminder.objects.filter(claimed_at__lt=cutoff).exclude(waiting).delete()
    return deleted


HOLDINGS = (
    {
        "model": Party,
        "rows": _parties,
        "fields": (
            "version__agreement__title",
            "version__number",
            "organisation__name_th",
            "position",
            "status",
            "signed_at",
            "typed_name",
            "ip",
            "user_agent",
            "declined_at",
            "decline_reason",
        ),
        "erase": _parties_erase,
        "kept": "signed_agreement",
        "thin": _parties_thin,
    },
    {"model": Party.history.model, "kept": "signed_agreement"},
    {
        "model": SigningEvent,
        "rows": _events,
        "fields": (
            "version__agreement__title",
            "version__number",
            "kind",
            "at",
            "ip",
            "user_agent",
        ),
        "erase": _events_erase,
        "kept": "signed_agreement",
        "thin": _events_thin,
    },
    {
        "model": SignatureReminder,
        "rows": lambda subject: SignatureReminder.objects.filter(
            party__signatory_id__in=subject.person_ids
        ),
        "fields": ("party__version__agreement__title", "sequence", "day", "sent_at"),
        "kept": "delivery_claim",
        "thin": _reminders_thin,
    },
    {
        "model": AgreementVersion,
        "rows": lambda subject: AgreementVersion.objects.filter(created_by_id=subject.user_id),
        "fields": ("agreement__title", "number", "status", "created_at"),
        "kept": "network_record",
    },
    {"model": AgreementVersion.history.model, "kept": "change_history"},
    {"model": Agreement.history.model, "kept": "change_history"},
)
