"""Which backup archives are kept (7 daily + 4 weekly by default) and when the compose
service backs up next (core.backup.retention). No database."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.backup.common import BackupRefused, archive_name, archive_time
from core.backup.retention import (
    archives_to_keep,
    backup_next_run,
    backups_prune,
    next_daily_run,
)

BANGKOK = ZoneInfo("Asia/Bangkok")
UTC = dt.UTC


def bkk(y, m, d, hh=2, mm=30) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=BANGKOK)


def test_the_archive_name_carries_its_moment_in_utc():
    moment = bkk(2026, 11, 28, 12, 12)
    name = archive_name(moment)
    assert name == "khruakhai-backup-20261128T051200Z.tar.gz"
    assert archive_time(name) == moment
    for other in ("notes.txt", ".khruakhai-backup-20261128T051200Z.tar.gz.partial"):
        assert archive_time(other) is None


def test_seven_daily_and_four_weekly_are_kept():
    # Forty nights of backups at 02:30 Bangkok time (Saturday 28 Nov 2026 the last),
    # and a second one on the last day (a manual backup at noon).
    nights = [bkk(2026, 11, 28) - dt.timedelta(days=n) for n in range(40)]
    manual = bkk(2026, 11, 28, 12, 0)
    kept = archives_to_keep([*nights, manual], keep_daily=7, keep_weekly=4)
    # Daily: the newest of each of the last 7 days (on the last day, the manual one).
    daily = {manual, *(bkk(2026, 11, d) for d in range(22, 28))}
    # Weekly: the newest of each of the last 4 ISO weeks (Monday to Sunday); weeks
    # 48 (23-28 Nov, the manual one) and 47 (its Sunday, 22 Nov) are already daily.
    weekly = {manual, bkk(2026, 11, 22), bkk(2026, 11, 15), bkk(2026, 11, 8)}
    assert kept == daily | weekly
    assert len(kept) == 9


def test_weekly_counts_weeks_that_have_a_backup():
    # A machine that was off for a month: the last 4 weeks *with* backups are kept.
    times = [bkk(2026, 9, 1), bkk(2026, 9, 9), bkk(2026, 10, 20), bkk(2026, 11, 28)]
    assert archives_to_keep(times, keep_daily=0, keep_weekly=4) == set(times)
    assert archives_to_keep(times, keep_daily=1, keep_weekly=0) == {bkk(2026, 11, 28)}


def test_days_are_bangkok_days():
    # 23:30 UTC on the 27th is 06:30 on the 28th in Bangkok: the same day as 02:30.
    early = dt.datetime(2026, 11, 27, 19, 30, tzinfo=UTC)  # 02:30 on the 28th
    late = dt.datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # 06:30 on the 28th
    assert archives_to_keep([early, late], keep_daily=1, keep_weekly=0) == {late}


def test_keeping_nothing_is_refused():
    with pytest.raises(BackupRefused):
        archives_to_keep([bkk(2026, 11, 28)], keep_daily=0, keep_weekly=0)
    with pytest.raises(BackupRefused):
        archives_to_keep([bkk(2026, 11, 28)], keep_daily=-1, keep_weekly=4)


def test_prune_deletes_only_archives_the_policy_drops(tmp_path):
    nights = [bkk(2026, 11, 28) - dt.timedelta(days=n) for n in range(10)]
    for moment in nights:
        (tmp_path / archive_name(moment)).write_bytes(b"x")
    others = ["notes.txt", ".khruakhai-backup-20261128T051200Z.tar.gz.partial", "db.sqlite3"]
    for name in others:
        (tmp_path / name).write_bytes(b"keep me")
    deleted = backups_prune(directory=tmp_path, keep_daily=3, keep_weekly=2)
    # Daily: the 28th, 27th and 26th; weekly: the 28th (week 23-29 Nov) and the 22nd
    # (week 16-22 Nov).
    kept = {archive_name(bkk(2026, 11, d)) for d in (28, 27, 26, 22)}
    assert sorted(p.name for p in deleted) == sorted(
        archive_name(m) for m in nights if archive_name(m) not in kept
    )
    assert len(deleted) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept | set(others))


def test_the_command_prunes_after_its_backup(tmp_path, monkeypatch):
    # The command's own pruning options, without a backup: its backup step is stubbed.
    from core.management.commands import backup as command

    old = [bkk(2026, 10, d) for d in range(1, 21)]
    for moment in old:
        (tmp_path / archive_name(moment)).write_bytes(b"x")

    class Result:
        path = tmp_path / archive_name(bkk(2026, 11, 28))
        size = 1
        manifest = {
            "database": {"engine": "sqlite"},
            "media": {"files": 0},
            "signing": {"private_key": None},
        }

    def fake_backup(**kwargs):
        Result.path.write_bytes(b"x")
        return Result

    monkeypatch.setattr(command, "backup_create", fake_backup)
    out = io.StringIO()
    call_command("backup", output=tmp_path, prune=True, keep_daily=2, keep_weekly=1, stdout=out)
    left = sorted(archive_time(p.name) for p in tmp_path.iterdir())
    assert left == [bkk(2026, 10, 20), bkk(2026, 11, 28)]
    assert out.getvalue().count("pruned ") == 19


def test_next_daily_run_is_the_next_local_time():
    at = dt.time(2, 30)
    assert next_daily_run(bkk(2026, 11, 28, 1, 0), at) == bkk(2026, 11, 28, 2, 30)
    assert next_daily_run(bkk(2026, 11, 28, 2, 30), at) == bkk(2026, 11, 29, 2, 30)
    assert next_daily_run(bkk(2026, 12, 31, 23, 0), at) == bkk(2027, 1, 1, 2, 30)


def test_the_service_catches_up_then_keeps_its_time_and_retries_failures():
    at = dt.time(2, 30)
    now = bkk(2026, 11, 28, 10, 0)
    # Never backed up, or the newest is a day old: at once.
    assert backup_next_run(now=now, at=at, newest=None) == now
    assert backup_next_run(now=now, at=at, newest=now - dt.timedelta(hours=25)) == now
    # Backed up last night: tonight.
    last_night = bkk(2026, 11, 28, 2, 30)
    assert backup_next_run(now=now, at=at, newest=last_night) == bkk(2026, 11, 29, 2, 30)
    # A failure is tried again an hour later, never later than the schedule.
    failed = bkk(2026, 11, 28, 2, 30)
    assert backup_next_run(now=failed, at=at, newest=None, failed_at=failed) == bkk(
        2026, 11, 28, 3, 30
    )
    before_time = bkk(2026, 11, 29, 2, 0)
    assert backup_next_run(now=before_time, at=at, newest=None, failed_at=before_time) == bkk(
        2026, 11, 29, 2, 30
    )


def test_the_healthcheck_reads_the_newest_archive(tmp_path):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("backup", output=tmp_path, check_newest=26, stdout=out)
    assert exit_info.value.code == 1
    assert "no backup" in out.getvalue()
    (tmp_path / archive_name(dt.datetime.now(UTC) - dt.timedelta(hours=30))).write_bytes(b"x")
    with pytest.raises(SystemExit):
        call_command("backup", output=tmp_path, check_newest=26, stdout=io.StringIO())
    (tmp_path / archive_name(dt.datetime.now(UTC) - dt.timedelta(hours=2))).write_bytes(b"x")
    call_command("backup", output=tmp_path, check_newest=26, stdout=io.StringIO())


def test_a_bad_time_is_refused():
    with pytest.raises(CommandError, match="02:30"):
        call_command("backup", "--daily-at", "half past two", stdout=io.StringIO())
