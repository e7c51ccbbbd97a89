"""manage.py backup: write one dated archive of this installation (core.backup).

manage.py backup                                  # into var/backups (or $BACKUP_DIR)
manage.py backup --output /mnt/usb                # elsewhere
manage.py backup --with-private-key               # plus the sealing key, encrypted
                                                  # with $BACKUP_PASSPHRASE
manage.py backup --prune --keep-daily 7 --keep-weekly 4
manage.py backup --daily-at 02:30 --prune ...     # the compose service: runs forever
manage.py backup --check-newest 26                # exit 1 if the newest is older (health)
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import subprocess
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.utils import timezone

from core.backup.common import PASSPHRASE_ENV, BackupRefused, backup_dir, human_size
from core.backup.common import passphrase_from_env as _passphrase
from core.backup.create import backup_create
from core.backup.retention import backup_next_run, backups_prune, newest_archive_time

log = logging.getLogger(__name__)


def _clock(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a time such as 02:30, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Write one dated backup archive (database, media, sealing certificate; the key with "
        "--with-private-key) and print its path and size."
    )
    # A healthcheck runs this every hour: no system checks, no database unless backing up.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output", type=Path, help="folder (default: $BACKUP_DIR or var/backups)"
        )
        parser.add_argument(
            "--with-private-key",
            action="store_true",
            help="include the PDF sealing key, encrypted with the passphrase in --passphrase-env",
        )
        parser.add_argument("--passphrase-env", default=PASSPHRASE_ENV, metavar="VAR")
        parser.add_argument("--prune", action="store_true", help="then delete old archives")
        parser.add_argument("--keep-daily", type=int, default=7, metavar="N")
        parser.add_argument("--keep-weekly", type=int, default=4, metavar="N")
        parser.add_argument(
            "--daily-at",
            type=_clock,
            metavar="HH:MM",
            help="run forever, backing up every day at this local time",
        )
        parser.add_argument(
            "--check-newest",
            type=float,
            metavar="HOURS",
            help="exit 1 unless the newest archive is younger than this (a healthcheck)",
        )

    def handle(self, *args, **options) -> None:
        try:
            if options["check_newest"] is not None:
                self._check(options)
            elif options["daily_at"] is not None:
                self._daily(options)
            else:
                self._once(options)
        except BackupRefused as refused:
            raise CommandError(refused.message) from None

    def _directory(self, options) -> Path:
        return options["output"] or backup_dir()

    def _once(self, options) -> None:
        result = backup_create(
            output_dir=options["output"],
            with_private_key=options["with_private_key"],
            passphrase=_passphrase(options["passphrase_env"]),
            passphrase_variable=options["passphrase_env"],
        )
        manifest = result.manifest
        key = "included, encrypted" if manifest["signing"]["private_key"] else "not included"
        self.stdout.write(
            f"{result.path} ({human_size(result.size)}; {manifest['database']['engine']} "
            f"database, {manifest['media']['files']} media files, sealing key {key})"
        )
        if options["prune"]:
            deleted = backups_prune(
                directory=self._directory(options),
                keep_daily=options["keep_daily"],
                keep_weekly=options["keep_weekly"],
            )
            for path in deleted:
                self.stdout.write(f"pruned {path.name}")

    def _check(self, options) -> None:
        newest = newest_archive_time(self._directory(options))
        limit = dt.timedelta(hours=options["check_newest"])
        if newest is None:
            self.stdout.write(f"no backup in {self._directory(options)}")
            raise SystemExit(1)
        age = timezone.now() - newest
        self.stdout.write(f"newest backup {newest:%Y-%m-%d %H:%M} UTC, {age} ago")
        if age > limit:
            raise SystemExit(1)

    def _daily(self, options) -> None:
        at, failed_at = options["daily_at"], None
        self.stdout.write(f"Backing up every day at {at:%H:%M} into {self._directory(options)}")
        while True:
            now = timezone.now()
            due = backup_next_run(
                now=now,
                at=at,
                newest=newest_archive_time(self._directory(options)),
                failed_at=failed_at,
            )
            if due > now:
                time.sleep(min((due - now).total_seconds(), 3600))
                continue
            try:
                self._once(options)
                failed_at = None
            except (BackupRefused, OSError, DatabaseError, subprocess.SubprocessError) as error:
                # Said in the log and tried again later; the loop must not die of it.
                log.error("backup failed: %s", error)
                failed_at = timezone.now()
            finally:
                connections.close_all()
