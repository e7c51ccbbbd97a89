"""The people page: member organisations, their people and roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.responses import render_form
from network import selectors
from network.forms import MemberAddForm, PersonAddForm, PersonEditForm, RoleAddForm
from network.models import Invitation, JoinRequest, Membership, Person, Role
from network.permissions import (
    invitations_waiting,
    network_access,
    network_person,
    object_access,
    organisations_visible_to,
    person_for_edit,
    person_may_move,
)
from network.services import joining
from network.services import membership as membership_services
from network.services import people as people_services
from network.services import roles as role_services


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    groups = selectors.members_by_organisation(access.network, user=request.user, access=access)
    # Who has been asked and not yet answered, under their organisation.
    selectors.invitations_by_organisation(groups, invitations_waiting(access))
    return render(
        request,
        "network/people.html",
        {
            "network": access.network,
            "access": access,
            "groups": groups,
            "role_choices": Role.Kind.choices,
        },
    )


def _say_attached(request: HttpRequest, result) -> None:
    name = result.organisation.name
    if isinstance(result, JoinRequest):
        messages.info(
            request,
            _(
                "%(name)s is already in the directory: a request to join is sent to its "
                "representatives. It joins when they accept."
            )
            % {"name": name},
        )
    else:
        messages.success(request, _("%(name)s joined the network.") % {"name": name})


def _say_offered(request: HttpRequest, result) -> None:
    """ "Added" for a role given now; "invited, waiting" for a login asked first."""
    if isinstance(result, Invitation):
        messages.info(
            request,
            _("Invited: waiting for %(name)s to accept.") % {"name": result.full_name},
        )
    elif isinstance(result, Person):
        messages.success(request, _("%(name)s is added.") % {"name": result.display_name})
    else:
        messages.success(request, _("The role is added."))


@login_required
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = MemberAddForm(
        request.POST or None,
        network=network,
        candidates=organisations_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = joining.member_organisation_add(
                network=network,
                user=request.user,
                existing=form.chosen(),
                details=form.details(),
                message=form.cleaned_data.get("message", ""),
            )
        except ServiceError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            _say_attached(request, result)
            return redirect("network:people", network.slug)
    return render_form(request, "network/member_add.html", {"form": form, "network": network})


@login_required
def person_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = PersonAddForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            result = people_services.person_add(
                network=network, invited_by=request.user, **form.cleaned_data
            )
        except ServiceError as error:
            for message in error.messages:
                form.add_error("email", message)
        else:
            _say_offered(request, result)
            return redirect("network:people", network.slug)
    return render_form(request, "network/person_add.html", {"form": form, "network": network})


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Correct a person of one of the network's current member organisations.

    Who may, and who may also move them to another member organisation, is
    ``permissions.person_for_edit`` and ``person_may_move``: coordinators (and site
    admins) anyone whose roles all lie in networks they coordinate; a person with a
    login their own record, but not their organisation.
    """
    person, access = person_for_edit(request, slug, pk)
    network = access.network
    form = PersonEditForm(
        request.POST or None,
        network=network,
        may_move=person_may_move(access),
        email_locked=selectors.person_login_email_locked(person),
        initial=model_to_dict(person, fields=list(PersonEditForm.base_fields)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = people_services.person_update(person=person, **form.cleaned_data)
        except ServiceError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.display_name})
            return redirect("network:people", network.slug)
    is_self = person.user_id is not None and person.user_id == request.user.id
    return render_form(
        request,
        "network/person_edit.html",
        {"form": form, "network": network, "person": person, "is_self": is_self},
    )


@login_required
@require_POST
def role_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = RoleAddForm(request.POST)
    # Only people of the network's member organisations can take a role in it.
    person = network_person(access, form.cleaned_data["person"]) if form.is_valid() else None
    if person is None:
        messages.error(request, _("Choose a person and a role."))
        return redirect("network:people", network.slug)
    try:
        result = role_services.role_add(
            network=network, person=person, kind=form.cleaned_data["kind"], invited_by=request.user
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        _say_offered(request, result)
    return redirect("network:people", network.slug)


@login_required
@require_POST
def role_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    role, access = object_access(
        request, Role.objects.select_related("network"), manage=True, pk=pk, network__slug=slug
    )
    try:
        membership_services.role_revoke(role=role)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The role is removed."))
    return redirect("network:people", access.network.slug)


@login_required
@require_POST
def membership_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    ended, access = object_access(
        request,
        Membership.objects.current().select_related("network", "organisation"),
        manage=True,
        pk=pk,
        network__slug=slug,
    )
    try:
        membership_services.membership_end(membership=ended)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(org)s has left the network.") % {"org": ended.organisation.name},
        )
    return redirect("network:people", access.network.slug)
