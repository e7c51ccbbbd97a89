"""The template a coordinator downloads to fill in."""

from __future__ import annotations

import csv
import io

from django.utils import translation

from network.models import Network

from .columns import EXAMPLE_ORGANISATION, EXAMPLE_PERSON, KINDS


def template_csv(kind: str, *, thai: bool, network: Network | None = None) -> str:
    """The headers in the user's language and one example row (Thai), with coded
    columns written as the pages show them. The example row is left out when the
    file comes back with it still in."""
    example = dict(EXAMPLE_ORGANISATION if kind == "organisations" else EXAMPLE_PERSON)
    if kind == "people" and network is not None and network.lead_organisation_id:
        example["organisation"] = network.lead_organisation.name_th
    columns = KINDS[kind]
    with translation.override("th" if thai else "en"):
        header = [c.label for c in columns]
        cells = [c.show(example.get(c.key, "")) for c in columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerow(cells)
    return out.getvalue()
