"""The network map's layout (issue 14, item 8): no two nodes drawn on one spot and
no label outside the picture.

Before: two other networks sharing the same organisation were put on the very same
point (their names printed over each other), people of a crowded organisation
overlapped, and names at the bottom could run past the viewBox.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from network.graph import map_build
from network.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _crowded(cast, *, organisations: int, people: int, others: int):
    """The cast network with many partners, one of them with many people, and
    ``others`` other networks all sharing the same partner organisation."""
    for i in range(organisations):
        org = factories.OrganisationFactory(name_th=f"โรงเรียนบ้านหนองบัวแดงวิทยาคารสาขาที่ {i}")
        factories.MembershipFactory(network=cast.network, organisation=org)
    for _ in range(people):
        person = factories.PersonFactory(organisation=cast.partner_org, user=None)
        factories.RoleFactory(network=cast.network, person=person, kind=Role.Kind.MEMBER)
    for i in range(others):
        other = factories.NetworkFactory(name_th=f"เครือข่ายพัฒนาคุณภาพการศึกษาแห่งที่ {i}")
        Membership.objects.create(
            network=other, organisation=cast.partner_org, joined_on=other.founded_on
        )
    return map_build(network=cast.network, user=cast.site_admin)


def _assert_no_overlap(graph) -> None:
    for a, b in itertools.combinations(graph["nodes"], 2):
        distance = math.hypot(a["x"] - b["x"], a["y"] - b["y"])
        assert distance >= a["r"] + b["r"], (a["id"], b["id"], distance)


def _assert_labels_inside(graph) -> None:
    x0, y0, width, height = graph["view_box"]
    for node in graph["nodes"]:
        if "label_box" not in node:
            continue
        left, top, right, bottom = node["label_box"]
        assert y0 <= node["label_y"] <= y0 + height, node["id"]
        assert y0 <= top, node["id"]
        assert bottom <= y0 + height, node["id"]
        assert x0 <= left, node["id"]
        assert right <= x0 + width, node["id"]
    for node in graph["nodes"]:
        assert y0 <= node["y"] - node["r"]
        assert node["y"] + node["r"] <= y0 + height


@pytest.mark.parametrize(
    ("organisations", "people", "others"), [(0, 0, 2), (3, 12, 5), (45, 30, 8), (1, 60, 1)]
)
def test_no_two_nodes_touch_and_every_label_is_inside(cast, organisations, people, others):
    graph = _crowded(cast, organisations=organisations, people=people, others=others)
    assert graph["counts"]["shared_networks"] == others + 0
    _assert_no_overlap(graph)
    _assert_labels_inside(graph)


def test_other_networks_sharing_one_organisation_do_not_share_a_spot_or_a_label(cast):
    graph = _crowded(cast, organisations=2, people=0, others=4)
    boxes = [n["label_box"] for n in graph["nodes"] if n["type"] == "other_network"]
    assert len(boxes) == 4
    for a, b in itertools.combinations(boxes, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, (a, b)


def test_the_drawn_svg_keeps_every_text_inside_its_view_box(cast):
    _crowded(cast, organisations=6, people=8, others=3)
    body = cast.client("site_admin").get(f"/networks/{cast.network.slug}/map/").content.decode()
    svg = re.search(r'<svg id="network-map".*?</svg>', body, re.S).group(0)
    root = ET.fromstring(svg)  # noqa: S314 — our own output; well-formed: no HTML inside
    _x0, y0, _width, height = (float(v) for v in root.get("viewBox").split())
    texts = list(root.iter(f"{SVG}text"))
    # The network, its nine organisations (the cast's three and six more), three others.
    assert len(texts) == 1 + 9 + 3
    for text in texts:
        assert not list(text), "one plain <text> per label, nothing inside it"
        y = float(text.get("y")) + float(text.get("dy", 0))
        assert y0 <= y <= y0 + height, text.text
    circles = [
        (float(c.get("cx")), float(c.get("cy")), float(c.get("r")))
        for c in root.iter(f"{SVG}circle")
    ]
    for (ax, ay, ar), (bx, by, br) in itertools.combinations(circles, 2):
        assert math.hypot(ax - bx, ay - by) >= ar + br
