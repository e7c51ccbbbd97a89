from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CommitteeReport,
    Notification,
    ProgressReport,
    Reminder,
    ReminderPreference,
    ReportingPeriod,
    ReportingSchedule,
)


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("network", "frequency", "due_day", "status")
    list_filter = ("frequency", "status")


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("network", "name_th", "starts_on", "ends_on", "due_on")
    list_filter = ("network",)


@admin.register(ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "period", "status", "submitted_at")
    list_filter = ("status",)
    raw_id_fields = ("period", "organisation", "submitted_by", "reviewed_by")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("report", "kind", "recipient", "due_at", "status", "claimed_at", "sent_at")
    list_filter = ("status",)
    raw_id_fields = ("report", "recipient")


admin.site.register(ReminderPreference)
admin.site.register(Notification)
admin.site.register(CommitteeReport)
