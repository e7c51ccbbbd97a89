"""What the roadmap app holds about a person (read by privacy/registry.py).

Progress updates, wins, obstacle owners, the people responsible for activities and
health-check answers are the network's shared record of its work: they stay after an
erasure and show the neutral name the person's entry and login then carry. The export
gives the person everything that names them. Plain data and functions only: this
module imports nothing from privacy.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q

from .models import Activity, Evidence, HealthResponse, ObstacleEntry, ProgressUpdate, Step, Win

HOLDINGS = (
    {
        "model": ProgressUpdate,
        "rows": lambda subject: ProgressUpdate.objects.filter(author_id=subject.user_id),
        "fields": (
            "activity__step__network__name_th",
            "activity__title",
            "created_at",
            "percent",
            "status",
            "narrative",
            "blocked_reason",
        ),
        "kept": "network_record",
    },
    {
        "model": Evidence,
        "rows": lambda subject: Evidence.objects.filter(update__author_id=subject.user_id),
        "fields": ("update__activity__title", "original_name", "size", "created_at"),
        "kept": "network_record",
    },
    {
        "model": Activity,
        "rows": lambda subject: Activity.objects.filter(responsible_id__in=subject.person_ids),
        "fields": ("step__network__name_th", "title", "status", "due_on"),
        "kept": "network_record",
    },
    {"model": Activity.history.model, "kept": "change_history"},
    {
        "model": Win,
        "rows": lambda subject: Win.objects.filter(
            Q(people__in=subject.person_ids) | Q(recorded_by_id=subject.user_id)
        ).distinct(),
        "fields": ("network__name_th", "title", "happened_on"),
        "kept": "network_record",
    },
    {"model": Win.history.model, "kept": "change_history"},
    {"model": Win.people.through, "kept": "network_record"},
    {"model": apps.get_model("roadmap", "HistoricalWin_people"), "kept": "change_history"},
    {
        "model": ObstacleEntry,
        "rows": lambda subject: ObstacleEntry.objects.filter(owner_id__in=subject.person_ids),
        "fields": ("network__name_th", "code", "mitigation", "review_on"),
        "kept": "network_record",
    },
    {"model": ObstacleEntry.history.model, "kept": "change_history"},
    {
        "model": HealthResponse,
        "rows": lambda subject: HealthResponse.objects.filter(respondent_id=subject.user_id),
        "fields": ("round__network__name_th", "round__label", "answers", "comment", "created_at"),
        "kept": "network_record",
    },
    {"model": Step.history.model, "kept": "change_history"},
)
