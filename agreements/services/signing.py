"""The signing flow: send a draft for signature, sign, decline, withdraw, and the end of
the agreement when its network is dissolved. Every step goes into the audit trail.

Emails and the PDF render are started by task name (``core.queue.enqueue``) and leave
only after the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.errors import AgreementError
from agreements.models import AgreementVersion, Party, SigningEvent
from agreements.selectors import canonical_json, current_member_ids, version_content
from core import throttle
from core.models import SealedDocument
from core.queue import enqueue
from network.models import Network
from network.services import network_activate

from .drafting import require_draft
from .pdf import PDF_LANGUAGES, ended_row

# Wrong passwords on the signing page: a few tries, then a pause.
SIGN_FAILURES_ALLOWED = 5
SIGN_FAILURE_WINDOW = 300


def event_record(
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
    """One line of the version's audit trail."""
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


def _send_problems(version: AgreementVersion, parties: list[Party]) -> list[str]:
    """What stops a draft from being sent, every reason at once."""
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
    members = current_member_ids(version.agreement.network_id)
    problems.extend(
        _(
            "%(organisation)s is no longer a member of this network: "
            "remove it from the parties first."
        )
        % {"organisation": party.organisation.name}
        for party in parties
        if party.organisation_id not in members
    )
    return problems


@transaction.atomic
def version_send(
    *, version: AgreementVersion, user, ip: str | None = None, user_agent: str = ""
) -> AgreementVersion:
    """Freeze the content, store its SHA-256 and ask every signatory to sign."""
    version = (
        AgreementVersion.objects.select_for_update()
        .select_related("agreement__network")
        .get(pk=version.pk)
    )
    require_draft(version)
    parties = list(version.parties.select_related("signatory", "organisation"))
    problems = _send_problems(version, parties)
    if problems:
        raise AgreementError(problems)
    content = canonical_json(version_content(version=version))
    now = timezone.now()
    version.content_json = content
    version.content_sha256 = hashlib.sha256(content.encode()).hexdigest()
    version.status = AgreementVersion.Status.SENT
    version.sent_at = now
    version.save()
    event_record(version, SigningEvent.Kind.SENT, user=user, ip=ip, user_agent=user_agent, at=now)
    for party in parties:
        enqueue("agreements.tasks.party_sign_request", party.id)
    return version


def party_view_record(*, party: Party, user, ip: str | None, user_agent: str) -> None:
    """The first time a signatory opens the signing page goes into the audit trail."""
    if not party.version.is_sent or party.events.filter(kind=SigningEvent.Kind.VIEWED).exists():
        return
    event_record(
        party.version,
        SigningEvent.Kind.VIEWED,
        party=party,
        user=user,
        ip=ip,
        user_agent=user_agent,
    )


def _check_totp(user, code: str) -> bool:
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
    if to_sign and party.organisation_id not in current_member_ids(version.agreement.network_id):
        raise AgreementError(
            _("Your organisation is no longer a member of this network; it cannot sign."),
            code="not_member",
        )
    return party, version


def _check_signer(party: Party, user, *, password: str, otp_code: str, typed_name: str) -> None:
    """The password again, the TOTP code where enabled, the name as shown; wrong
    passwords and codes are counted (a few tries, then a pause)."""
    key = _failure_key(user)
    if throttle.exceeded(key, allowed=SIGN_FAILURES_ALLOWED):
        raise AgreementError(_("Too many wrong attempts. Wait a few minutes and try again."))
    if not user.check_password(password or ""):
        throttle.record(key, window=SIGN_FAILURE_WINDOW)
        raise AgreementError(_("The password is not correct."), code="password")
    if not _check_totp(user, otp_code):
        throttle.record(key, window=SIGN_FAILURE_WINDOW)
        raise AgreementError(_("The authenticator code is not correct."), code="otp")
    expected = {_normalise_name(party.signatory.full_name)}
    expected.add(_normalise_name(party.signatory.display_name))
    if _normalise_name(typed_name) not in expected:
        raise AgreementError(
            _("Type your full name exactly as shown: %(name)s")
            % {"name": party.signatory.full_name},
            code="name",
        )
    throttle.clear(key)


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
    party, version = _signing_party(party, user)
    _check_signer(party, user, password=password, otp_code=otp_code, typed_name=typed_name)
    now = timezone.now()
    party.status = Party.Status.SIGNED
    party.signed_at = now
    party.typed_name = " ".join(typed_name.split())
    party.ip = ip or None
    party.user_agent = (user_agent or "")[:500]
    party.save()
    event_record(
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
        enqueue("agreements.tasks.version_pdf_render", version.id)
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
    event_record(version, SigningEvent.Kind.COMPLETED, at=at)
    # A signed agreement is what makes a network no longer "being set up".
    network_activate(network=version.agreement.network)


@transaction.atomic
def party_decline(
    *, party: Party, user, reason: str, ip: str | None = None, user_agent: str = ""
) -> Party:
    """Refuse to sign, with a reason; the coordinators are told."""
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
    event_record(
        version,
        SigningEvent.Kind.DECLINED,
        party=party,
        user=user,
        ip=ip,
        user_agent=user_agent,
        note=reason,
        at=now,
    )
    enqueue("agreements.tasks.party_decline_notice", party.id)
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
    event_record(
        version,
        SigningEvent.Kind.WITHDRAWN,
        user=user,
        ip=ip,
        user_agent=user_agent,
        note=version.withdrawal_reason,
    )
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
    for open_version in AgreementVersion.objects.select_for_update().filter(
        agreement__network=network, status=AgreementVersion.Status.SENT
    ):
        open_version.status = AgreementVersion.Status.WITHDRAWN
        open_version.withdrawn_at = timezone.now()
        open_version.withdrawal_reason = _("The network was dissolved: %(reason)s") % {
            "reason": reason.strip()
        }
        open_version.save()
        event_record(open_version, SigningEvent.Kind.WITHDRAWN, note=open_version.withdrawal_reason)
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
        summary["details"] = [*summary.get("details", []), ended_row(ended_on, language)]
        SealedDocument.objects.filter(pk=document_id).update(summary=summary)
    return version
