"""Sign-ins and erasure requests in the admin: read-only. Requests are decided in the
app (/privacy/requests/), where the decision runs the erasure and tells the person."""

from __future__ import annotations

from django.contrib import admin

from .models import ErasureRequest, SignIn


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    list_display = ("user", "at", "ip", "user_agent")
    list_filter = ("at",)
    raw_id_fields = ("user",)


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ("pk", "user", "status", "created_at", "decided_at", "decided_by")
    list_filter = ("status",)
    raw_id_fields = ("user", "decided_by")
