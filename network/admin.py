from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership, Network, Organisation, Person, Role
from .signals import network_created


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Network)
class NetworkAdmin(SimpleHistoryAdmin):
    list_display = ("name_th", "name_en", "form", "status", "founded_on")
    list_filter = ("status", "form")
    search_fields = ("name_th", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [MembershipInline, RoleInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # A network made here must get what network_create's receivers give it
            # (the roadmap's 8 steps and obstacle register), like one made in the app.
            network_created.send(sender=Network, network=obj)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name_th", "name_en", "kind", "province")
    list_filter = ("kind", "province")
    search_fields = ("name_th", "name_en")


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "organisation", "position", "category", "email")
    list_filter = ("category",)
    search_fields = ("full_name", "email")
    autocomplete_fields = ["organisation", "user"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("person", "network", "kind")
    list_filter = ("kind",)
    autocomplete_fields = ["person", "network"]
