"""manage.py restore FILE: put a backup archive back into an empty installation
(core.backup.restore says what it checks first, and in what order).

    manage.py restore var/backups/khruakhai-backup-20261128T051203Z.tar.gz
    manage.py restore FILE --passphrase-env BACKUP_PASSPHRASE   # the key's passphrase
    manage.py restore FILE --without-private-key                # leave the key out
    manage.py restore FILE --force                              # over existing data

Stop web, worker and beat first: the database is replaced under them.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup.common import PASSPHRASE_ENV, BackupRefused, passphrase_from_env
from core.backup.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty installation: database, media files and the "
        "sealing certificate (and key); refuses over existing data unless --force."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, metavar="FILE")
        parser.add_argument(
            "--passphrase-env",
            default=PASSPHRASE_ENV,
            metavar="VAR",
            help="the environment variable holding the sealing key's passphrase",
        )
        parser.add_argument(
            "--without-private-key",
            action="store_true",
            help="do not restore the archive's sealing key (no passphrase needed)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an installation that already holds data or media files",
        )

    def handle(self, *args, **options) -> None:
        variable = options["passphrase_env"]
        try:
            result = backup_restore(
                archive=options["archive"],
                passphrase=passphrase_from_env(variable),
                passphrase_variable=variable,
                force=options["force"],
                without_private_key=options["without_private_key"],
            )
        except BackupRefused as refused:
            raise CommandError(refused.message) from None
        manifest = result.manifest
        self.stdout.write(
            f"Restored {options['archive']} (taken {manifest['created_at']}, "
            f"{manifest['database']['engine']} database, {result.media_files} media files, "
            f"sealing key {'restored' if result.private_key else 'not restored'})."
        )
        if result.migrated:
            self.stdout.write("The database was migrated to this code's schema.")
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
