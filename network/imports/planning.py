"""What confirming would do with each row: which organisations join or are asked,
which people are matched, added or invited."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from network.models import Invitation, JoinRequest, Membership, Network, Organisation, Person, Role
from network.selectors import organisations_attachable
from network.services import joining
from network.services.people import account_elsewhere_message

from .codes import _INVISIBLE, _norm, _quote
from .results import (
    NOTE_INVITE,
    NOTE_INVITED,
    NOTE_JOINS,
    NOTE_MEMBER,
    NOTE_NEW,
    NOTE_PERSON_NEW,
    NOTE_PERSON_ROLE,
    NOTE_PERSON_SAME,
    NOTE_REQUEST,
    NOTE_ROW_SAME,
    Preview,
    Problem,
)


def existing_by_name(names) -> dict[str, list[Organisation]]:
    found: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.filter(name_th__in=list(names)).order_by("id"):
        found.setdefault(org.name_th, []).append(org)
    return found


def plan_organisations(network: Network, result: Preview, *, user, column: str) -> None:
    """Say per row what confirming would do; count the requests to join it files."""
    rows = [row for row in result.rows if row.get("name_th")]
    existing = existing_by_name({row["name_th"] for row in rows})
    matched = [org for orgs in existing.values() for org in orgs]
    members = set(
        Membership.objects.current()
        .filter(network=network, organisation__in=matched)
        .values_list("organisation_id", flat=True)
    )
    attachable = organisations_attachable(
        user=user, organisations=[o for o in matched if o.pk not in members]
    )
    asked = set(
        JoinRequest.objects.pending()
        .filter(network=network, organisation__in=matched)
        .values_list("organisation_id", flat=True)
    )
    for row in rows:
        orgs = [o for o in existing.get(row["name_th"], []) if o.pk not in members]
        if not existing.get(row["name_th"]):
            row["_note"] = NOTE_NEW
        elif not orgs:
            row["_note"] = NOTE_MEMBER
        elif all(o.pk in attachable for o in orgs):
            row["_note"] = NOTE_JOINS
        else:
            row["_note"] = NOTE_REQUEST
            result.requests += sum(1 for o in orgs if o.pk not in attachable and o.pk not in asked)
    # Read from the module when the preview runs: the ceiling is the service's own.
    ceiling = joining.MAX_PENDING_JOIN_REQUESTS
    waiting = JoinRequest.objects.pending().filter(network=network).count()
    if result.requests and waiting + result.requests > ceiling:
        result.problems.append(
            Problem(
                1,
                column,
                _(
                    "This file would ask %(n)s organisations of the directory to join, and "
                    "%(waiting)s requests are already waiting: at most %(max)s may wait at once."
                )
                % {"n": result.requests, "waiting": waiting, "max": ceiling},
            )
        )


def _accounts_by_email(emails) -> dict:
    """Logins by their (lower-case) address, with their person when they have one."""
    users = (
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in=list(emails))
        .select_related("person")
    )
    return {user.address: user for user in users}


# Titles a name may start with, longest first so "นางสาว" is taken before "นาง".
# Thai titles are written against the name; Latin ones end with a dot or a space.
_THAI_TITLES = sorted(
    (
        "นาย",
        "นาง",
        "นางสาว",
        "น.ส.",
        "ด.ช.",
        "ด.ญ.",
        "เด็กชาย",
        "เด็กหญิง",
        "ดร.",
        "ศ.",
        "รศ.",
        "ผศ.",
        "ศาสตราจารย์",
        "รองศาสตราจารย์",
        "ผู้ช่วยศาสตราจารย์",
        "ว่าที่ร้อยตรี",
        "ว่าที่ ร.ต.",
        "ว่าที่ร.ต.",
        "พระ",
    ),
    key=len,
    reverse=True,
)
_LATIN_TITLE = re.compile(
    r"^(?:mr|mrs|ms|miss|dr|prof|assoc\.?\s*prof|asst\.?\s*prof)(?:\.\s*|\s+)", re.IGNORECASE
)


def person_name_key(full_name: str) -> str:
    """A name as people are matched by it: titles taken off the front, Unicode
    normalised, case folded, spaces folded ("นางสาวสมศรี  ใจดี" is "สมศรี ใจดี")."""
    name = " ".join(unicodedata.normalize("NFKC", full_name.translate(_INVISIBLE)).split())
    while True:
        latin = _LATIN_TITLE.match(name)
        if latin:
            name = name[latin.end() :].lstrip()
            continue
        title = next((t for t in _THAI_TITLES if name.startswith(t) and len(name) > len(t)), None)
        if title is None:
            break
        name = name[len(title) :].lstrip()
    return name.casefold()


def _people_by_name(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Person]:
    """The first person (oldest) of each organisation under each name key."""
    found: dict[tuple[int, str], Person] = {}
    if not keys:
        return found
    ids = {org_id for org_id, _name in keys}
    people = Person.objects.filter(organisation_id__in=ids).select_related("user").order_by("id")
    for person in people:
        key = (person.organisation_id, person_name_key(person.full_name))
        if key in keys:
            found.setdefault(key, person)
    return found


@dataclass(frozen=True)
class _Known:
    """What the database already holds about the people a file names (a fixed
    number of queries, however many rows)."""

    accounts: dict  # logins by address
    by_email: dict  # (organisation id, address) -> person
    by_name: dict  # (organisation id, name key) -> person
    in_network: set  # people with a login who hold a role in this network
    held: set  # (person id, role) held in this network
    waiting: set  # (address, organisation id, role) of invitations waiting for an answer


def _with_organisations(network: Network, result: Preview, *, named: dict) -> list[dict]:
    """The rows naming an organisation of this network, each given it; any other
    organisation named is a problem."""
    organisations = _organisation_lookup(network)
    for row in result.rows:
        if not row.get("organisation"):
            continue
        org = organisations.get(_norm(row["organisation"]))
        if org is None:
            result.problems.append(
                Problem(
                    row["_row"],
                    named["organisation"],
                    _("No organisation of this network is called “%(name)s”.")
                    % {"name": _quote(row["organisation"])},
                )
            )
        else:
            row["_organisation"] = org
    return [row for row in result.rows if "_organisation" in row]


def _known(network: Network, rows: list[dict]) -> _Known:
    emails = {row["email"] for row in rows if row.get("email")}
    organisations = list({row["_organisation"].pk: row["_organisation"] for row in rows}.values())
    accounts = _accounts_by_email(emails) if emails else {}
    by_email = _people_by_email(organisations, emails) if emails else {}
    by_name = _people_by_name(
        {
            (row["_organisation"].pk, person_name_key(row["full_name"]))
            for row in rows
            if not row.get("email") and row.get("full_name")
        },
    )
    logins = [a.person for a in accounts.values() if getattr(a, "person", None) is not None]
    candidates = (
        [p for p in by_email.values() if p.user_id]
        + logins
        + [p for p in by_name.values() if p.user_id]
    )
    in_network = set(
        Role.objects.filter(network=network, person__in=candidates).values_list(
            "person_id", flat=True
        )
    )
    matched = [*by_email.values(), *by_name.values(), *logins]
    held = set(
        Role.objects.filter(network=network, person__in=matched).values_list("person_id", "kind")
    )
    # Invitations waiting for an answer: asking again would revoke and resend them.
    waiting = set(
        Invitation.objects.pending()
        .filter(network=network)
        .annotate(address=Lower("email"))
        .values_list("address", "organisation_id", "role")
    )
    return _Known(accounts, by_email, by_name, in_network, held, waiting)


def _ask(row: dict, address: str, known: _Known, result: Preview) -> None:
    """A login is asked to take the role, once: a waiting invitation is left alone."""
    if (address, row["_organisation"].pk, row["role"]) in known.waiting:
        row["_note"], row["_skip"] = NOTE_INVITED, True
    else:
        row["_note"] = NOTE_INVITE
        result.invitations += 1


def _match(row: dict, known: _Known, result: Preview, *, named: dict) -> tuple[bool, Person | None]:
    """(decided, person): the person the row names when already there (by email;
    without one, by name). ``decided`` when the row needs nothing more: a login with
    no person yet is asked, an address of another organisation's person refused."""
    org = row["_organisation"]
    email = row.get("email")
    if not email:
        return False, known.by_name.get((org.pk, person_name_key(row["full_name"])))
    person = known.by_email.get((org.pk, email))
    if person is not None:
        return False, person
    account = known.accounts.get(email)
    person = getattr(account, "person", None) if account else None
    if account is not None and person is None:
        _ask(row, email, known, result)  # a login with no person yet
        return True, None
    if person is not None and person.organisation_id != org.pk:
        result.problems.append(
            Problem(row["_row"], named.get("email", ""), account_elsewhere_message())
        )
        return True, None
    return False, person


def _plan_person(row: dict, known: _Known, result: Preview, *, named: dict) -> None:
    decided, person = _match(row, known, result, named=named)
    if decided:
        return
    if person is None:
        row["_note"] = NOTE_PERSON_NEW
        return
    row["_person"] = person
    if (person.pk, row["role"]) in known.held:
        row["_note"] = NOTE_PERSON_SAME
    elif person.user_id and person.pk not in known.in_network:
        _ask(row, person.user.email.lower(), known, result)
    else:
        row["_note"] = NOTE_PERSON_ROLE


def plan_people(network: Network, result: Preview, *, named: dict) -> None:
    """Attach each row to an organisation of this network and to the person it names
    when that person is already there (by email; without one, by name); say per row
    what confirming does, and who is invited."""
    rows = _with_organisations(network, result, named=named)
    known = _known(network, rows)
    # The same person on two rows of the file: the first says what happens to them.
    first: dict[tuple, int] = {}
    for row in rows:
        org = row["_organisation"]
        email = row.get("email")
        name = (org.pk, person_name_key(row["full_name"]))
        same = (org.pk, "@", email) if email else name
        if same in first:
            row["_same"] = first[same]
            row["_note"] = NOTE_ROW_SAME
            continue
        first.setdefault(same, row["_row"])
        first.setdefault(name, row["_row"])
        _plan_person(row, known, result, named=named)
    _check_one_chair(network, rows, result, named=named)


def _check_one_chair(network: Network, rows: list[dict], result: Preview, *, named: dict) -> None:
    """A network has one committee chair (role_one_chair_per_network): a row naming a
    second one is a problem in the preview, not an error when the import is written."""
    chair = (
        Role.objects.filter(network=network, kind=Role.Kind.CHAIR).select_related("person").first()
    )
    claimed: int | None = None
    for row in rows:
        if row.get("role") != Role.Kind.CHAIR or row.get("_same"):
            continue
        person = row.get("_person")
        if chair is not None and (person is None or person.pk != chair.person_id):
            result.problems.append(
                Problem(
                    row["_row"],
                    named.get("role", ""),
                    _(
                        "This network already has a committee chair: %(name)s. Remove that role "
                        "first, then give it to someone else."
                    )
                    % {"name": chair.person.display_name},
                )
            )
        elif chair is None and claimed is not None:
            result.problems.append(
                Problem(
                    row["_row"],
                    named.get("role", ""),
                    _("Row %(row)s already names the committee chair; a network has one.")
                    % {"row": claimed},
                )
            )
        claimed = claimed or row["_row"]


def _people_by_email(organisations, emails) -> dict[tuple[int, str], Person]:
    found: dict[tuple[int, str], Person] = {}
    people = (
        Person.objects.annotate(address=Lower("email"))
        .filter(organisation__in=organisations, address__in=list(emails))
        .select_related("user")
        .order_by("id")
    )
    for person in people:
        found.setdefault((person.organisation_id, person.address), person)
    return found


def _organisation_lookup(network: Network) -> dict[str, Organisation]:
    """People attach to an organisation of this network, named in Thai or English."""
    lookup: dict[str, Organisation] = {}
    for org in Organisation.objects.members_of(network):
        lookup[_norm(org.name_th)] = org
        if org.name_en:
            lookup.setdefault(_norm(org.name_en), org)
    return lookup
