"""Roadmap pages, by page group. Each view parses input, asks ``roadmap.permissions`` for
what it acts on, calls one service (or selector), then redirects or renders.

- ``overview``: the roadmap's overview, its steps, and My tasks.
- ``activities``: planning, editing and deleting an activity.
- ``progress``: an activity's page, its progress panel and evidence downloads.
- ``wins``: the wins page, recording and deleting a win.
- ``obstacles``: the obstacle register.
- ``health``: the health check, its rounds and answers.
"""
