"""The network app's pages, by group; ``network/urls.py`` imports the modules.

- ``networks``: my networks, founding, a network's page, its facts, charter,
  dissolution and reopening, and its map.
- ``people``: the people page, members, people and roles.
- ``invitations``: a network's invitations and the public page of the link.
- ``importing``: the directory import (upload, preview, confirm, template).
- ``directory``: the organisations and people directory, its export, an
  organisation's page and profile.
- ``join_requests``: requests to join, answered by the organisation, withdrawn by
  the network.

Each view parses input, asks ``network.permissions`` for the objects (every
decision about who may do what lives there), calls one service or selector, and
redirects or renders; form pages render through ``core.responses.render_form``, so a
refused POST answers 422.
"""

from __future__ import annotations

from django.urls import reverse

_ID = 2147483647


def id_url(name: str, *args) -> tuple[str, str]:
    """(before, after) the object's id in the URL named ``name``, reversed once for a
    list: ``before + str(pk) + after`` is ``reverse(name, args=[*args, pk])`` without
    resolving the pattern again for every row."""
    before, after = reverse(name, args=[*args, _ID]).split(str(_ID))
    return before, after
