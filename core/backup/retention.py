"""Which archives to keep, and when the compose service's next backup is due.

Retention keeps the newest archive of each of the last ``keep_daily`` days that have
one, and the newest of each of the last ``keep_weekly`` ISO weeks that have one (days
and weeks in settings.TIME_ZONE); everything else matching the archive name is
deleted. Other files in the folder are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path

from django.utils import timezone

from .common import BackupRefused, archive_time, archives_in

# A backup that failed is tried again this much later (but never after the next
# scheduled one).
RETRY_AFTER = dt.timedelta(hours=1)
# A newer archive than this makes a starting service wait for its schedule.
CATCH_UP_AFTER = dt.timedelta(hours=24)


def _newest_per_period(
    times: list[dt.datetime], count: int, period: Callable[[dt.datetime], Hashable]
) -> set[dt.datetime]:
    kept: set[dt.datetime] = set()
    seen: list[Hashable] = []
    for moment in sorted(times, reverse=True):
        key = period(timezone.localtime(moment))
        if key in seen:
            continue
        if len(seen) >= count:
            break
        seen.append(key)
        kept.add(moment)
    return kept


def archives_to_keep(
    times: Iterable[dt.datetime], *, keep_daily: int, keep_weekly: int
) -> set[dt.datetime]:
    """The moments (of archives) to keep under the daily and weekly policy."""
    if keep_daily < 0 or keep_weekly < 0 or keep_daily + keep_weekly == 0:
        raise BackupRefused("Keep at least one daily or one weekly backup.")
    times = list(times)
    return _newest_per_period(times, keep_daily, lambda t: t.date()) | _newest_per_period(
        times, keep_weekly, lambda t: t.isocalendar()[:2]
    )


def backups_prune(*, directory: Path, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Delete the archives in ``directory`` the policy does not keep; returns them."""
    archives = archives_in(directory)
    kept = archives_to_keep(
        (archive_time(p.name) for p in archives), keep_daily=keep_daily, keep_weekly=keep_weekly
    )
    deleted = [p for p in archives if archive_time(p.name) not in kept]
    for path in deleted:
        path.unlink(missing_ok=True)
    return deleted


def newest_archive_time(directory: Path) -> dt.datetime | None:
    archives = archives_in(directory)
    return archive_time(archives[0].name) if archives else None


def next_daily_run(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The next moment after ``now`` whose local time (settings.TIME_ZONE) is ``at``."""
    local = timezone.localtime(now)
    zone = local.tzinfo
    candidate = dt.datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate = dt.datetime.combine(local.date() + dt.timedelta(days=1), at, tzinfo=zone)
    return candidate


def backup_next_run(
    *,
    now: dt.datetime,
    at: dt.time,
    newest: dt.datetime | None,
    failed_at: dt.datetime | None = None,
) -> dt.datetime:
    """When the scheduled service backs up next: now when the newest archive is a day
    old or missing (a container that slept through its time catches up), an hour after
    a failure, else at the next ``at``."""
    scheduled = next_daily_run(now, at)
    if failed_at is not None:
        return min(failed_at + RETRY_AFTER, scheduled)
    if newest is None or now - newest >= CATCH_UP_AFTER:
        return now
    return scheduled
