"""Signals the roadmap sends for other apps to answer.

``activity_deleting`` is sent, inside the deleting transaction and before anything is
removed, with ``activity=``. An app that reads the roadmap (reports may; the roadmap
imports nobody) answers with a reason (a short, translated sentence) when the
activity must stay, or None when it does not mind. Any reason refuses the deletion.
Receivers only call a service.
"""

from __future__ import annotations

from django.dispatch import Signal

activity_deleting = Signal()
