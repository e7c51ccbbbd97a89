from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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


@admin.register(Step)
class StepAdmin(SimpleHistoryAdmin):
    list_display = ("network", "number", "code", "status", "target_start", "target_end")
    list_filter = ("status",)


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "step", "status", "percent", "due_on", "version")
    list_filter = ("status",)
    search_fields = ("title",)
    # version is the optimistic lock; the admin must not move it by hand.
    readonly_fields = ("version",)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "sha256", "file")


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ("activity", "organisation", "author", "percent", "status", "created_at")
    inlines = [EvidenceInline]


@admin.register(Win)
class WinAdmin(SimpleHistoryAdmin):
    list_display = ("title", "network", "happened_on")


@admin.register(ObstacleEntry)
class ObstacleEntryAdmin(SimpleHistoryAdmin):
    list_display = ("network", "code", "kind", "likelihood", "impact", "review_on")
    list_filter = ("kind",)


@admin.register(HealthRound)
class HealthRoundAdmin(admin.ModelAdmin):
    list_display = ("network", "label", "opened_on", "closes_on")


@admin.register(HealthResponse)
class HealthResponseAdmin(admin.ModelAdmin):
    list_display = ("round", "organisation", "created_at")
