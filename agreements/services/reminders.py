"""Reminders: to a signatory who has not signed yet, and to the coordinators before the
agreement in force ends.

What is due is a query (``selectors.reminders_due_queryset``, ``renewals_due``); a
signing reminder is claimed with ``core.delivery.claim_row`` (one ``SignatureReminder``
per party and sequence, and per party and day) and the claim commits before the email
leaves: at-most-once. The renewal notice is claimed once (``claim_once``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from agreements.models import AgreementVersion, SignatureReminder, SigningEvent
from agreements.selectors import coordinators_of, reminders_due_queryset
from core.delivery import claim_once, claim_row

from .notices import absolute, mail_user, version_path
from .signing import event_record


def party_remind(*, party_id: int, today: dt.date) -> bool:
    """Send one reminder, unless it is not due or another worker claimed it."""
    with transaction.atomic():
        # The same rule as the sweep's, for this one party: the state may have moved.
        party = (
            reminders_due_queryset(today=today)
            .filter(pk=party_id)
            .select_related("version__agreement__network", "signatory__user", "organisation")
            .first()
        )
        if party is None:
            return False
        sequence = party.sent_count + 1
        reminder = claim_row(SignatureReminder, party=party, sequence=sequence, day=today)
        if reminder is None:
            return False  # another worker holds the claim
    version = party.version
    mail_user(
        "reminder",
        party.signatory.user,
        {
            "party": party,
            "version": version,
            "network": version.agreement.network,
            "sequence": sequence,
            "sign_url": absolute(version_path(version, "sign")),
        },
    )
    SignatureReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    event_record(version, SigningEvent.Kind.REMINDED, party=party)
    return True


def version_renewal_remind(*, version_id: int) -> bool:
    """Remind the coordinators that the agreement ends soon, exactly once."""
    in_force = AgreementVersion.objects.filter(
        pk=version_id, status=AgreementVersion.Status.SIGNED, ended_on__isnull=True
    )
    with transaction.atomic():
        if not claim_once(in_force, field="renewal_reminded_at"):
            return False
        version = AgreementVersion.objects.select_related("agreement__network").get(pk=version_id)
        network = version.agreement.network
        for user in coordinators_of(network):
            mail_user(
                "renewal",
                user,
                {
                    "version": version,
                    "network": network,
                    "version_url": absolute(version_path(version)),
                },
            )
    return True
