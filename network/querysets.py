"""The hub's reusable filters: one QuerySet class per model, used as its manager.

Every "who is in a network today", "who coordinates", "who speaks for an
organisation" and "which networks are live" in the apps asks these methods instead
of writing the filter inline. They name the models through ``self.model`` (or the app
registry for another model), so this module imports nothing of ``network.models``.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Upper
from django.utils import timezone


def search_folded(text: str) -> str:
    """A search box's text as ``OrganisationQuerySet.search`` looks for it: runs of
    spaces as one, none at the ends ("" searches for nothing: everything)."""
    return " ".join(text.split())


class OrganisationQuerySet(models.QuerySet):
    def search(self, text: str) -> OrganisationQuerySet:
        """Thai or English name containing the text.

        On PostgreSQL the trigram GIN indexes (migration 0002) serve these ILIKE
        '%…%' lookups, so a fragment from the middle of a Thai name is found
        without a table scan; Thai has no spaces, so word-prefix search would not do.
        """
        text = search_folded(text)
        if not text:
            return self
        return self.name_contains(text)

    def name_contains(self, text) -> OrganisationQuerySet:
        """Thai or English name containing ``text``, taken as it is: a value, or a
        placeholder of a query compiled once (core.compiled), whose ``%`` and ``_`` the
        database escapes as the ORM escapes a value's."""
        # search_name holds both names in capitals: the same rows as name_th or name_en
        # icontains text, since text holds no newline (search_folded).
        value = text if hasattr(text, "resolve_expression") else Value(text)
        return self.filter(search_name__contains=Upper(value, output_field=models.TextField()))

    def members_of(self, network) -> OrganisationQuerySet:
        """The current member organisations of ``network`` (one row each)."""
        membership = apps.get_model("network", "Membership")
        return self.filter(
            id__in=membership.objects.current().filter(network=network).values("organisation_id")
        )

    def not_members_of(self, network) -> OrganisationQuerySet:
        membership = apps.get_model("network", "Membership")
        return self.exclude(
            id__in=membership.objects.current().filter(network=network).values("organisation_id")
        )


class NetworkQuerySet(models.QuerySet):
    def visible_to(self, user) -> NetworkQuerySet:
        """Networks the user holds any role in; a site admin sees every network."""
        if not user.is_authenticated or user.pk is None:  # an unsaved user: nobody's
            return self.none()
        if user.is_superuser:
            return self
        role = apps.get_model("network", "Role")
        # user.pk, not user: the asker of a compiled query (access_reads.Asker) has a
        # placeholder for its id.
        return self.filter(id__in=role.objects.filter(person__user_id=user.pk).values("network_id"))

    def active(self) -> NetworkQuerySet:
        """Networks not dissolved (forming or active): the ones that can still change."""
        return self.exclude(status=self.model.Status.DISSOLVED)


class MembershipQuerySet(models.QuerySet):
    def current(self) -> MembershipQuerySet:
        """Memberships not ended: the organisation is in the network today."""
        return self.filter(left_on__isnull=True)


class PersonQuerySet(models.QuerySet):
    def of_members(self, network) -> PersonQuerySet:
        """People of the current member organisations of ``network``."""
        membership = apps.get_model("network", "Membership")
        return self.filter(
            organisation_id__in=membership.objects.current()
            .filter(network=network)
            .values("organisation_id")
        )


class RoleQuerySet(models.QuerySet):
    def coordinators(self) -> RoleQuerySet:
        return self.filter(kind=self.model.Kind.COORDINATOR)

    def speaking_for(self) -> RoleQuerySet:
        """Roles that speak for their organisation (answer its tasks, sign, report)."""
        return self.filter(kind__in=self.model.SPEAKING_KINDS)

    def in_live_networks(self) -> RoleQuerySet:
        """Roles in networks that are not dissolved."""
        network = apps.get_model("network", "Network")
        return self.filter(network__in=network.objects.active())


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class JoinRequestQuerySet(models.QuerySet):
    def pending(self) -> JoinRequestQuerySet:
        return self.filter(state=self.model.State.PENDING)
