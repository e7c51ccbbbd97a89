"""The key pages' reads as plain rows: the network page's members and the directory's
organisations.

These pages list many rows, so they read ``values()`` instead of model instances and
label every row here once (catalogue entries, choices, the localised name), leaving
the templates nothing to call per row (issue 17: pages at the cost of their data).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.urls import reverse

from core import compiled
from network.access_reads import Asker
from network.catalogue import ORGANISATION_KINDS, by_code, thai_active
from network.models import Membership, Network, Role
from network.permissions import Access, organisations_visible_to, people_editable
from network.provinces import PROVINCES
from network.querysets import search_folded

_ID = 2147483647


def id_url(name: str, *args) -> tuple[str, str]:
    """(before, after) the object's id in the URL named ``name``, reversed once for a
    list: ``before + str(pk) + after`` is ``reverse(name, args=[*args, pk])`` without
    resolving the pattern again for every row."""
    before, after = reverse(name, args=[*args, _ID]).split(str(_ID))
    return before, after


@dataclass(frozen=True)
class _PersonRef:
    """What ``people_editable`` reads of a person, without building a Person."""

    pk: int
    user_id: int | None


def network_page_members(network: Network, *, user, access: Access) -> dict:
    """The network page's member organisations and figures, as plain rows.

    The same people, roles and order as ``members_by_organisation`` (lead first, then
    by Thai name; people by name; roles in the model's order), read with ``values()``
    and labelled once here, so the page builds no model instance and calls no method
    per row. ``groups``: ``{"organisation_id", "name", "place", "is_lead", "people"}``,
    each person ``{"id", "name", "roles", "editable"}`` with ``roles`` the labels
    joined by ", ". ``counts``: the figures (organisations, people, coordinators and
    core leaders among the people listed).
    """
    english = not thai_active()
    places = {code: str(label) for code, label in Membership.Place.choices}
    kinds = {code: str(label) for code, label in Role.Kind.choices}
    memberships = (
        network.memberships.current()
        .order_by("place", "organisation__name_th")
        .values_list("organisation_id", "place", "organisation__name_th", "organisation__name_en")
    )
    people: dict[int, dict[int, dict]] = defaultdict(dict)
    refs: list[_PersonRef] = []
    for person_id, kind, org_id, user_id, title, full_name in Role.objects.filter(
        network=network
    ).values_list(
        "person_id",
        "kind",
        "person__organisation_id",
        "person__user_id",
        "person__title",
        "person__full_name",
    ):
        entry = people[org_id].get(person_id)
        if entry is None:
            entry = people[org_id][person_id] = {
                "id": person_id,
                "name": f"{title}{full_name}" if title else full_name,
                "full_name": full_name,
                "kinds": [],
            }
            refs.append(_PersonRef(person_id, user_id))
        entry["kinds"].append(kind)
    groups = []
    listed: set[int] = set()
    for org_id, place, name_th, name_en in memberships:
        rows = sorted(people.get(org_id, {}).values(), key=lambda e: e["full_name"])
        listed.update(row["id"] for row in rows)
        groups.append(
            {
                "organisation_id": org_id,
                "name": name_en if english and name_en else name_th,
                "place": places.get(place, place),
                "is_lead": place == Membership.Place.LEAD,
                "people": rows,
            }
        )
    editable = people_editable(user, access, [r for r in refs if r.pk in listed])
    role_counts: dict[str, int] = defaultdict(int)
    for row in (row for group in groups for row in group["people"]):
        for kind in row["kinds"]:
            role_counts[kind] += 1
        row["roles"] = ", ".join(kinds.get(kind, kind) for kind in row.pop("kinds"))
        row["editable"] = row["id"] in editable
    return {
        "groups": groups,
        "counts": {
            "organisations": len(groups),
            "people": len(listed),
            "coordinators": role_counts[Role.Kind.COORDINATOR],
            "leaders": role_counts[Role.Kind.CORE_LEADER],
        },
    }


# --- the directory ------------------------------------------------------------------------
_KINDS = by_code(ORGANISATION_KINDS)
_PROVINCES = by_code(PROVINCES)


def directory_search(user, query: str):
    """The directory page's organisations: those the user may see matching the search,
    by Thai name, as rows of what the list shows (``values()``); the same rows and
    order as ``directory_organisations``, which the export reads."""
    return (
        organisations_visible_to(user)
        .search(query)
        .order_by("name_th")
        .values("id", "name_th", "name_en", "kind", "province", "verified_at")
    )


# Organisations per page of the directory.
PER_PAGE = 50
_COLUMNS = ("id", "name_th", "name_en", "kind", "province", "verified_at")


def _page_query(*, user_id, text, superuser: bool, searched: bool, bottom: int):
    """``directory_search``'s rows from ``bottom`` on (a page), each with how many rows
    the whole search has (``COUNT(*) OVER ()``, computed before the LIMIT, in the same
    query), built for core.compiled: the rule is ``organisations_visible_to``'s, asked
    for a placeholder user."""
    search = organisations_visible_to(Asker(pk=user_id, is_superuser=superuser))
    if searched:
        search = search.name_contains(text)
    return (
        search.order_by("name_th")
        .annotate(found=Window(Count("id")))
        .values_list(*_COLUMNS, "found")[bottom : bottom + PER_PAGE]
    )


# Pages read with a compiled query: each page number is a statement of its own (its
# OFFSET), and a visitor may ask for any number; later pages are built by the ORM.
COMPILED_PAGES = 20


def _page_rows(user, query: str, number: int) -> list[dict]:
    """Page ``number`` of the search for ``query``, as ``directory_search``'s rows with
    ``found`` added. The first pages' query is compiled once per kind of user, search
    or none, and page (building it cost more than running it)."""
    bottom = (number - 1) * PER_PAGE
    if number > COMPILED_PAGES:
        search = directory_search(user, query).annotate(found=Window(Count("id")))
        return list(search[bottom : bottom + PER_PAGE])
    text = search_folded(query)
    found = compiled.rows(
        _page_query,
        fixed={"superuser": user.is_superuser, "searched": bool(text), "bottom": bottom},
        user_id=user.pk,
        text=text,
    )
    return [dict(zip((*_COLUMNS, "found"), row, strict=True)) for row in found]


def directory_page(user, query: str, number) -> Page:
    """The page of ``directory_search`` that ``Paginator.get_page(number)`` gives (the
    same rows, number and count), read with **one** query instead of a COUNT and the
    page: the count comes with the rows. A number that is not one gives page 1; past
    the last page (or below 1) gives the last page, as get_page does; those cost a
    COUNT and the page read again."""
    try:
        wanted = int(number)  # as Paginator.validate_number reads it
    except (TypeError, ValueError):
        wanted = 1
    if wanted >= 1:
        rows = _page_rows(user, query, wanted)
        paginator = Paginator((), PER_PAGE)
        if rows:
            paginator.count = rows[0]["found"]
            return Page(rows, wanted, paginator)
        if wanted == 1:  # the first page is empty only when nothing matches
            paginator.count = 0
            return Page([], 1, paginator)
    paginator = Paginator(directory_search(user, query), PER_PAGE)
    last = paginator.num_pages  # reads the COUNT
    return Page(_page_rows(user, query, last), last, paginator)


def _memberships_query(*, organisation_ids, user_id, superuser: bool):
    """Current memberships of these organisations in the networks the user sees."""
    # organisation__pk, not organisation_id: the related lookup would take the
    # placeholders for values to convert.
    memberships = Membership.objects.current().filter(organisation__pk__in=organisation_ids)
    visible = Network.objects.visible_to(Asker(pk=user_id, is_superuser=superuser))
    # Every network (a site admin's): no filter to join and check 200 rows against.
    if visible.query.has_filters():
        memberships = memberships.filter(network__in=visible.values("id"))
    return memberships.order_by("network__name_th").values_list(
        "organisation_id", "network__name_th", "network__name_en"
    )


def directory_rows(user, organisations) -> list[dict]:
    """One page of ``directory_search``'s rows, labelled for the list (one query):
    ``{"id", "name_th", "name_en", "verified", "details"}``, where ``details`` is the
    kind, the province and the names of the networks the user sees that it is a
    current member of (by Thai name), as the list prints them."""
    rows = list(organisations)
    english = not thai_active()
    networks: dict[int, list[str]] = defaultdict(list)
    for org_id, name_th, name_en in compiled.rows(
        _memberships_query,
        fixed={"superuser": user.is_superuser},
        organisation_ids=[row["id"] for row in rows],
        user_id=user.pk,
    ):
        networks[org_id].append(name_en if english and name_en else name_th)
    out = []
    for row in rows:
        kind = _KINDS.get(row["kind"])
        province = _PROVINCES.get(row["province"])
        # Entry.label asks for the active language each time: asked once above.
        kind_label = (kind.en if english else kind.th) if kind else ""
        province_label = (province.en if english else province.th) if province else ""
        details = f"{kind_label} · {province_label}"
        if networks[row["id"]]:
            details += " · " + ", ".join(networks[row["id"]])
        out.append(
            {
                "id": row["id"],
                "name_th": row["name_th"],
                "name_en": row["name_en"],
                "verified": row["verified_at"] is not None,
                "details": details,
            }
        )
    return out
