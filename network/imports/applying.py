"""Writing an import: every row, or nothing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.errors import ServiceError
from network.models import Invitation, Membership, Network, Organisation, Person
from network.selectors import organisations_attachable
from network.services.joining import organisation_attach
from network.services.people import person_add
from network.services.roles import role_offer

from .checking import preview
from .columns import ORGANISATION_COLUMNS
from .planning import existing_by_name
from .results import Preview, Problem


class ImportRejected(ServiceError):
    """The file cannot be imported as it is: ``preview`` lists every problem, by row
    and column; nothing was written."""

    code = "import_rejected"

    def __init__(self, result: Preview):
        super().__init__([problem.message for problem in result.problems] or "import rejected")
        self.preview = result


@transaction.atomic
def directory_import(
    *,
    network: Network,
    kind: str,
    text: str | None = None,
    rows: list[list[str]] | None = None,
    user=None,
) -> Preview:
    """Write every row, or nothing: any problem raises ImportRejected before a write.

    The cells come as ``rows`` (from ``read``, kept between preview and confirm) or
    as CSV ``text``. Organisations: new ones are created and join; one already in
    the directory joins only as ``services.organisation_attach`` allows, else a
    request to join is filed. People: a login is invited to its role
    (``services.role_offer``); a person already there is not added again.
    """
    result = preview(network=network, kind=kind, text=text, rows=rows, user=user)
    if not result.ok:
        raise ImportRejected(result)
    try:
        if kind == "organisations":
            _write_organisations(network, result, user=user)
        else:
            _write_people(network, result, user=user)
    except ServiceError as error:
        # Something changed between the preview and now: nothing is written.
        transaction.set_rollback(True)
        result.problems.append(Problem(1, "", error.message))
        raise ImportRejected(result) from None
    return result


def _write_organisations(network: Network, result: Preview, *, user) -> None:
    names = [row["name_th"] for row in result.rows]
    existing = existing_by_name(names)
    # Bulk writes with their history rows: a 1,000-row file is a handful of
    # queries instead of five per row.
    created = bulk_create_with_history(
        [
            Organisation(**{c.key: row.get(c.key, "") for c in ORGANISATION_COLUMNS})
            for row in result.rows
            if row["name_th"] not in existing
        ],
        Organisation,
        batch_size=500,
        default_user=user,
    )
    matched = [org for orgs in existing.values() for org in orgs]
    members = set(
        Membership.objects.current()
        .filter(network=network, organisation__in=matched)
        .values_list("organisation_id", flat=True)
    )
    outside = [org for org in matched if org.pk not in members]
    attachable = organisations_attachable(user=user, organisations=outside)
    today = timezone.localdate()
    # Created in this very action, or allowed by the rule: they join now.
    joining = list(created) + [org for org in outside if org.pk in attachable]
    bulk_create_with_history(
        [Membership(network=network, organisation=org, joined_on=today) for org in joining],
        Membership,
        batch_size=500,
        default_user=user,
    )
    for org in outside:
        if org.pk not in attachable:
            organisation_attach(network=network, organisation=org, user=user)


def _write_people(network: Network, result: Preview, *, user) -> None:
    """Each row as the preview planned it: the person it matched gets the role
    (``role_offer``: a login is asked), a new one is added (``person_add``), a
    waiting invitation is left alone, a second row of the same person reuses them."""
    made: dict[int, Person | Invitation] = {}
    for row in result.rows:
        if row.get("_skip"):
            continue
        person = row.get("_person")
        if person is None and "_same" in row:
            earlier = made.get(row["_same"])
            person = earlier if isinstance(earlier, Person) else None
        if person is not None:
            role_offer(network=network, person=person, kind=row["role"], invited_by=user)
            made[row["_row"]] = person
            continue
        made[row["_row"]] = person_add(
            network=network,
            organisation=row["_organisation"],
            kind=row["role"],
            invited_by=user,
            **{
                key: row.get(key, "")
                for key in ("title", "full_name", "position", "category", "email", "phone")
            },
        )
