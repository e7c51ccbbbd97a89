"""The network map: organisations, their people and roles, and organisations shared
with other networks the viewer can see. Laid out on the server so the page is a
plain SVG (readable without JavaScript, printable) and the JSON endpoint serves the
same nodes and edges to anything else.

Four queries whatever the size: memberships, roles, shared memberships, and the
viewer's visible networks (as a subquery of the third).
"""

from __future__ import annotations

import math
from collections import defaultdict

from .models import Membership, Network, Role

ROLE_ORDER = [k.value for k in Role.Kind]


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def map_build(*, network: Network, user) -> dict:
    memberships = list(
        network.memberships.filter(left_on__isnull=True)
        .select_related("organisation")
        .order_by("-place", "organisation__name_th")
    )
    org_ids = [m.organisation_id for m in memberships]
    roles = list(
        Role.objects.filter(network=network)
        .select_related("person")
        .order_by("person__organisation_id", "person__full_name", "kind")
    )
    shared = list(
        Membership.objects.filter(organisation_id__in=org_ids, left_on__isnull=True)
        .exclude(network=network)
        .filter(network__in=Network.objects.visible_to(user).values("id"))
        .select_related("network")
        .order_by("network__name_th")
    )

    n = max(len(memberships), 1)
    # The ring grows with the number of organisations: ~30px of arc each, enough
    # for one radial label line.
    radius = max(200.0, n * 30 / (2 * math.pi))
    people_by_org: dict[int, dict[int, dict]] = defaultdict(dict)
    for role in roles:
        person = people_by_org[role.person.organisation_id].setdefault(
            role.person_id, {"person": role.person, "roles": []}
        )
        person["roles"].append(role)

    nodes: list[dict] = [
        {
            "id": f"n{network.id}",
            "type": "network",
            "label": network.name,
            "short": _short(network.name, 28),
            "x": 0.0,
            "y": 0.0,
        }
    ]
    edges: list[dict] = []
    angle_of: dict[int, float] = {}
    for index, membership in enumerate(memberships):
        org = membership.organisation
        angle = 2 * math.pi * index / n - math.pi / 2
        angle_of[org.id] = angle
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        right = math.cos(angle) >= -0.01
        nodes.append(
            {
                "id": f"o{org.id}",
                "type": "organisation",
                "label": org.name,
                "short": _short(org.name),
                "place": membership.place,
                "place_label": str(membership.get_place_display()),
                "kind": org.kind_entry.label if org.kind_entry else "",
                "x": round(x, 1),
                "y": round(y, 1),
                # Labels run along the radius, so neighbours on a crowded ring never
                # overlap; on the left half they are turned to stay readable.
                "anchor": "start" if right else "end",
                "rotate": round(math.degrees(angle) if right else math.degrees(angle) + 180, 1),
                "dx": 16 if right else -16,
            }
        )
        edges.append({"source": f"n{network.id}", "target": f"o{org.id}", "type": "member"})
        people = list(people_by_org.get(org.id, {}).values())
        for p_index, entry in enumerate(people):
            person = entry["person"]
            # People sit just inside the ring, fanned around their organisation,
            # leaving the outside for the organisation's label.
            p_angle = angle + (p_index - (len(people) - 1) / 2) * min(
                0.12, 2 * math.pi / n / (len(people) + 1)
            )
            distance = radius - 45 - 14 * (p_index % 2)
            labels = [str(r.get_kind_display()) for r in entry["roles"]]
            nodes.append(
                {
                    "id": f"p{person.id}",
                    "type": "person",
                    "label": person.display_name,
                    "short": _short(person.display_name, 18),
                    "roles": [r.kind for r in entry["roles"]],
                    "role_labels": labels,
                    "x": round(distance * math.cos(p_angle), 1),
                    "y": round(distance * math.sin(p_angle), 1),
                }
            )
            edges.append(
                {
                    "source": f"o{org.id}",
                    "target": f"p{person.id}",
                    "type": "role",
                    "label": ", ".join(labels),
                }
            )

    others: dict[int, dict] = {}
    for membership in shared:
        other = others.setdefault(
            membership.network_id, {"network": membership.network, "orgs": []}
        )
        other["orgs"].append(membership.organisation_id)
    for entry in others.values():
        other = entry["network"]
        # Place the other network beyond the organisations it shares.
        xs = [math.cos(angle_of[o]) for o in entry["orgs"]]
        ys = [math.sin(angle_of[o]) for o in entry["orgs"]]
        angle = math.atan2(sum(ys), sum(xs)) if any(xs) or any(ys) else 0.0
        distance = radius + 230
        nodes.append(
            {
                "id": f"n{other.id}",
                "type": "other_network",
                "label": other.name,
                "short": _short(other.name, 24),
                "slug": other.slug,
                "dissolved": other.is_dissolved,
                "x": round(distance * math.cos(angle), 1),
                "y": round(distance * math.sin(angle), 1),
                "anchor": "start" if math.cos(angle) >= -0.01 else "end",
            }
        )
        for org_id in entry["orgs"]:
            edges.append({"source": f"o{org_id}", "target": f"n{other.id}", "type": "shared"})

    extent = radius + (320 if others else 200)
    positions = {node["id"]: node for node in nodes}
    for edge in edges:
        a, b = positions[edge["source"]], positions[edge["target"]]
        edge.update(x1=a["x"], y1=a["y"], x2=b["x"], y2=b["y"])
    return {
        "network": {"id": network.id, "slug": network.slug, "name": network.name},
        "nodes": nodes,
        "edges": edges,
        "view_box": [-extent, -extent, 2 * extent, 2 * extent],
        "counts": {
            "organisations": len(memberships),
            "people": sum(len(p) for p in people_by_org.values()),
            "shared_networks": len(others),
        },
    }
