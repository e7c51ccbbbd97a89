"""The roadmap: 8 steps per network, activities owned by organisations, progress
with evidence, wins, the obstacle register and the health check."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from network.models import Network, Organisation, Person

from .catalogue import HEALTH_BY_CODE, RISK_BY_CODE, STEP_BY_NUMBER

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class Step(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(
        _("step"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    code = models.CharField(max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    target_start = models.DateField(_("target start"), null=True, blank=True)
    target_end = models.DateField(_("target end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "number"]
        verbose_name = _("roadmap step")
        verbose_name_plural = _("roadmap steps")
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="step_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=8), name="step_number_1_to_8"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def entry(self):
        return STEP_BY_NUMBER[self.number]

    @property
    def title(self) -> str:
        return self.entry.label

    @property
    def description(self) -> str:
        return self.entry.guidance


class ActivityQuerySet(models.QuerySet["Activity"]):
    def for_network(self, network) -> ActivityQuerySet:
        return self.filter(step__network=network)

    def owed_by(self, organisation_ids) -> ActivityQuerySet:
        """Activities owned by any of these organisations, each once (a subquery, no DISTINCT)."""
        # organisation__pk (the same SQL as organisation_id): a compiled query
        # (core.compiled) may pass placeholders, which the related lookup would convert.
        owners = Activity.owners.through.objects.filter(organisation__pk__in=organisation_ids)
        return self.filter(pk__in=owners.values("activity_id"))

    def open(self) -> ActivityQuerySet:
        return self.exclude(status=Activity.Status.DONE)

    def late(self, today: dt.date) -> ActivityQuerySet:
        return self.open().filter(due_on__lt=today)


class Activity(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")

    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(pgettext_lazy("roadmap", "title"), max_length=255)
    description = models.TextField(pgettext_lazy("roadmap", "description"), blank=True)
    owners = models.ManyToManyField(
        Organisation, verbose_name=_("owning organisations"), related_name="roadmap_activities"
    )
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadmap_activities",
    )
    start_on = models.DateField(_("start date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED
    )
    blocked_reason = models.TextField(_("why it is blocked"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)]
    )
    # Optimistic locking: every save from a form names the version it was based on.
    version = models.PositiveIntegerField(default=1)
    # The section II duty of the signed agreement this activity was made from
    # (reports.duties): an id, not a foreign key, because roadmap does not depend on
    # agreements. It keeps the duty from being proposed again.
    source_duty_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["step__number", "due_on", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="activity_percent_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: dt.date) -> bool:
        return bool(self.due_on and self.due_on < today and self.status != self.Status.DONE)


class ProgressUpdateQuerySet(models.QuerySet["ProgressUpdate"]):
    def between(self, network, start: dt.date, end: dt.date) -> ProgressUpdateQuerySet:
        """Updates in the network posted on days start..end inclusive (Bangkok days)."""
        return self.filter(
            activity__step__network=network,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )


class ProgressUpdate(models.Model):
    """One report on an activity. Never edited: the history is the record."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    # Null when a site admin without an organisation posts.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=16, choices=Activity.Status.choices)
    blocked_reason = models.TextField(_("why it is blocked"), blank=True)
    narrative = models.TextField(_("what happened"))
    based_on_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the conditional UPDATE that claims the "blocked" notice, so it goes out once.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.activity} — {self.percent}%"


def _evidence_path(instance: Evidence, filename: str) -> str:
    """A generated name: nothing the uploader typed reaches the file system."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{uuid.uuid4().hex}{suffix if suffix.isascii() else ''}"


class Evidence(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class Win(models.Model):
    """A short-term win (step 6), crediting the organisations and people behind it."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="wins")
    title = models.CharField(pgettext_lazy("roadmap", "title"), max_length=255)
    description = models.TextField(_("what was achieved"), blank=True)
    happened_on = models.DateField(_("date"))
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("credited organisations"), blank=True, related_name="+"
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("credited people"), blank=True, related_name="+"
    )
    step = models.ForeignKey(
        Step, verbose_name=_("step"), on_delete=models.SET_NULL, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[organisations, people])

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("win")
        verbose_name_plural = _("wins")

    def __str__(self) -> str:
        return self.title


class ObstacleEntry(models.Model):
    class Kind(models.TextChoices):
        OBSTACLE = "obstacle", _("Obstacle")
        DISADVANTAGE = "disadvantage", _("Disadvantage")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="obstacles")
    code = models.CharField(max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Both empty until someone scores the row: a made-up 3 × 3 would look assessed.
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    impact = models.PositiveSmallIntegerField(
        _("impact"), null=True, blank=True, validators=ONE_TO_FIVE
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_on = models.DateField(_("review date"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "kind", "id"]
        verbose_name = _("obstacle register entry")
        verbose_name_plural = _("obstacle register")
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="obstacle_unique_code"),
            # Scored (both 1–5) or not yet scored (both empty), never half of each.
            models.CheckConstraint(
                # isnull=False spelled out: a CHECK passes when it comes out NULL.
                condition=Q(
                    likelihood__isnull=False,
                    impact__isnull=False,
                    likelihood__gte=1,
                    likelihood__lte=5,
                    impact__gte=1,
                    impact__lte=5,
                )
                | Q(likelihood__isnull=True, impact__isnull=True),
                name="obstacle_scores_1_to_5_or_unscored",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def entry(self):
        return RISK_BY_CODE[self.code]

    @property
    def title(self) -> str:
        return self.entry.label

    @property
    def scored(self) -> bool:
        return self.likelihood is not None and self.impact is not None

    @property
    def score(self) -> int | None:
        """likelihood × impact, or None while the row is not yet scored."""
        return self.likelihood * self.impact if self.scored else None


class HealthRound(models.Model):
    """One period of the health self-assessment (§7)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="health_rounds")
    label = models.CharField(_("label"), max_length=120)
    opened_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network", "opened_on", "id"]
        verbose_name = _("health check round")
        verbose_name_plural = _("health check rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opened_on")), name="health_round_dates"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def is_open(self, today: dt.date) -> bool:
        return self.opened_on <= today <= self.closes_on


class HealthResponse(models.Model):
    round = models.ForeignKey(HealthRound, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_responses"
    )
    # {item_code: 1..5} for the 12 items of roadmap.catalogue.HEALTH_ITEMS
    answers = models.JSONField(default=dict)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("health check answer")
        verbose_name_plural = _("health check answers")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "respondent"], name="health_one_response_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.respondent_id}"

    def scores(self) -> dict[str, int]:
        """Only known items with a 1–5 score count; anything else in the JSON is ignored."""
        return {
            code: int(v)
            for code, v in (self.answers or {}).items()
            if code in HEALTH_BY_CODE and str(v).isdigit() and 1 <= int(v) <= 5
        }
