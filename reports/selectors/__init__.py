"""Every read reports makes, by sub-domain; nothing here writes.

- ``reports``: schedules and progress reports (a schedule to start from, standings,
  the rules about one report's data: ``report_is_writable``, ``report_is_reviewable``),
  and who is told (coordinators, an organisation's representatives).
- ``plan``: the planner of a schedule's periods and the preview of a waiting change.
- ``reminders``: a reminder's words when it leaves, superseded ones, "remind now" state.
- ``roadmap_reads``: steps, activities, progress updates, wins and charts of the roadmap.
- ``agreement_reads``: the signed agreement's reporting words, start and duties.
- ``trend``, ``obstacles``: the network over its periods, the obstacle register.
- ``committee``: what a committee PDF states.
- ``closeout``: what a dissolved network's close-out states, and the close-out page.
- ``calendar``: a person's calendar feed.
- ``pages``: what reports' own pages list (dashboard, reports list, schedule, notices).

Reports may read roadmap and agreements (design.md): their models, querysets, charts
and selectors are imported directly. Code inside reports imports from the submodules;
the names below are re-exported for pages and tests.
"""

from __future__ import annotations

from .agreement_reads import duties_unplanned, duty_activity_initial, duty_get
from .closeout import closeout_document, closeouts_for
from .committee import committee_jobs
from .plan import schedule_preview, shaping_fields
from .reminders import remind_state, remindable
from .reports import (
    report_is_reviewable,
    report_is_writable,
    report_subjects,
    report_url,
    schedule_for,
    standing_labels,
)
from .roadmap_reads import health_chart, progress_updates, roadmap_summary
from .trend import trend_chart, trend_rows

__all__ = [
    "closeout_document",
    "closeouts_for",
    "committee_jobs",
    "duties_unplanned",
    "duty_activity_initial",
    "duty_get",
    "health_chart",
    "progress_updates",
    "remind_state",
    "remindable",
    "report_is_reviewable",
    "report_is_writable",
    "report_subjects",
    "report_url",
    "roadmap_summary",
    "schedule_for",
    "schedule_preview",
    "shaping_fields",
    "standing_labels",
    "trend_chart",
    "trend_rows",
]
