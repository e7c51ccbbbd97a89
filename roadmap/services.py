"""Every write of the roadmap. Keyword-only, typed, ``<thing>_<verb>``."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import BooleanField, Case, Count, F, Prefetch, QuerySet, Sum, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.mail import email_send
from core.tasks import enqueue
from network.models import Network, Organisation, Person, Role

from .catalogue import (
    DISADVANTAGES,
    HEALTH_GROUPS,
    HEALTH_ITEMS,
    OBSTACLES,
    STEPS,
    WINS_STEP_NUMBER,
)
from .evidence import CheckedFile, limits
from .models import (
    Activity,
    Evidence,
    HealthResponse,
    HealthRound,
    ObstacleEntry,
    ProgressUpdate,
    Step,
    Win,
)
from .signals import activity_deleting

log = logging.getLogger(__name__)

# Per-item averages appear only from this many answers on, so that no partner can
# work out another partner's scores from a mean of two.
HEALTH_MIN_RESPONSES = 3
RESPONDENT_ROLES = Role.SPEAKING_KINDS


class ActivityConflict(Exception):
    """Someone saved the activity after the form was opened; nothing was written."""

    def __init__(self, current: Activity):
        super().__init__(f"activity {current.pk} is at version {current.version}")
        self.current = current


class ActivityGone(Exception):
    """The activity was deleted while the request was on its way; nothing was written."""


class EvidenceQuotaExceeded(Exception):
    """The files would take the activity's stored evidence over its quota; nothing was
    written. Sizes in bytes."""

    def __init__(self, *, stored: int, incoming: int, limit: int):
        super().__init__(f"{stored} stored + {incoming} incoming > {limit}")
        self.stored = stored
        self.incoming = incoming
        self.limit = limit


class HealthRoundGone(Exception):
    """The round was deleted while the answers were on their way; nothing was written."""


class ActivityProtected(Exception):
    """Something outside the roadmap still relies on the activity; nothing was deleted."""

    def __init__(self, reasons: Sequence[str]):
        super().__init__("; ".join(str(r) for r in reasons))
        self.reasons = list(reasons)


# --- steps and register -----------------------------------------------------------
@transaction.atomic
def roadmap_create(*, network: Network) -> None:
    """The 8 steps and the 14-row obstacle register. Idempotent: adds only what is missing."""
    have = set(network.steps.values_list("number", flat=True))
    Step.objects.bulk_create(
        Step(network=network, number=n, code=entry.code)
        for n, entry in enumerate(STEPS, start=1)
        if n not in have
    )
    codes = set(network.obstacles.values_list("code", flat=True))
    rows = [(e, ObstacleEntry.Kind.OBSTACLE) for e in OBSTACLES]
    rows += [(e, ObstacleEntry.Kind.DISADVANTAGE) for e in DISADVANTAGES]
    ObstacleEntry.objects.bulk_create(
        ObstacleEntry(network=network, code=e.code, kind=kind)
        for e, kind in rows
        if e.code not in codes
    )


def step_update(
    *,
    step: Step,
    status: str,
    target_start: dt.date | None,
    target_end: dt.date | None,
    notes: str,
) -> Step:
    step.status = status
    step.target_start = target_start
    step.target_end = target_end
    step.notes = notes
    step.save()
    return step


def obstacle_update(
    *,
    entry: ObstacleEntry,
    likelihood: int | None,
    impact: int | None,
    mitigation: str,
    owner: Person | None,
    review_on: dt.date | None,
) -> ObstacleEntry:
    if (likelihood is None) != (impact is None):
        raise ValidationError(
            _("Score both likelihood and impact, or leave both not yet scored."), code="half"
        )
    entry.likelihood = likelihood
    entry.impact = impact
    entry.mitigation = mitigation
    entry.owner = owner
    entry.review_on = review_on
    entry.save()
    return entry


# --- activities -------------------------------------------------------------------
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


def _claim_version(activity: Activity, based_on_version: int) -> None:
    """Move the version on only if nobody else did: the one conditional UPDATE that decides.

    Raises ActivityConflict with the newer row when the form was opened on an older version.
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
    _claim_version(activity, based_on_version)
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
    stored evidence over its quota.
    """
    was_blocked = activity.status == Activity.Status.BLOCKED
    _claim_version(activity, based_on_version)
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
    activity.percent = percent
    activity.status = status
    activity.blocked_reason = blocked_reason
    activity.save()
    if status == Activity.Status.BLOCKED and not was_blocked:
        from . import tasks  # tasks import this module

        enqueue(tasks.blocked_notice_send, update.pk)
    return update


def _evidence_quota_check(activity: Activity, files: Sequence[CheckedFile]) -> None:
    limit = limits().max_activity_bytes
    stored = (
        Evidence.objects.filter(update__activity=activity).aggregate(total=Sum("size"))["total"]
        or 0
    )
    incoming = sum(checked.size for checked in files)
    if stored + incoming > limit:
        raise EvidenceQuotaExceeded(stored=stored, incoming=incoming, limit=limit)


def blocked_notice_send(*, update_id: int) -> int:
    """Tell the network's coordinators that an activity became blocked. Safe to run twice.

    The conditional UPDATE claims the notice before any email leaves, so a retried or
    duplicated task sends nothing more. Returns the number of emails sent.
    """
    claimed = ProgressUpdate.objects.filter(pk=update_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
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
        email_send(
            template="roadmap_blocked",
            to=[user.email],
            language=user.language,
            context={
                "network": network,
                "activity": update.activity,
                "update": update,
                "activity_url": f"{settings.SITE_URL}{path}",
            },
        )
    return len(users)


def activities_owed(*, user, today: dt.date) -> QuerySet[Activity]:
    """What the user's organisations owe in their live networks: late first, then by due date."""
    if not user.is_authenticated:
        return Activity.objects.none()
    roles = Role.objects.speaking_for().filter(
        person__user=user,
        network__status__in=(Network.Status.FORMING, Network.Status.ACTIVE),
    )
    org_ids = roles.values("person__organisation_id")
    return (
        Activity.objects.open()
        .filter(step__network__in=roles.values("network_id"))
        .owed_by(org_ids)
        .annotate(
            late=Case(
                When(due_on__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("step__network", "responsible")
        .prefetch_related("owners")
        .order_by("-late", F("due_on").asc(nulls_last=True), "id")
    )


@dataclass(frozen=True)
class ActivityDeletion:
    """What deleting an activity takes with it, and what (if anything) stops it."""

    updates: int
    evidence: int
    blockers: list[str]


def activity_delete_blockers(*, activity: Activity) -> list[str]:
    """Reasons other apps give for keeping the activity (see roadmap.signals)."""
    replies = activity_deleting.send(sender=Activity, activity=activity)
    return [str(reason) for _receiver, reason in replies if reason]


def activity_delete_summary(*, activity: Activity) -> ActivityDeletion:
    """For the confirmation page: counts of what goes with the activity."""
    return ActivityDeletion(
        updates=ProgressUpdate.objects.filter(activity=activity).count(),
        evidence=Evidence.objects.filter(update__activity=activity).count(),
        blockers=activity_delete_blockers(activity=activity),
    )


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
        raise ActivityConflict(current)
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


# --- wins -------------------------------------------------------------------------
WIN_IN_FUTURE = _("A win must already have happened: the date cannot be after today.")


@transaction.atomic
def win_record(
    *,
    network: Network,
    title: str,
    description: str,
    happened_on: dt.date,
    organisations: Iterable[Organisation],
    people: Iterable[Person],
    recorded_by,
    step: Step | None = None,
) -> Win:
    if happened_on > today():  # Bangkok's today; the form says so first
        raise ValidationError(WIN_IN_FUTURE, code="future")
    step = step or network.steps.filter(number=WINS_STEP_NUMBER).first()
    win = Win.objects.create(
        network=network,
        title=title,
        description=description,
        happened_on=happened_on,
        step=step,
        recorded_by=recorded_by,
    )
    win.organisations.set(organisations)
    win.people.set(people)
    return win


def wins_recent(*, network: Network, limit: int = 5) -> list[Win]:
    """The latest wins with their credits: three queries whatever the limit."""
    return list(
        Win.objects.filter(network=network)
        .prefetch_related(
            Prefetch(
                "organisations", queryset=Organisation.objects.only("id", "name_th", "name_en")
            ),
            "people",
        )
        .order_by("-happened_on", "-id")[:limit]
    )


def win_may_delete(*, win: Win, user, can_manage: bool) -> bool:
    """Its author or a coordinator (the caller has already refused a dissolved network)."""
    return can_manage or (win.recorded_by_id is not None and win.recorded_by_id == user.pk)


def win_delete(*, win: Win, by) -> None:
    """Delete a win; its credits go with it and the audit history keeps the record."""
    win._history_user = by
    win.delete()


# --- health check -----------------------------------------------------------------
def health_round_open(
    *, network: Network, label: str, opened_on: dt.date, closes_on: dt.date
) -> HealthRound:
    return HealthRound.objects.create(
        network=network, label=label, opened_on=opened_on, closes_on=closes_on
    )


@transaction.atomic
def health_round_delete(*, round: HealthRound, by) -> int:
    """Delete a round with all its answers; returns how many answers went with it."""
    # The row lock makes an answer being saved now wait, then find the round gone.
    HealthRound.objects.select_for_update().filter(pk=round.pk).first()
    answers = HealthResponse.objects.filter(round=round).count()
    round_id, network_id, label = round.pk, round.network_id, round.label
    round.delete()  # answers go with it (CASCADE); delete() clears round.pk
    # Rounds keep no history table: this line is the record of who deleted which.
    log.info(
        "health round %s (%r, network %s) deleted by user %s with %s answers",
        round_id,
        label,
        network_id,
        by.pk,
        answers,
    )
    return answers


@transaction.atomic
def health_answer(
    *,
    round: HealthRound,
    respondent,
    organisation: Organisation | None,
    answers: dict[str, int],
    comment: str,
) -> HealthResponse:
    """Save (or replace, while the round is open) one person's answers.

    Raises HealthRoundGone (nothing written) when the round was deleted meanwhile.
    """
    if HealthRound.objects.select_for_update().filter(pk=round.pk).first() is None:
        raise HealthRoundGone(round.pk)
    clean = {item.code: int(answers[item.code]) for item in HEALTH_ITEMS if item.code in answers}
    response, _created = HealthResponse.objects.update_or_create(
        round=round,
        respondent=respondent,
        defaults={"organisation": organisation, "answers": clean, "comment": comment},
    )
    return response


def health_expected_respondents(*, network: Network) -> int:
    return (
        Role.objects.speaking_for()
        .filter(network=network, person__user__isnull=False)
        .values("person__user")
        .distinct()
        .count()
    )


@dataclass
class RoundSummary:
    round: HealthRound
    responses: int
    expected: int
    # {item_code: average}, {group_code: average}; empty below HEALTH_MIN_RESPONSES
    items: dict[str, float]
    groups: dict[str, float]
    overall: float | None
    # Comments without names or organisations, sorted so order reveals nothing.
    comments: list[str]

    @property
    def rate(self) -> int:
        return round(100 * self.responses / self.expected) if self.expected else 0

    @property
    def enough(self) -> bool:
        return self.responses >= HEALTH_MIN_RESPONSES


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def health_summaries(*, network: Network) -> list[RoundSummary]:
    """Aggregates per round, oldest first: two queries for any number of rounds."""
    expected = health_expected_respondents(network=network)
    rounds = list(
        network.health_rounds.annotate(n=Count("responses")).prefetch_related(
            Prefetch(
                "responses", queryset=HealthResponse.objects.only("round_id", "answers", "comment")
            )
        )
    )
    summaries = []
    for rnd in rounds:
        scored = [r.scores() for r in rnd.responses.all()]
        items: dict[str, float] = {}
        groups: dict[str, float] = {}
        overall = None
        comments: list[str] = []
        if rnd.n >= HEALTH_MIN_RESPONSES:
            for item in HEALTH_ITEMS:
                mean = _mean([s[item.code] for s in scored if item.code in s])
                if mean is not None:
                    items[item.code] = mean
            for group, members in HEALTH_GROUPS:
                mean = _mean([s[i.code] for s in scored for i in members if i.code in s])
                if mean is not None:
                    groups[group.code] = mean
            overall = _mean([v for s in scored for v in s.values()])
            comments = sorted(r.comment for r in rnd.responses.all() if r.comment.strip())
        summaries.append(
            RoundSummary(
                round=rnd,
                responses=rnd.n,
                expected=expected,
                items=items,
                groups=groups,
                overall=overall,
                comments=comments,
            )
        )
    return summaries


def today() -> dt.date:
    return timezone.localdate()
