"""One-off emails about a version: the request to sign, a decline, the agreement in force.

Each is claimed once with ``core.delivery.claim_once`` (a conditional UPDATE of the
row's ``…_sent_at``) inside the transaction that sends, so a send that fails rolls the
claim back: at-least-once, never twice for a claim that committed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from agreements.models import AgreementVersion, Party
from agreements.selectors import coordinators_of
from core.delivery import claim_once
from core.notify import Kind, person_notify


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def version_path(version: AgreementVersion, name: str = "version") -> str:
    return reverse(
        f"agreements:{name}",
        kwargs={"slug": version.agreement.network.slug, "number": version.number},
    )


LINE_KINDS = {"sign_request": Kind.SIGNING_REQUEST, "reminder": Kind.SIGNING_REMINDER}


def mail_user(template: str, user, context: dict) -> None:
    """``templates/emails/agreements_<template>_*`` to one user, in their language, by
    the channel they chose for it (``core.notify``: email, LINE or both)."""
    party, version = context.get("party"), context["version"]
    topic = f"agreements:{template}:{version.pk}:{party.pk if party else ''}"
    person_notify(
        user=user,
        kind=LINE_KINDS.get(template, Kind.NOTICE),
        topic=f"{topic}:{context.get('sequence', '')}",
        template=f"agreements_{template}",
        context={"recipient": user, **context},
        url=context.get("sign_url") or context.get("version_url") or "",
    )


def party_sign_request_send(*, party_id: int) -> bool:
    """The request to sign, once per party, while the version is out for signature."""
    party = (
        Party.objects.select_related("version__agreement__network", "signatory__user")
        .filter(pk=party_id, version__status=AgreementVersion.Status.SENT)
        .first()
    )
    if party is None:
        return False
    sent = Party.objects.filter(pk=party_id, version__status=AgreementVersion.Status.SENT)
    with transaction.atomic():
        if not claim_once(sent, field="request_sent_at"):
            return False
        user = party.signatory.user
        if user is None or not user.email:
            return False  # nobody to write to: the claim stands, nothing is retried
        mail_user(
            "sign_request",
            user,
            {
                "party": party,
                "version": party.version,
                "network": party.version.agreement.network,
                "sign_url": absolute(version_path(party.version, "sign")),
            },
        )
    return True


def party_decline_notice_send(*, party_id: int) -> bool:
    """Tell the coordinators that a party declined, once."""
    declined = Party.objects.filter(pk=party_id, status=Party.Status.DECLINED)
    party = (
        declined.select_related("version__agreement__network", "signatory", "organisation")
    ).first()
    if party is None:
        return False
    network = party.version.agreement.network
    with transaction.atomic():
        if not claim_once(declined, field="decline_notice_sent_at"):
            return False
        for user in coordinators_of(network):
            mail_user(
                "declined",
                user,
                {
                    "party": party,
                    "version": party.version,
                    "network": network,
                    "version_url": absolute(version_path(party.version)),
                },
            )
    return True


def version_signed_notice_send(*, version_id: int) -> bool:
    """Tell every signatory and coordinator the agreement is in force, with the PDF link."""
    signed = AgreementVersion.objects.filter(pk=version_id, status=AgreementVersion.Status.SIGNED)
    version = signed.select_related("agreement__network").first()
    if version is None:
        return False
    network = version.agreement.network
    with transaction.atomic():
        if not claim_once(signed, field="signed_notice_sent_at"):
            return False
        recipients = {u.pk: u for u in coordinators_of(network)}
        for party in version.parties.select_related("signatory__user"):
            user = party.signatory.user
            if user is not None and user.email:
                recipients[user.pk] = user
        pdf_url = absolute(version_path(version, "pdf"))
        for user in recipients.values():
            mail_user(
                "signed",
                user,
                {
                    "version": version,
                    "network": network,
                    "pdf_url": pdf_url,
                    "version_url": absolute(version_path(version)),
                },
            )
    return True
