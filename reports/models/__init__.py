"""Reporting schedules, periods, progress reports, the reminder dispatch table and notices.

What is due lives here, in the database: the beat sweep reads these tables, the
unique constraint on ``Reminder`` makes each reminder exist once, and a worker
claims a row before any email leaves. Redis only carries "look at row N".

Split by what the tables are for: ``reporting`` (schedules, periods, reports, committee
PDFs) and ``dispatch`` (reminders, digests, notices, preferences, calendar addresses).
Migrations name ``reports.models._default_before`` and the like: they stay importable here.
"""

from __future__ import annotations

from .dispatch import (
    REMINDER_UNIQUE,
    CalendarToken,
    DigestDispatch,
    Notification,
    Reminder,
    ReminderPreference,
    _new_token,
)
from .reporting import (
    CommitteeReport,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
    ReportNarrative,
    _default_after,
    _default_before,
    localized_name,
)

__all__ = [
    "REMINDER_UNIQUE",
    "CalendarToken",
    "CommitteeReport",
    "DigestDispatch",
    "Notification",
    "ProgressReport",
    "Reminder",
    "ReminderPreference",
    "ReportNarrative",
    "ReportingPeriod",
    "ReportingSchedule",
    "_default_after",
    "_default_before",
    "_new_token",
    "localized_name",
]
