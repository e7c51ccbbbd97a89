"""The weekly digest: early reminders a person chose to take once a week, on Monday.

One ``DigestDispatch`` row per person and week (a unique constraint) is claimed with
``core.delivery.claim_lease``, like a reminder; the email lists each open report once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.delivery import claim_lease
from core.notify import Kind, person_notify
from reports import periods as P
from reports.models import DigestDispatch, Reminder
from reports.selectors.reminders import claim_stale_after
from reports.selectors.reports import report_url

# Mondays from 08:00, Bangkok time.
DIGEST_WEEKDAY = 0
DIGEST_HOUR = 8


def digests_plan(*, now: dt.datetime | None = None) -> list[int]:
    """On Mondays from 08:00 (Bangkok), one digest row per person with waiting items;
    returns the ids of this week's rows not yet sent."""
    now = now or timezone.now()
    local = now.astimezone(P.BANGKOK)
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return []
    week_of = local.date()
    users = set(
        Reminder.objects.filter(status=Reminder.Status.DIGEST).values_list(
            "recipient_id", flat=True
        )
    )
    DigestDispatch.objects.bulk_create(
        [DigestDispatch(user_id=u, week_of=week_of) for u in users], ignore_conflicts=True
    )
    return list(
        DigestDispatch.objects.filter(week_of=week_of, sent_at__isnull=True).values_list(
            "id", flat=True
        )
    )


def digest_send(*, digest_id: int, now: dt.datetime | None = None) -> str:
    """Claim one digest and send it (or, with nothing open left, only record it)."""
    now = now or timezone.now()
    token = claim_lease(
        DigestDispatch.objects.filter(id=digest_id, sent_at__isnull=True),
        now=now,
        stale_after=claim_stale_after(),
    )
    if token is None:
        return "not-mine"
    with transaction.atomic():
        digest = DigestDispatch.objects.select_for_update().select_related("user").get(id=digest_id)
        if digest.claim_token != token or digest.sent_at:
            return "not-mine"
        items = list(
            Reminder.objects.select_for_update()
            .filter(recipient=digest.user, status=Reminder.Status.DIGEST)
            .select_related("report__period__network", "report__organisation")
        )
        # Several waiting reminders may be about one report ("before:7" and "before:1"):
        # the digest lists each open report once, and counts reports.
        open_items = list({r.report_id: r for r in items if r.report.is_editable}.values())
        open_items.sort(key=lambda r: (r.report.period.due_on, r.report.organisation.name))
        if open_items:
            person_notify(
                user=digest.user,
                kind=Kind.DIGEST,
                topic=f"reports:digest:{digest.pk}",
                template="reports_digest",
                url=f"{settings.SITE_URL}{reverse('network:my_networks')}",
                context={
                    "recipient": digest.user,
                    "items": [(r, report_url(r.report)) for r in open_items],
                },
            )
        Reminder.objects.filter(id__in=[r.id for r in items]).update(
            status=Reminder.Status.DIGESTED, sent_at=now
        )
        digest.sent_at = now
        digest.items = len(open_items)
        digest.save(update_fields=["sent_at", "items"])
    return "sent"
