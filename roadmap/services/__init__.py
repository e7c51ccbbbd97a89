"""Every write of the roadmap, by sub-domain. Keyword-only, typed, ``<thing>_<verb>``.

- ``steps``: a network's 8 steps and obstacle register (``roadmap_create``), a step's plan.
- ``obstacles``: scoring a register entry (``obstacle_update``).
- ``activities``: planning, editing and deleting activities, guarded by their version.
- ``progress``: progress updates with their evidence; the blocked notice.
- ``wins``: recording and deleting short-term wins.
- ``health``: health-check rounds and answers.

Every refusal is a ``core.errors.ServiceError`` subclass with a ``code``. Reads live in
``roadmap.selectors``. Code inside the roadmap imports from the submodules; the names
below are re-exported for other apps, tests and benchmarks (``activity_delete_blockers``
is a selector, kept here for the reports tests that ask it beside the services).
"""

from __future__ import annotations

from roadmap.selectors import activity_delete_blockers

from .activities import (
    ActivityConflict,
    ActivityGone,
    ActivityProtected,
    activity_create,
    activity_delete,
    activity_edit,
)
from .health import (
    HealthRoundClosed,
    HealthRoundGone,
    health_answer,
    health_round_delete,
    health_round_open,
)
from .obstacles import ObstacleHalfScored, obstacle_update
from .progress import EvidenceQuotaExceeded, blocked_notice_send, progress_record
from .steps import roadmap_create, step_update
from .wins import WIN_IN_FUTURE, WinInFuture, win_delete, win_record

__all__ = [
    "WIN_IN_FUTURE",
    "ActivityConflict",
    "ActivityGone",
    "ActivityProtected",
    "EvidenceQuotaExceeded",
    "HealthRoundClosed",
    "HealthRoundGone",
    "ObstacleHalfScored",
    "WinInFuture",
    "activity_create",
    "activity_delete",
    "activity_delete_blockers",
    "activity_edit",
    "blocked_notice_send",
    "health_answer",
    "health_round_delete",
    "health_round_open",
    "obstacle_update",
    "progress_record",
    "roadmap_create",
    "step_update",
    "win_delete",
    "win_record",
]
