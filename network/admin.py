from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core.errors import ServiceError

from .models import JoinRequest, Membership, Network, Organisation, Person, Role
from .services.joining import organisation_attach
from .services.organisations import organisation_verify
from .signals import network_created


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["person"]

    def has_add_permission(self, request, obj=None) -> bool:
        # A role is given in the app (the people page, the import, an invitation), where a
        # login is asked and gets it only by accepting (services.role_offer). The admin
        # has no such step, so it gives no roles.
        return False


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

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # A new membership goes through the one rule (services.organisation_attach):
        # a site admin attaches directly; any other staff login files a request to join.
        for membership in formset.save(commit=False):
            if membership.pk is None:
                self._attach(request, membership)
                continue
            before = Membership.objects.get(pk=membership.pk)
            if before.organisation_id != membership.organisation_id:
                self.message_user(
                    request,
                    _("To change the organisation, end this membership and add the other anew."),
                    messages.ERROR,
                )
                continue
            membership.save()
        for membership in formset.deleted_objects:
            membership.delete()

    def _attach(self, request, membership: Membership) -> None:
        try:
            result = organisation_attach(
                network=membership.network,
                organisation=membership.organisation,
                user=request.user,
                place=membership.place,
                joined_on=membership.joined_on,
            )
        except ServiceError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        if isinstance(result, JoinRequest):
            self.message_user(
                request,
                _("%(org)s was asked to join; it joins when its representatives accept.")
                % {"org": membership.organisation},
                messages.WARNING,
            )


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name_th", "name_en", "kind", "province", "official_code", "verified")
    list_filter = ("kind", "province", ("verified_at", admin.EmptyFieldListFilter))
    search_fields = ("name_th", "name_en", "official_code")
    # Verification is the actions' work (who and when); the code is typed here.
    readonly_fields = ("verified_at", "verified_by")
    actions = ["mark_verified", "unmark_verified"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(boolean=True, description=gettext_lazy("Verified"))
    def verified(self, obj: Organisation) -> bool:
        return obj.is_verified

    @admin.action(description=gettext_lazy("Mark verified"), permissions=["verify"])
    def mark_verified(self, request, queryset) -> None:
        changed = sum(organisation_verify(organisation=org, user=request.user) for org in queryset)
        self.message_user(
            request, _("%(n)s organisations marked verified.") % {"n": changed}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Unmark verified"), permissions=["verify"])
    def unmark_verified(self, request, queryset) -> None:
        changed = sum(
            organisation_verify(organisation=org, user=request.user, verified=False)
            for org in queryset
        )
        self.message_user(
            request, _("%(n)s organisations no longer verified.") % {"n": changed}, messages.SUCCESS
        )

    def has_verify_permission(self, request) -> bool:
        return request.user.is_superuser


@admin.register(JoinRequest)
class JoinRequestAdmin(SimpleHistoryAdmin):
    """Read-only: requests are answered in the app, where the rule is applied."""

    list_display = ("organisation", "network", "state", "requested_by", "created_at")
    list_filter = ("state",)
    search_fields = ("organisation__name_th", "network__name_th")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "organisation", "position", "category", "email")
    list_filter = ("category",)
    search_fields = ("full_name", "email")
    autocomplete_fields = ["organisation", "user"]

    def get_readonly_fields(self, request, obj=None):
        # Linking a login to a person of an organisation makes that login speak for
        # it (services.organisations_attachable): only a site admin does that here.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("organisation", "user")


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("person", "network", "kind")
    list_filter = ("kind",)
    autocomplete_fields = ["person", "network"]

    def has_add_permission(self, request) -> bool:
        return False  # see RoleInline: roles are given in the app, with consent
