"""Planning activities: create, edit and delete, each guarded by the row's version."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ServiceError
from network.models import Organisation, Person
from roadmap.models import Activity, Evidence, ProgressUpdate, Step
from roadmap.selectors import ActivityDeletion, activity_delete_blockers

log = logging.getLogger(__name__)


class ActivityConflict(ServiceError):
    """Someone saved the activity after the form was opened; nothing was written.

    ``current`` is the activity as it now is, for the page to show beside what was typed.
    """

    code = "activity_conflict"

    def __init__(self, current: Activity, message: str = ""):
        super().__init__(
            message
            or _(
                "Someone else saved this activity while you were editing. "
                "Nothing of yours was saved yet."
            )
        )
        self.current = current


class ActivityGone(ServiceError):
    """The activity was deleted while the request was on its way; nothing was written."""

    code = "activity_gone"


class ActivityProtected(ServiceError):
    """Something outside the roadmap still relies on the activity; nothing was deleted.

    The messages are the other apps' reasons (``reasons`` too)."""

    code = "activity_protected"

    def __init__(self, reasons: Sequence[str]):
        super().__init__([str(r) for r in reasons])
        self.reasons = list(self.messages)


@transaction.atomic
def activity_create(
    *,
    step: Step,
    title: str,
    owners: Iterable[Organisation],
    description: str = "",
    responsible: Person | None = None,
    start_on: dt.date | None = None,
    due_on: dt.date | None = None,
    status: str = Activity.Status.NOT_STARTED,
    blocked_reason: str = "",
    percent: int = 0,
) -> Activity:
    activity = Activity.objects.create(
        step=step,
        title=title,
        description=description,
        responsible=responsible,
        start_on=start_on,
        due_on=due_on,
        status=status,
        blocked_reason=blocked_reason if status == Activity.Status.BLOCKED else "",
        percent=percent,
    )
    activity.owners.set(owners)
    return activity


def activity_version_claim(*, activity: Activity, based_on_version: int) -> None:
    """Move the version on only if nobody else did: the one conditional UPDATE that decides.

    Raises ActivityConflict with the newer row when the form was opened on an older
    version, ActivityGone when the row is no more. Call it inside the transaction that
    writes: the UPDATE holds the row until that commits.
    """
    claimed = Activity.objects.filter(pk=activity.pk, version=based_on_version).update(
        version=based_on_version + 1
    )
    if not claimed:
        current = (
            Activity.objects.select_related("step", "responsible")
            .prefetch_related("owners")
            .filter(pk=activity.pk)
            .first()
        )
        if current is None:
            raise ActivityGone
        raise ActivityConflict(current)
    activity.version = based_on_version + 1


@transaction.atomic
def activity_edit(
    *,
    activity: Activity,
    based_on_version: int,
    step: Step,
    title: str,
    owners: Iterable[Organisation],
    description: str,
    responsible: Person | None,
    start_on: dt.date | None,
    due_on: dt.date | None,
    status: str,
    blocked_reason: str,
) -> Activity:
    """The coordinator's plan change, refused with ActivityConflict on a stale version."""
    activity_version_claim(activity=activity, based_on_version=based_on_version)
    activity.step = step
    activity.title = title
    activity.description = description
    activity.responsible = responsible
    activity.start_on = start_on
    activity.due_on = due_on
    activity.status = status
    activity.blocked_reason = blocked_reason if status == Activity.Status.BLOCKED else ""
    if status == Activity.Status.DONE:
        activity.percent = 100
    activity.save()  # through save(), so the audit history sees it
    activity.owners.set(owners)
    return activity


def _files_remove(storage, names: list[str]) -> None:
    """Remove stored files; one that is already gone or will not go is logged, not fatal."""
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            log.warning("evidence file %s could not be removed", name, exc_info=True)


@transaction.atomic
def activity_delete(
    *, activity: Activity, by, based_on_version: int | None = None
) -> ActivityDeletion:
    """Delete an activity with its progress updates and evidence.

    The row is locked first, so a progress update being posted at the same moment either
    lands before (and is counted and deleted) or finds the activity gone. With
    ``based_on_version`` the deletion is refused with ActivityConflict when the activity
    changed after the confirmation page was shown (it may now take more with it).
    Raises ActivityProtected when another app still relies on it. Evidence files leave
    storage only once the transaction has committed: a rollback keeps every file.
    Deleting an activity that is already gone does nothing.
    """
    # order_by("pk"): the default ordering joins the step, which FOR UPDATE would lock too.
    current = Activity.objects.select_for_update().filter(pk=activity.pk).order_by("pk").first()
    if current is None:
        return ActivityDeletion(updates=0, evidence=0, blockers=[])
    if based_on_version is not None and current.version != based_on_version:
        raise ActivityConflict(
            current,
            _("The activity changed after this page was opened. Check again what goes with it."),
        )
    blockers = activity_delete_blockers(activity=current)
    if blockers:
        raise ActivityProtected(blockers)
    evidence = list(
        Evidence.objects.filter(update__activity=current).values_list("file", flat=True)
    )
    updates = ProgressUpdate.objects.filter(activity=current).count()
    current._history_user = by  # the audit history keeps the row and who deleted it
    current.delete()  # progress updates and evidence rows go with it (CASCADE)
    storage = Evidence._meta.get_field("file").storage
    names = [name for name in evidence if name]
    transaction.on_commit(lambda: _files_remove(storage, names), robust=True)
    return ActivityDeletion(updates=updates, evidence=len(evidence), blockers=[])
