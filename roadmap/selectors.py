"""Every read of the roadmap that is more than one line: ``<thing>_list``, ``<thing>_get``.

Nothing here writes. Services import these (a write may need a read first); the
views and the template tags read through them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Prefetch,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from core import compiled
from network.models import Network, Organisation, Person, Role

from .catalogue import HEALTH_GROUPS, HEALTH_ITEMS
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

if TYPE_CHECKING:
    from network.permissions import Access

# Per-item averages appear only from this many answers on, so that no partner can
# work out another partner's scores from a mean of two.
HEALTH_MIN_RESPONSES = 3


def today() -> dt.date:
    return timezone.localdate()


def acting_organisation(*, user, access: Access) -> Organisation | None:
    """The organisation the user speaks for here (None for a site admin without a role)."""
    if not access.roles:
        return None
    person = Person.objects.filter(user=user).select_related("organisation").first()
    return person.organisation if person else None


# --- activities -------------------------------------------------------------------
def activities_late_count(*, network: Network, today: dt.date) -> int:
    return Activity.objects.for_network(network).late(today).count()


def step_by_number(*, network: Network, number: str) -> Step | None:
    """The step a query string names (``?step=5``); None for anything else."""
    return network.steps.filter(number=int(number)).first() if number.isdigit() else None


def step_activity_list(*, step: Step) -> QuerySet[Activity]:
    return step.activities.select_related("responsible").prefetch_related("owners")


def _updates_query(activity_id):
    return ProgressUpdate.objects.filter(activity_id=activity_id).select_related(
        "author", "organisation"
    )


def progress_update_list(*, activity: Activity) -> list[ProgressUpdate]:
    """The activity's updates, newest first, with their authors and evidence.

    Read on the activity's page and again in the answer to every update a partner
    posts: the query is compiled once per process (core.compiled)."""
    updates = compiled.objects(_updates_query, activity_id=activity.pk)
    for update in updates:
        update.activity = activity  # as activity.updates gives them: no query to reach it
    prefetch_related_objects(updates, "evidence")
    return updates


def progress_update_latest(*, activity: Activity) -> ProgressUpdate | None:
    return activity.updates.select_related("author", "organisation").first()


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


# --- wins and the register ----------------------------------------------------------
def win_list(*, network: Network) -> QuerySet[Win]:
    return (
        Win.objects.filter(network=network)
        .select_related("step")
        .prefetch_related("organisations", "people")
    )


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


class Credits(tuple):
    """Names credited for a win; answers ``.all()`` as a related manager does, so
    templates/roadmap/_wins_list.html takes these rows and Win instances alike."""

    def all(self) -> Credits:
        return self


class Credit(NamedTuple):
    name: str  # an organisation's name in the active language, or a person's
    display_name: str


@dataclass(frozen=True)
class WinRow:
    """What a list of wins shows of one win (``_wins_list.html``)."""

    pk: int
    happened_on: dt.date
    title: str
    description: str
    organisations: Credits
    people: Credits


def _wins_recent_query(*, network_id, limit: int):
    latest = Win.objects.filter(network_id=network_id).order_by("-happened_on", "-id").values("id")
    return (
        Win.objects.filter(id__in=latest[:limit])
        .order_by(
            "-happened_on",
            "-id",
            "organisations__name_th",
            "organisations__id",
            "people__full_name",
            "people__id",
        )
        .values_list(
            "id",
            "happened_on",
            "title",
            "description",
            "organisations__id",
            "organisations__name_th",
            "organisations__name_en",
            "people__id",
            "people__full_name",
            "people__title",
        )
    )


def wins_recent_read(*, network: Network, limit: int = 5) -> tuple[tuple, ...]:
    """The latest wins with their credits in one query: each win joined to its
    organisations and its people (a row per pair; one row of empty credits for a win
    without any), newest first as Win orders them, the organisations by Thai name and
    the people by name as theirs do. The rows as read, for a key and for
    ``wins_recent_rows``. Compiled by the ORM once per process and limit
    (``core.compiled``): building and compiling it cost several times running it."""
    # The LIMIT is part of the SQL, not a parameter: one statement per limit.
    rows = compiled.rows(_wins_recent_query, fixed={"limit": limit}, network_id=network.pk)
    return tuple(rows)


def wins_recent_rows(rows: tuple[tuple, ...]) -> list[WinRow]:
    """``wins_recent_read``'s rows as WinRows (each credit once, in the order read),
    names in the active language."""
    wins: dict[int, tuple[tuple, dict[int, Credit], dict[int, Credit]]] = {}
    for row in rows:
        win_id, _day, _title, _text, org_id, org_th, org_en, person_id, name, title = row
        _row, organisations, people = wins.setdefault(win_id, (row, {}, {}))
        if org_id is not None and org_id not in organisations:
            org_name = Organisation(name_th=org_th, name_en=org_en).name  # unsaved: the rule
            organisations[org_id] = Credit(org_name, org_name)
        if person_id is not None and person_id not in people:
            people[person_id] = Credit(name, f"{title}{name}" if title else name)
    return [
        WinRow(
            pk=row[0],
            happened_on=row[1],
            title=row[2],
            description=row[3],
            organisations=Credits(organisations.values()),
            people=Credits(people.values()),
        )
        for row, organisations, people in wins.values()
    ]


def obstacle_list(*, network: Network) -> list[ObstacleEntry]:
    """Scored rows by score, highest first; the not yet scored ones after them."""
    return sorted(
        ObstacleEntry.objects.filter(network=network).select_related("owner"),
        key=lambda e: (not e.scored, -(e.score or 0), e.kind, e.id),
    )


# --- health check -------------------------------------------------------------------
def health_responses_mine(*, network: Network, user) -> dict[int, HealthResponse]:
    """The user's own answers in the network, by round id (shown to nobody else)."""
    return {
        r.round_id: r
        for r in HealthResponse.objects.filter(round__network=network, respondent=user)
    }


def health_response_get(*, round: HealthRound, user) -> HealthResponse | None:
    return HealthResponse.objects.filter(round=round, respondent=user).first()


def health_answer_count(*, round: HealthRound) -> int:
    return round.responses.count()


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


def _round_summary(rnd: HealthRound, expected: int, responses: list) -> RoundSummary:
    summary = RoundSummary(
        round=rnd,
        responses=rnd.n,
        expected=expected,
        items={},
        groups={},
        overall=None,
        comments=[],
    )
    if rnd.n < HEALTH_MIN_RESPONSES:
        return summary
    scored = [r.scores() for r in responses]
    for item in HEALTH_ITEMS:
        mean = _mean([s[item.code] for s in scored if item.code in s])
        if mean is not None:
            summary.items[item.code] = mean
    for group, members in HEALTH_GROUPS:
        mean = _mean([s[i.code] for s in scored for i in members if i.code in s])
        if mean is not None:
            summary.groups[group.code] = mean
    summary.overall = _mean([v for s in scored for v in s.values()])
    summary.comments = sorted(r.comment for r in responses if r.comment.strip())
    return summary


def health_summaries(*, network: Network, with_expected: bool = True) -> list[RoundSummary]:
    """Aggregates per round, oldest first: two queries for any number of rounds, and
    one for the expected respondents unless ``with_expected`` is false (a chart that
    shows no rate; ``expected`` is then 0)."""
    expected = health_expected_respondents(network=network) if with_expected else 0
    # Compiled once per process and prepared (core.compiled): the committee PDF and the
    # health page read them on every render.
    rounds = compiled.objects(_rounds_query, network_id=network.pk)
    if not rounds:
        return []
    answers: dict[int, list[HealthResponse]] = {}
    for response in compiled.objects(_answers_query, network_id=network.pk):
        answers.setdefault(response.round_id, []).append(response)
    return [_round_summary(rnd, expected, answers.get(rnd.pk, [])) for rnd in rounds]


def _rounds_query(network_id):
    """The network's rounds in the model's order, each with its number of answers."""
    return HealthRound.objects.filter(network_id=network_id).annotate(n=Count("responses"))


def _answers_query(network_id):
    """Every answer to the network's rounds, in the model's order (round, id)."""
    return HealthResponse.objects.only("round_id", "answers", "comment").filter(
        round__network_id=network_id
    )
