"""Site admin: read the agreements and their audit trail; change only the reminder policy.

Content, signatures and events are evidence: the admin shows them read-only, and the
models refuse content changes of a sent version anyway.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, AgreementVersion, Party, SignatureReminder, SigningEvent


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PartyInline(_ReadOnlyInline):
    model = Party
    fields = ("organisation", "signatory", "position", "status", "signed_at", "typed_name", "ip")


class EventInline(_ReadOnlyInline):
    model = SigningEvent
    fields = ("at", "kind", "party", "ip", "user_agent", "user")


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "network", "reminder_every_days", "reminder_max")
    search_fields = ("title", "network__name_th", "network__name_en")
    readonly_fields = ("network", "title")


@admin.register(AgreementVersion)
class AgreementVersionAdmin(SimpleHistoryAdmin):
    list_display = ("agreement", "number", "status", "sent_at", "signed_at")
    list_filter = ("status",)
    search_fields = ("agreement__title", "agreement__network__name_th")
    inlines = [PartyInline, EventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SignatureReminder)
class SignatureReminderAdmin(admin.ModelAdmin):
    list_display = ("party", "sequence", "day", "claimed_at", "sent_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
