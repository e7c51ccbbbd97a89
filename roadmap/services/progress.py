"""Progress updates with their evidence, and the coordinators' notice of a blocked activity."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from core.delivery import claim_once
from core.errors import ServiceError
from core.notify import Kind, person_notify
from core.queue import enqueue
from network.models import Organisation, Role
from roadmap.evidence import CheckedFile, limits
from roadmap.models import Activity, Evidence, ProgressUpdate

from .activities import activity_version_claim


class EvidenceQuotaExceeded(ServiceError):
    """The files would take the activity's stored evidence over its quota; nothing was
    written. Sizes in bytes."""

    code = "evidence_quota"

    def __init__(self, *, stored: int, incoming: int, limit: int):
        super().__init__(
            _(
                "This activity already holds %(stored)s of evidence and these files add "
                "%(size)s; an activity may hold at most %(limit)s. Nothing was saved."
            )
            % {
                "stored": filesizeformat(stored),
                "size": filesizeformat(incoming),
                "limit": filesizeformat(limit),
            }
        )
        self.stored = stored
        self.incoming = incoming
        self.limit = limit


def _evidence_quota_check(activity: Activity, files: Sequence[CheckedFile]) -> None:
    limit = limits().max_activity_bytes
    stored = (
        Evidence.objects.filter(update__activity=activity).aggregate(total=Sum("size"))["total"]
        or 0
    )
    incoming = sum(checked.size for checked in files)
    if stored + incoming > limit:
        raise EvidenceQuotaExceeded(stored=stored, incoming=incoming, limit=limit)


def _evidence_store(update: ProgressUpdate, files: Sequence[CheckedFile]) -> None:
    for checked in files:
        evidence = Evidence(
            update=update,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        # The storage name comes from upload_to (a uuid); only the extension is ours.
        evidence.file.save(f"upload{checked.extension}", ContentFile(checked.content), save=False)
        evidence.save()


@transaction.atomic
def progress_record(
    *,
    activity: Activity,
    author,
    organisation: Organisation | None,
    based_on_version: int,
    percent: int,
    status: str,
    narrative: str,
    blocked_reason: str = "",
    files: Sequence[CheckedFile] = (),
) -> ProgressUpdate:
    """Post a progress update with its evidence; the activity takes the update's values.

    Raises ActivityConflict, writing nothing, when someone saved since ``based_on_version``,
    and EvidenceQuotaExceeded, writing nothing, when the files would take the activity's
    stored evidence over its quota. An activity that becomes blocked starts the
    coordinators' notice (``roadmap.tasks.blocked_notice_send``) once this commits.
    """
    was_blocked = activity.status == Activity.Status.BLOCKED
    activity_version_claim(activity=activity, based_on_version=based_on_version)
    if files:
        # Counted after the claim: the claim's UPDATE holds the activity's row, so two
        # updates posted together are counted one after the other, not both against
        # the same total. Raising rolls the claim back.
        try:
            _evidence_quota_check(activity, files)
        except EvidenceQuotaExceeded:
            activity.version = based_on_version  # as the rollback leaves the row
            raise
    if status == Activity.Status.DONE:
        percent = 100
    blocked_reason = blocked_reason if status == Activity.Status.BLOCKED else ""
    update = ProgressUpdate.objects.create(
        activity=activity,
        organisation=organisation,
        author=author,
        percent=percent,
        status=status,
        blocked_reason=blocked_reason,
        narrative=narrative,
        based_on_version=based_on_version,
    )
    _evidence_store(update, files)
    activity.percent = percent
    activity.status = status
    activity.blocked_reason = blocked_reason
    activity.save()
    if status == Activity.Status.BLOCKED and not was_blocked:
        enqueue("roadmap.tasks.blocked_notice_send", update.pk)
    return update


@transaction.atomic
def blocked_notice_send(*, update_id: int) -> int:
    """Tell the network's coordinators that an activity became blocked. Safe to run twice.

    The notice is claimed (``core.delivery.claim_once`` on ``notified_at``) before any
    email leaves, so a retried or duplicated task sends nothing more. The claim and the
    emails share one transaction: a send that fails rolls the claim back and a retry
    sends again (at least once). Returns the number of emails sent.
    """
    if not claim_once(ProgressUpdate.objects.filter(pk=update_id), field="notified_at"):
        return 0
    update = (
        ProgressUpdate.objects.select_related("activity__step__network", "author", "organisation")
        .filter(pk=update_id)
        .first()
    )
    if update is None:  # the activity was deleted (with its updates) in the meantime
        return 0
    network = update.activity.step.network
    path = reverse("roadmap:activity_detail", args=[network.slug, update.activity_id])
    users = {
        role.person.user
        for role in Role.objects.coordinators()
        .filter(network=network, person__user__isnull=False)
        .select_related("person__user")
        if role.person.user.email and role.person.user.is_active
    }
    for user in sorted(users, key=lambda u: u.pk):
        person_notify(
            user=user,
            kind=Kind.NOTICE,
            topic=f"roadmap:blocked:{update.pk}",
            template="roadmap_blocked",
            url=f"{settings.SITE_URL}{path}",
            context={
                "network": network,
                "activity": update.activity,
                "update": update,
                "activity_url": f"{settings.SITE_URL}{path}",
            },
        )
    return len(users)
