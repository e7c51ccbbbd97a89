"""The network page's body (its header, charter, member organisations with their
people, figures, benefits and recent changes), rendered once per state of what it
shows and kept in this process.

The key is a **fingerprint of the rows themselves**, read from the database on every
request: PostgreSQL hashes the full text of every row the body is drawn from

- the network's row and its memberships, and the organisations they name;
- its roles, the people holding them, and every role of those people in any network
  (who may edit a person depends on their roles elsewhere: ``people_editable``);
- the viewer's own roles (a coordinator edits more than a member);
- the history rows of the network, its memberships, roles and invitations, and the
  organisations, people and logins those rows name (the "recent changes").

Any insert, update or delete of such a row, by a service, a bulk ``update()``, the
admin, an erasure or SQL by hand, changes the hash, so the next request draws the
body afresh; nothing has to remember to invalidate. The viewer (their id, whether
they manage the network, whether they are a site admin), the language, the day and
the URL prefix are in the key too. The rendered text lives in this process only (a
small LRU): a deploy, with new templates or translations, starts empty.

The header, the charter and the benefits are drawn from the network's row as the view
read it (with its lead organisation): the values of that row are in the key too, so a
body is never kept under a fingerprint newer than the row it was drawn from.

What may differ between two requests of the same viewer stays outside the body: the
requests to join (each with a CSRF token), the recent wins (the roadmap's tag, kept
on its own rows) and, for a site admin on a dissolved network, the header (its
"reopen" form carries a CSRF token).

One query replaces the seven that draw the body (members, roles, who may be edited,
four history tables), their rows and three templates. Other databases (SQLite in
development and tests) have no row-to-text cast: there the body is drawn every time.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import connection
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.kept import Kept, rows_fingerprint
from network.history import recent_changes
from network.models import Invitation, Membership, Network, Organisation, Person, Role
from network.permissions import Access
from network.selectors import network_benefits
from network.selectors.pages import id_url, network_page_members

# Bodies kept per process: about 10 kB each (members, figures, changes).
KEPT = 256


kept = Kept(KEPT)


def _fingerprint_sql() -> str:
    """One statement: the md5 of the text of every row the body shows, per table in
    id order. Table names come from the models, so a renamed table fails loudly."""
    t = {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("network", Network),
            ("membership", Membership),
            ("organisation", Organisation),
            ("role", Role),
            ("person", Person),
            ("user", get_user_model()),
            ("h_network", Network.history.model),
            ("h_membership", Membership.history.model),
            ("h_role", Role.history.model),
            ("h_invitation", Invitation.history.model),
        )
    }
    # Each part is NULL when it has no rows: coalesce keeps the parts' places apart.
    # Only the network's and the viewer's ids are parameters; the names are the
    # models' own tables.
    return f"""
        WITH roles AS (SELECT person_id FROM {t["role"]} WHERE network_id = %(n)s),
             h_roles AS (SELECT * FROM {t["h_role"]} WHERE network_id = %(n)s),
             h_memberships AS (SELECT * FROM {t["h_membership"]} WHERE network_id = %(n)s),
             h_invitations AS (SELECT * FROM {t["h_invitation"]} WHERE network_id = %(n)s),
             h_network AS (SELECT * FROM {t["h_network"]} WHERE id = %(n)s)
        SELECT md5(concat_ws('|',
            coalesce((SELECT x::text FROM {t["network"]} x WHERE x.id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["membership"]} x WHERE x.network_id = %(n)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["organisation"]} x WHERE x.id IN (
                          SELECT organisation_id FROM {t["membership"]} WHERE network_id = %(n)s
                          UNION SELECT organisation_id FROM h_memberships)), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["role"]} x WHERE x.person_id IN (SELECT person_id FROM roles)), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["person"]} x WHERE x.id IN (
                          SELECT person_id FROM roles UNION SELECT person_id FROM h_roles)), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.id)
                      FROM {t["role"]} x JOIN {t["person"]} p ON p.id = x.person_id
                      WHERE p.user_id = %(u)s), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.history_id) FROM h_network x), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.history_id)
                      FROM h_memberships x), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.history_id) FROM h_roles x), ''),
            coalesce((SELECT string_agg(x::text, ',' ORDER BY x.history_id)
                      FROM h_invitations x), ''),
            coalesce((SELECT string_agg(concat_ws(',', x.id, x.full_name, x.email), ';'
                                        ORDER BY x.id)
                      FROM {t["user"]} x WHERE x.id IN (
                          SELECT history_user_id FROM h_network
                          UNION SELECT history_user_id FROM h_memberships
                          UNION SELECT history_user_id FROM h_roles
                          UNION SELECT history_user_id FROM h_invitations)), '')
        ))
    """  # noqa: S608 - table names from the models' _meta; the ids are bound


_SQL: list[str] = []


def network_page_fingerprint(network: Network, user) -> str | None:
    """The hash of every row the body shows to this viewer (PostgreSQL); None
    elsewhere."""
    if not _SQL:
        _SQL.append(_fingerprint_sql())
    return rows_fingerprint(_SQL[0], {"n": network.pk, "u": user.pk})


def _header_per_request(network: Network, access: Access) -> bool:
    """The header holds a form (with its CSRF token) only for a site admin on a
    dissolved network: then it is drawn on every request, outside the body."""
    return network.is_dissolved and access.is_site_admin


def _network_digest(network: Network) -> bytes:
    """The network's row as the view read it, and its lead organisation's names: what
    the header, the charter and the benefits are drawn from. repr is unambiguous for
    the values a row holds (strings quoted, dates and lists spelled out)."""
    lead = network.lead_organisation if network.lead_organisation_id else None
    values = (
        tuple(getattr(network, field.attname) for field in Network._meta.concrete_fields),
        (lead.pk, lead.name_th, lead.name_en) if lead is not None else None,
    )
    return hashlib.blake2b(repr(values).encode(), digest_size=20).digest()


def _draw(network: Network, *, user, access: Access) -> dict[str, str | None]:
    members = network_page_members(network, user=user, access=access)
    org_before, org_after = id_url("network:organisation")
    edit_before, edit_after = id_url("network:person_edit", network.slug)
    for group in members["groups"]:
        group["url"] = f"{org_before}{group['organisation_id']}{org_after}"
        for person in group["people"]:
            if person["editable"]:
                person["edit_url"] = f"{edit_before}{person['id']}{edit_after}"
    return {
        "header": None
        if _header_per_request(network, access)
        else render_to_string("network/_header.html", {"network": network, "access": access}),
        "charter": render_to_string(
            "network/_detail_charter.html", {"network": network, "access": access}
        ),
        "members": render_to_string("network/_detail_members.html", members),
        "counts": render_to_string("network/_detail_counts.html", members),
        "benefits": render_to_string(
            "network/_detail_benefits.html",
            {"benefits": network_benefits(network)},
        ),
        "changes": render_to_string(
            "network/_detail_changes.html", {"changes": recent_changes(network=network)}
        ),
    }


def network_page_body(network: Network, *, user, access: Access) -> dict[str, SafeString | None]:
    """The body's parts as HTML (``header``, ``charter``, ``members``, ``counts``,
    ``benefits``, ``changes``): from this process's store when nothing they show has
    changed for this viewer, else drawn and stored. ``header`` is None when the page
    must draw it itself (``_header_per_request``)."""
    fingerprint = network_page_fingerprint(network, user)
    if fingerprint is None:
        body = _draw(network, user=user, access=access)
    else:
        key = (
            network.pk,
            fingerprint,
            _network_digest(network),
            user.pk,
            user.is_superuser,
            access.can_manage,
            timezone.localdate(),
            get_language(),
            get_script_prefix(),
        )
        body = kept.get(key)
        if body is None:
            body = _draw(network, user=user, access=access)
            kept.put(key, body)
    # Our own templates' output, escaped when it was rendered.
    return {part: None if html is None else mark_safe(html) for part, html in body.items()}
