from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import exports, imports, services
from .catalogue import BENEFITS
from .forms import (
    AcceptNewAccountForm,
    CharterForm,
    DissolveForm,
    FounderForm,
    ImportForm,
    InvitationForm,
    JoinDecisionForm,
    MemberAddForm,
    NetworkEditForm,
    NetworkFoundForm,
    OrganisationChoiceForm,
    OrganisationForm,
    PersonAddForm,
    PersonEditForm,
    RoleAddForm,
)
from .graph import map_build
from .history import recent_changes
from .models import Invitation, JoinRequest, Membership, Network, Person, Role
from .permissions import (
    join_request_access,
    join_requests_addressed_to,
    network_access,
    networks_coordinated_by,
    object_access,
    organisation_access,
    organisation_people_visible,
    organisations_visible_to,
    people_editable,
    people_matching,
    require_site_admin,
)

IMPORT_SESSION_KEY = "network-import-{}"


# --- my networks, founding ----------------------------------------------------------
@login_required
def my_networks(request: HttpRequest) -> HttpResponse:
    networks = list(
        Network.objects.visible_to(request.user)
        .select_related("lead_organisation")
        .order_by("name_th")
    )
    return render(
        request,
        "network/my_networks.html",
        {
            "networks": [n for n in networks if not n.is_dissolved],
            "dissolved": [n for n in networks if n.is_dissolved],
            "join_requests_waiting": join_requests_addressed_to(request.user).pending().count(),
        },
    )


def _founder(request: HttpRequest) -> Person | None:
    """The user's own person, who founds as today; None for a login with no person yet."""
    return Person.objects.select_related("organisation").filter(user=request.user).first()


@login_required
def network_found(request: HttpRequest) -> HttpResponse:
    """Found a network. A login that is not yet a person of an organisation also says
    who they are and which organisation leads (an existing one from their directory,
    or a new one); network_found makes all of it in one transaction."""
    founder = _founder(request)
    data = request.POST or None
    form = NetworkFoundForm(data)
    person_form = org_form = None
    if founder is None:
        person_form = FounderForm(
            data, prefix="founder", initial={"full_name": request.user.full_name}
        )
        # Only organisations the user can already see: claiming any school in the
        # country would make a stranger its coordinator and editor of its profile.
        candidates = organisations_visible_to(request.user)
        org_form = OrganisationChoiceForm(
            data, prefix="org", candidates=candidates, offer_existing=candidates.exists()
        )
    forms = [f for f in (form, person_form, org_form) if f is not None]
    if request.method == "POST" and all([f.is_valid() for f in forms]):
        network_fields = {
            key: form.cleaned_data[key]
            for key in ("name_th", "name_en", "form", "founded_on", "benefits")
        }
        try:
            if founder is not None:
                network = services.network_create(
                    **network_fields,
                    lead_organisation=founder.organisation,
                    coordinator=founder,
                )
            else:
                network = services.network_found(
                    **network_fields,
                    user=request.user,
                    full_name=person_form.cleaned_data["full_name"],
                    title=person_form.cleaned_data["title"],
                    position=person_form.cleaned_data["position"],
                    organisation=org_form.cleaned_data.get("existing"),
                    organisation_details=org_form.details(),
                )
        except services.FoundingError as error:
            messages.error(request, str(error))
            return redirect("network:found")
        messages.success(request, _("The network is founded. Now write its charter."))
        return redirect("network:charter_edit", network.slug)
    return render(
        request,
        "network/found.html",
        {"form": form, "founder": founder, "person_form": person_form, "org_form": org_form},
    )


# --- the network page ---------------------------------------------------------------
def _mark_editable(groups: list[dict], request: HttpRequest, access) -> list[dict]:
    """Flag each listed person whose record this user may open for editing."""
    people = [entry["person"] for group in groups for entry in group["people"]]
    editable = people_editable(request.user, access, people)
    for group in groups:
        for entry in group["people"]:
            entry["editable"] = entry["person"].pk in editable
    return groups


def _members_by_organisation(network: Network) -> list[dict]:
    """Current member organisations, lead first, each with its people and their roles."""
    memberships = list(
        network.memberships.current()
        .select_related("organisation")
        .order_by("place", "organisation__name_th")
    )
    people: dict[int, dict[int, dict]] = defaultdict(dict)
    for role in Role.objects.filter(network=network).select_related("person"):
        entry = people[role.person.organisation_id].setdefault(
            role.person_id, {"person": role.person, "roles": []}
        )
        entry["roles"].append(role)
    return [
        {
            "membership": m,
            "organisation": m.organisation,
            "people": sorted(
                people.get(m.organisation_id, {}).values(), key=lambda e: e["person"].full_name
            ),
        }
        for m in memberships
    ]


@login_required
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    network = access.network
    groups = _mark_editable(_members_by_organisation(network), request, access)
    role_counts: dict[str, int] = defaultdict(int)
    people_ids = set()
    for group in groups:
        for entry in group["people"]:
            people_ids.add(entry["person"].id)
            for role in entry["roles"]:
                role_counts[role.kind] += 1
    benefits = [b for b in BENEFITS if b.code in (network.benefits or [])]
    return render(
        request,
        "network/detail.html",
        {
            "network": network,
            "access": access,
            "memberships": [g["membership"] for g in groups],
            "groups": groups,
            "counts": {
                "organisations": len(groups),
                "people": len(people_ids),
                "coordinators": role_counts[Role.Kind.COORDINATOR],
                "leaders": role_counts[Role.Kind.CORE_LEADER],
            },
            "benefits": benefits,
            "changes": recent_changes(network=network),
            # Only the organisation's name: it is not a member, and the requester
            # sees nothing more of it until it accepts.
            "join_requests": (
                list(
                    network.join_requests.pending()
                    .select_related("organisation")
                    .order_by("created_at")
                )
                if access.can_manage
                else []
            ),
        },
    )


@login_required
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    initial = {
        "name_th": network.name_th,
        "name_en": network.name_en,
        "form": network.form,
        "status": network.status,
        "founded_on": network.founded_on,
        "benefits": network.benefits,
        "lead_organisation": network.lead_organisation_id,
    }
    form = NetworkEditForm(request.POST or None, initial=initial, network=network)
    if request.method == "POST" and form.is_valid():
        services.network_update(network=network, changes=form.cleaned_data)
        messages.success(request, _("The network is saved."))
        return redirect("network:detail", network.slug)
    return render(request, "network/edit.html", {"form": form, "network": network})


@login_required
def charter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    initial = {part.code: text for part, text in network.charter()}
    form = CharterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.charter_update(network=network, parts=form.cleaned_data)
        messages.success(request, _("The charter is saved."))
        return redirect("network:detail", network.slug)
    return render(request, "network/charter_edit.html", {"form": form, "network": network})


@login_required
def network_dissolve(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = DissolveForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        services.network_dissolve(
            network=network,
            reason=form.cleaned_data["reason"],
            dissolved_on=form.cleaned_data["dissolved_on"],
        )
        messages.success(
            request,
            _(
                "The network is dissolved. Its pages stay readable. A close-out report is "
                "being sealed, and every member will get an email about it."
            ),
        )
        return redirect("network:detail", network.slug)
    return render(request, "network/dissolve.html", {"form": form, "network": network})


@login_required
@require_POST
def network_reopen(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    require_site_admin(request)
    if access.network.is_dissolved:
        services.network_reopen(network=access.network)
        messages.success(request, _("The network is open again."))
    else:
        messages.info(request, _("The network is not dissolved."))
    return redirect("network:detail", access.network.slug)


# --- people and roles ---------------------------------------------------------------
@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    groups = _mark_editable(_members_by_organisation(access.network), request, access)
    if access.can_manage:
        # Who has been asked and not yet answered, under their organisation.
        waiting: dict[int, list[Invitation]] = defaultdict(list)
        for invitation in access.network.invitations.pending().order_by("created_at"):
            waiting[invitation.organisation_id].append(invitation)
        for group in groups:
            group["invited"] = waiting.get(group["organisation"].pk, [])
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
            result = services.member_organisation_add(
                network=network,
                user=request.user,
                existing=form.chosen(),
                details=form.details(),
                message=form.cleaned_data.get("message", ""),
            )
        except services.AttachError as error:
            form.add_error(None, str(error))
        else:
            _say_attached(request, result)
            return redirect("network:people", network.slug)
    return render(request, "network/member_add.html", {"form": form, "network": network})


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
def person_add(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = PersonAddForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.person_add(
                network=network, invited_by=request.user, **form.cleaned_data
            )
        except (services.PersonError, services.InvitationError) as error:
            form.add_error("email", str(error))
        else:
            _say_offered(request, result)
            return redirect("network:people", network.slug)
    return render(request, "network/person_add.html", {"form": form, "network": network})


@login_required
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Correct a person of one of the network's current member organisations.

    Coordinators (and site admins) edit anyone there whose roles all lie in networks
    they coordinate (permissions.people_editable), and may move them to another
    member organisation; a person with a login edits their own record, but not their
    organisation (that would make them speak for another organisation). Everyone
    else in the network gets a 403; a person outside it is a 404.
    """
    access = network_access(request, slug, write=True)
    network = access.network
    person = (
        Person.objects.select_related("organisation", "user")
        .filter(
            pk=pk,
            organisation__memberships__network=network,
            organisation__memberships__left_on__isnull=True,
        )
        .first()
    )
    if person is None:
        raise Http404
    is_self = person.user_id is not None and person.user_id == request.user.id
    if person.pk not in people_editable(request.user, access, [person]):
        raise PermissionDenied(
            _(
                "This person also holds a role in a network you do not coordinate: its "
                "coordinators, or the person, can correct their details."
            )
            if access.can_manage
            else _("Only the network's coordinators or the person may do this.")
        )
    form = PersonEditForm(
        request.POST or None,
        network=network,
        may_move=access.can_manage,
        email_locked=services.person_login_email_locked(person),
        initial=model_to_dict(person, fields=list(PersonEditForm.base_fields)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.person_update(person=person, **form.cleaned_data)
        except services.PersonError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.display_name})
            return redirect("network:people", network.slug)
    return render(
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
    person = None
    if form.is_valid():
        # Only people of the network's member organisations can take a role in it.
        person = Person.objects.filter(
            pk=form.cleaned_data["person"],
            organisation__memberships__network=network,
            organisation__memberships__left_on__isnull=True,
        ).first()
    if person is None:
        messages.error(request, _("Choose a person and a role."))
        return redirect("network:people", network.slug)
    try:
        result = services.role_add(
            network=network, person=person, kind=form.cleaned_data["kind"], invited_by=request.user
        )
    except (services.PersonError, services.InvitationError) as error:
        messages.error(request, str(error))
    else:
        _say_offered(request, result)
    return redirect("network:people", network.slug)


@login_required
@require_POST
def role_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    role, access = object_access(
        request, Role.objects.select_related("network"), manage=True, pk=pk, network__slug=slug
    )
    if role.kind == Role.Kind.COORDINATOR and (
        Role.objects.coordinators().filter(network=role.network).count() == 1
    ):
        messages.error(request, _("A network needs at least one coordinator."))
    else:
        services.role_revoke(role=role)
        messages.success(request, _("The role is removed."))
    return redirect("network:people", access.network.slug)


@login_required
@require_POST
def membership_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, access = object_access(
        request,
        Membership.objects.current().select_related("network", "organisation"),
        manage=True,
        pk=pk,
        network__slug=slug,
    )
    try:
        services.membership_end(membership=membership)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(org)s has left the network.") % {"org": membership.organisation.name},
        )
    return redirect("network:people", access.network.slug)


# --- invitations --------------------------------------------------------------------
@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    form = InvitationForm(
        request.POST or None,
        network=network,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                network=network, invited_by=request.user, **form.cleaned_data
            )
        except services.InvitationError as error:
            form.add_error("organisation", str(error))
        else:
            messages.success(
                request,
                _("The invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return redirect("network:invitations", network.slug)
    rows = network.invitations.select_related("organisation").order_by("-created_at")[:100]
    return render(
        request,
        "network/invitations.html",
        {"form": form, "network": network, "invitations": rows},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    invitation, access = object_access(
        request,
        Invitation.objects.select_related("network"),
        manage=True,
        pk=pk,
        network__slug=slug,
    )
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation link no longer works."))
    return redirect("network:invitations", access.network.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the link in the email. Forged, used, revoked and expired links change nothing."""
    invitation = services.invitation_find(token=token)
    if invitation is None:
        return render(request, "network/invitation_invalid.html", {"reason": "unknown"}, status=404)
    if not request.user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The invitee has chosen nothing yet: answer in the language the email was written in.
        # LanguageMiddleware deactivates after the response, so this lasts for this request only.
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language
    state = invitation.state
    if state != Invitation.State.PENDING or invitation.network.is_dissolved:
        reason = "dissolved" if state == Invitation.State.PENDING else state
        return render(
            request,
            "network/invitation_invalid.html",
            {"reason": reason, "invitation": invitation},
            status=410,
        )
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    user = request.user if request.user.is_authenticated else None
    form = None
    if account is None and user is None:
        form = AcceptNewAccountForm(
            request.POST or None,
            email=invitation.email,
            initial={"full_name": invitation.full_name},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        if account is not None and user is None:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            accepted_by = services.invitation_accept(
                invitation=invitation,
                user=user,
                password=form.cleaned_data["password1"] if form else "",
                full_name=form.cleaned_data["full_name"] if form else "",
            )
        except services.InvitationError as error:
            messages.error(request, str(error))
        else:
            if user is None:
                login(request, accepted_by, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome to %(network)s.") % {"network": invitation.network.name}
            )
            return redirect("network:detail", invitation.network.slug)
    return render(
        request,
        "network/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "account": account,
            "wrong_account": user is not None and user.email.lower() != invitation.email,
            "login_url": f"{reverse('account_login')}?next={request.path}",
        },
    )


# --- the map ------------------------------------------------------------------------
@login_required
def network_map(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug)
    graph = map_build(network=access.network, user=request.user)
    return render(
        request,
        "network/map.html",
        {"network": access.network, "access": access, "graph": graph},
    )


@login_required
def network_map_data(request: HttpRequest, slug: str) -> JsonResponse:
    access = network_access(request, slug)
    graph = map_build(network=access.network, user=request.user)
    return JsonResponse(graph, json_dumps_params={"ensure_ascii": False})


# --- import -------------------------------------------------------------------------
@login_required
def directory_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload, then a preview; nothing is written until the preview is confirmed."""
    access = network_access(request, slug, manage=True)
    network = access.network
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            # CSV or .xlsx, told by the content; one byte past the limit is enough to refuse.
            table = imports.read(form.cleaned_data["file"].read(imports.MAX_BYTES + 1))
        except ValidationError as error:
            form.add_error("file", error)
        else:
            kind = form.cleaned_data["kind"]
            result = imports.preview(network=network, kind=kind, table=table, user=request.user)
            if result.ok:
                request.session[IMPORT_SESSION_KEY.format(network.id)] = {
                    "kind": kind,
                    "rows": table.rows,
                }
    return render(
        request,
        "network/import.html",
        {"form": form, "network": network, "result": result},
    )


@login_required
@require_POST
def directory_import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    network = access.network
    pending = request.session.pop(IMPORT_SESSION_KEY.format(network.id), None)
    if not pending:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("network:import", network.slug)
    try:
        result = imports.directory_import(
            network=network,
            kind=pending["kind"],
            rows=pending.get("rows"),
            text=pending.get("text"),  # a preview made before imports kept rows
            user=request.user,
        )
    except imports.ImportRejected as rejected:
        return render(
            request,
            "network/import.html",
            {"form": ImportForm(), "network": network, "result": rejected.preview},
        )
    messages.success(request, _("%(n)s rows imported.") % {"n": len(result.rows)})
    if result.unchanged:
        messages.info(
            request,
            _("%(n)s of them were already there and are unchanged.") % {"n": result.unchanged},
        )
    if result.requests:
        messages.info(
            request,
            _(
                "%(n)s organisations already in the directory were asked to join: each "
                "joins when its representatives accept."
            )
            % {"n": result.requests},
        )
    if result.invitations:
        messages.info(
            request,
            _("%(n)s people with an account were invited: each gets the role on accepting.")
            % {"n": result.invitations},
        )
    return redirect("network:people" if pending["kind"] == "people" else "network:detail", slug)


@login_required
def directory_import_template(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    access = network_access(request, slug, manage=True)
    if kind not in imports.KINDS:
        raise Http404
    body = imports.template_csv(
        kind, thai=request.LANGUAGE_CODE.startswith("th"), network=access.network
    )
    response = HttpResponse(body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


# --- organisations ------------------------------------------------------------------
def _search_text(request: HttpRequest) -> str:
    """The search box: at most 100 characters, no control characters (PostgreSQL
    refuses a NUL in a query parameter; none belongs in a name)."""
    text = request.GET.get("q", "")[:1000]
    return "".join(c for c in text if c.isprintable() or c.isspace()).strip()[:100]


def _directory(request: HttpRequest):
    query = _search_text(request)
    visible = Network.objects.visible_to(request.user).values("id")
    organisations = (
        organisations_visible_to(request.user)
        .search(query)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.current()
                .filter(network__in=visible)
                .select_related("network")
                .order_by("network__name_th"),
                to_attr="current_memberships",
            )
        )
        .order_by("name_th")
    )
    return query, organisations


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    query, organisations = _directory(request)
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "network/directory.html",
        {"page": page, "query": query, "organisations": page.object_list},
    )


@login_required
def directory_people(request: HttpRequest) -> HttpResponse:
    """The directory's people: found by Thai or English name, title or position (and
    by email in the networks one coordinates) among the people one may see
    (``people_matching``). A fixed number of queries however many are listed."""
    query = _search_text(request)
    visible = Network.objects.visible_to(request.user).values("id")
    people_rows = (
        people_matching(request.user, query)
        .select_related("organisation")
        .annotate(
            organisation_visible=Exists(
                organisations_visible_to(request.user).filter(pk=OuterRef("organisation_id"))
            )
        )
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.filter(network__in=visible)
                .select_related("network")
                .order_by("network__name_th", "network_id", "kind"),
                to_attr="visible_roles",
            )
        )
        .order_by("full_name", "pk")
    )
    page = Paginator(people_rows, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if rows:
        # Addresses as the people page shows them: to coordinators of the person's network.
        coordinated = set(
            networks_coordinated_by(request.user).values_list("network_id", flat=True)
        )
        for person in rows:
            person.email_shown = bool(person.email) and (
                request.user.is_superuser
                or any(role.network_id in coordinated for role in person.visible_roles)
            )
    return render(
        request,
        "network/directory_people.html",
        {"page": page, "query": query, "people": rows},
    )


@login_required
def directory_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _query, organisations = _directory(request)
    if fmt == "xlsx":
        body = exports.directory_xlsx(organisations)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.directory_csv(organisations)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="organisations.{fmt}"'
    return response


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, can_edit = organisation_access(request, pk)
    visible = Network.objects.visible_to(request.user).values("id")
    memberships = (
        organisation.memberships.filter(network__in=visible)
        .select_related("network")
        .order_by("left_on", "network__name_th")
    )
    people_rows = organisation_people_visible(request.user, organisation).prefetch_related(
        Prefetch(
            "roles",
            queryset=Role.objects.filter(network__in=visible).select_related("network"),
            to_attr="visible_roles",
        )
    )
    return render(
        request,
        "network/organisation.html",
        {
            "organisation": organisation,
            "can_edit": can_edit,
            "memberships": memberships,
            "people": people_rows,
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, _can_edit = organisation_access(request, pk, write=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(organisation=organisation, changes=form.cleaned_data)
        messages.success(request, _("The organisation's profile is saved."))
        return redirect("network:organisation", organisation.pk)
    return render(
        request, "network/organisation_edit.html", {"form": form, "organisation": organisation}
    )


# --- requests to join ---------------------------------------------------------------
@login_required
def join_requests(request: HttpRequest) -> HttpResponse:
    """Requests to join addressed to me: for the organisations I represent (a site
    admin also those of organisations with no representative)."""
    rows = (
        join_requests_addressed_to(request.user)
        .select_related("network", "organisation", "requested_by", "decided_by")
        .order_by("-created_at")
    )
    pending = list(rows.filter(state=JoinRequest.State.PENDING)[:200])
    answered = list(rows.exclude(state=JoinRequest.State.PENDING)[:50])
    return render(request, "network/join_requests.html", {"pending": pending, "answered": answered})


def _join_answer(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    join_request = join_request_access(request, pk)
    form = JoinDecisionForm(request.POST if request.method == "POST" else None)
    if join_request.is_pending and request.method == "POST" and form.is_valid():
        try:
            if accept:
                services.join_request_accept(join_request=join_request, user=request.user)
            else:
                services.join_request_decline(join_request=join_request, user=request.user)
        except services.JoinError as error:
            messages.error(request, str(error))
        else:
            names = {
                "org": join_request.organisation.name,
                "network": join_request.network.name,
            }
            if accept:
                messages.success(request, _("%(org)s joined %(network)s.") % names)
            else:
                messages.success(
                    request, _("You declined: %(org)s does not join %(network)s.") % names
                )
        return redirect("network:join_requests")
    return render(
        request,
        "network/join_request_answer.html",
        {"join_request": join_request, "form": form, "accept": accept},
    )


@login_required
def join_request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _join_answer(request, pk, accept=True)


@login_required
def join_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _join_answer(request, pk, accept=False)


@login_required
@require_POST
def join_request_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    join_request, access = object_access(
        request,
        JoinRequest.objects.select_related("network", "organisation"),
        manage=True,
        pk=pk,
        network__slug=slug,
    )
    try:
        services.join_request_withdraw(join_request=join_request, user=request.user)
    except services.JoinError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The request to %(org)s is withdrawn.") % {"org": join_request.organisation.name},
        )
    return redirect("network:detail", access.network.slug)
