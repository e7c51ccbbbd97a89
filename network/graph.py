"""The network map: organisations, their people and roles, and organisations shared
with other networks the viewer can see. Laid out on the server so the page is a
plain SVG (readable without JavaScript, printable) and the JSON endpoint serves the
same nodes and edges to anything else.

Four queries whatever the size: memberships, roles, shared memberships, and the
viewer's visible networks (as a subquery of the third).
"""

from __future__ import annotations

import math
import unicodedata
from collections import defaultdict

from .models import Membership, Network, Role

ROLE_ORDER = [k.value for k in Role.Kind]

# Radii of the circles drawn for each kind of node (the template draws these).
NETWORK_R, LEAD_R, ORG_R, PERSON_R = 26, 13, 10, 6
OTHER_R = 13  # the other network's 18px square, to its corners
PERSON_GAP = 4  # clear space between two people's circles
ORG_LABEL_DX = 16
OTHER_GAP = 40  # from the longest organisation label out to the other networks
MARGIN = 12
# Sarabun's advance is under 0.62 em for Thai consonants and Latin letters alike;
# Thai vowel and tone marks above and below take no width.
EM = 0.62


def _text_width(text: str, size: float) -> float:
    return sum(0 if unicodedata.category(c) == "Mn" else 1 for c in text) * size * EM


def _box_centred(x: float, y: float, width: float, size: float, *, above: bool = True):
    """The box of a label centred on x with its baseline at y (``above``), or of a
    shape centred on (x, y)."""
    if above:
        return (x - width / 2, y - size, x + width / 2, y + size * 0.35)
    return (x - width / 2, y - size / 2, x + width / 2, y + size / 2)


def _box_radial(angle: float, start: float, width: float, size: float):
    """The box of a label running outward along the radius from ``start``."""
    c, s = math.cos(angle), math.sin(angle)
    half = size * 0.7
    corners = [
        (d * c - t * s, d * s + t * c) for d in (start, start + width) for t in (-half, half)
    ]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _rows(count: int, n: int, radius: float) -> list[tuple[float, int]]:
    """Rows of people inside the ring for one organisation: (distance, how many)."""
    rows, left, distance = [], count, radius - 45
    while left > 0:
        # Each organisation owns 1/n of the circle; people keep within its slice.
        arc = distance * (2 * math.pi / n) * 0.8
        fits = max(1, int(arc // (2 * PERSON_R + PERSON_GAP)))
        rows.append((distance, min(fits, left)))
        left -= fits
        distance -= 2 * PERSON_R + PERSON_GAP + 2
    return rows


def _people_fit(sizes: list[int], n: int, radius: float, centre_clear: float) -> bool:
    for size in sizes:
        rows = _rows(size, n, radius)
        if rows and rows[-1][0] - PERSON_R < centre_clear:
            return False
    return True


def _people_places(count: int, angle: float, n: int, radius: float):
    """Where each person sits: rows inside the ring, centred on their organisation,
    spaced so no two circles touch."""
    for distance, in_row in _rows(count, n, radius):
        step = (2 * PERSON_R + PERSON_GAP) / distance
        for i in range(in_row):
            yield distance, angle + (i - (in_row - 1) / 2) * step


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _other_place(wanted: float, ring: float, short: str, placed: list) -> dict:
    width = _text_width(short, 13)
    for ring_at in (ring + 70 * k for k in range(20)):
        step = 0.05
        for k in range(int(math.pi / step) * 2 + 1):
            angle = wanted + (k + 1) // 2 * step * (1 if k % 2 else -1)
            x, y = ring_at * math.cos(angle), ring_at * math.sin(angle)
            c = math.cos(angle)
            if abs(c) < 0.5:  # top or bottom: the name above or below, centred
                anchor, lx = "middle", x
                ly = y + 30 if math.sin(angle) > 0 else y - 18
                box = _box_centred(lx, ly, width, 13)
            else:  # either side: the name runs outward
                anchor = "start" if c > 0 else "end"
                lx, ly = (x + 16 if c > 0 else x - 16), y + 5
                box = (
                    (lx, ly - 13, lx + width, ly + 5)
                    if c > 0
                    else (lx - width, ly - 13, lx, ly + 5)
                )
            square = _box_centred(x, y, 2 * OTHER_R, 2 * OTHER_R, above=False)
            padded = (box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4)
            if not any(_overlaps(padded, p) or _overlaps(square, p) for p in placed):
                return {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "anchor": anchor,
                    "label_x": round(lx, 1),
                    "label_y": round(ly, 1),
                    "label_box": box,
                }
    raise AssertionError("no room for another network")  # pragma: no cover


def _short(text: str, limit: int = 22) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def map_build(*, network: Network, user) -> dict:
    memberships = list(
        network.memberships.current()
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
        Membership.objects.current()
        .filter(organisation_id__in=org_ids)
        .exclude(network=network)
        .filter(network__in=Network.objects.visible_to(user).values("id"))
        .select_related("network")
        .order_by("network__name_th")
    )

    n = max(len(memberships), 1)
    people_by_org: dict[int, dict[int, dict]] = defaultdict(dict)
    for role in roles:
        person = people_by_org[role.person.organisation_id].setdefault(
            role.person_id, {"person": role.person, "roles": []}
        )
        person["roles"].append(role)

    centre_label = _short(network.name, 28)
    nodes: list[dict] = [
        {
            "id": f"n{network.id}",
            "type": "network",
            "label": network.name,
            "short": centre_label,
            "x": 0.0,
            "y": 0.0,
            "r": NETWORK_R,
            "label_y": NETWORK_R + 20,
            "label_box": _box_centred(0.0, NETWORK_R + 20, _text_width(centre_label, 15), 15),
        }
    ]
    # The ring grows with the number of organisations (~30px of arc each, enough for
    # one radial label line) and until every organisation's people fit in its own
    # slice of the ring, in rows, clear of the centre's circle and name.
    radius = max(200.0, n * 30 / (2 * math.pi))
    centre_clear = math.hypot(nodes[0]["label_box"][2], nodes[0]["label_box"][3]) + PERSON_GAP
    sizes = [len(people_by_org.get(m.organisation_id, {})) for m in memberships]
    while not _people_fit(sizes, n, radius, centre_clear):
        radius += 40
    edges: list[dict] = []
    angle_of: dict[int, float] = {}
    outermost = radius
    for index, membership in enumerate(memberships):
        org = membership.organisation
        angle = 2 * math.pi * index / n - math.pi / 2
        angle_of[org.id] = angle
        x, y = radius * math.cos(angle), radius * math.sin(angle)
        right = math.cos(angle) >= -0.01
        short = _short(org.name)
        width = _text_width(short, 13)
        outermost = max(outermost, radius + ORG_LABEL_DX + width)
        nodes.append(
            {
                "id": f"o{org.id}",
                "type": "organisation",
                "label": org.name,
                "short": short,
                "place": membership.place,
                "place_label": str(membership.get_place_display()),
                "kind": org.kind_entry.label if org.kind_entry else "",
                "x": round(x, 1),
                "y": round(y, 1),
                "r": LEAD_R if membership.place == Membership.Place.LEAD else ORG_R,
                # Labels run along the radius, so neighbours on a crowded ring never
                # overlap; on the left half they are turned to stay readable.
                "anchor": "start" if right else "end",
                "rotate": round(math.degrees(angle) if right else math.degrees(angle) + 180, 1),
                "dx": ORG_LABEL_DX if right else -ORG_LABEL_DX,
                "label_y": round(y, 1),
                "label_box": _box_radial(angle, radius + ORG_LABEL_DX, width, 13),
            }
        )
        edges.append({"source": f"n{network.id}", "target": f"o{org.id}", "type": "member"})
        people = list(people_by_org.get(org.id, {}).values())
        for entry, (distance, p_angle) in zip(
            people, _people_places(len(people), angle, n, radius), strict=True
        ):
            person = entry["person"]
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
                    "r": PERSON_R,
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
    # Other networks sit on a ring beyond the longest organisation label, each near
    # the organisations it shares; one that would touch a network already placed
    # (its square or its name) moves along the ring, then to a wider ring.
    placed: list[tuple[float, float, float, float]] = []
    ring = outermost + OTHER_GAP
    for entry in others.values():
        other = entry["network"]
        xs = [math.cos(angle_of[o]) for o in entry["orgs"]]
        ys = [math.sin(angle_of[o]) for o in entry["orgs"]]
        wanted = math.atan2(sum(ys), sum(xs)) if any(xs) or any(ys) else 0.0
        short = _short(other.name, 24)
        node = _other_place(wanted, ring, short, placed)
        placed.append(node["label_box"])
        placed.append(_box_centred(node["x"], node["y"], 2 * OTHER_R, 2 * OTHER_R, above=False))
        nodes.append(
            {
                "id": f"n{other.id}",
                "type": "other_network",
                "label": other.name,
                "short": short,
                "slug": other.slug,
                "dissolved": other.is_dissolved,
                "r": OTHER_R,
                **node,
            }
        )
        for org_id in entry["orgs"]:
            edges.append({"source": f"o{org_id}", "target": f"n{other.id}", "type": "shared"})

    # The view holds every circle and every label, with a margin: nothing is clipped.
    boxes = [n["label_box"] for n in nodes if "label_box" in n]
    boxes += [(n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"]) for n in nodes]
    extent = max(max(abs(v) for box in boxes for v in box) + MARGIN, 200.0)
    extent = round(extent, 1)
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
