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
