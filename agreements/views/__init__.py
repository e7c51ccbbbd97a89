"""The agreement's pages, by group (``urls.py`` imports the modules):

- ``pages``: the index, starting the agreement, the reminder policy, a version, its PDF;
- ``drafting``: editing a draft, its duties, resources and parties, sending,
  withdrawing, amending;
- ``signing``: signing and declining, for the named signatories only.

Each view parses input, asks ``agreements.permissions`` for its objects, calls one
service or selector, then redirects or renders (form pages through
``core.responses.render_form``: 422 when what was posted was refused).
"""
