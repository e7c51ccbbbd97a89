"""What every part of a backup shares: names, folders, hashes and the refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

from django.conf import settings

from core.errors import ServiceError

ARCHIVE_PREFIX = "khruakhai-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
# khruakhai-backup-20261128T051203Z.tar.gz: the moment it was taken, in UTC.
ARCHIVE_NAME = re.compile(r"^khruakhai-backup-(?P<stamp>\d{8}T\d{6})Z\.tar\.gz$")
STAMP_FORMAT = "%Y%m%dT%H%M%S"

MANIFEST = "manifest.json"
FORMAT = "khruakhai-backup"
FORMAT_VERSION = 1

# Folders inside an archive.
DATABASE_DIR = "database"
MEDIA_DIR = "media"
SIGNING_DIR = "signing"

# The environment variable holding the passphrase of the sealing key's copy.
PASSPHRASE_ENV = "BACKUP_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret

_CHUNK = 1024 * 1024


class BackupRefused(ServiceError):
    """A backup or restore that cannot be done safely; nothing was changed."""

    code = "backup_refused"


def backup_dir() -> Path:
    """Where archives go: settings.BACKUP_DIR, else $BACKUP_DIR, else var/backups."""
    configured = getattr(settings, "BACKUP_DIR", None) or os.environ.get("BACKUP_DIR")
    if configured:
        return Path(configured).expanduser()
    return Path(settings.VAR_DIR) / "backups"


def archive_name(when: dt.datetime) -> str:
    return f"{ARCHIVE_PREFIX}{when.astimezone(dt.UTC).strftime(STAMP_FORMAT)}Z{ARCHIVE_SUFFIX}"


def archive_time(name: str) -> dt.datetime | None:
    """The moment an archive was taken, from its name; None for any other file."""
    match = ARCHIVE_NAME.match(name)
    if not match:
        return None
    return dt.datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=dt.UTC)


def archives_in(directory: Path) -> list[Path]:
    """The archives in ``directory`` (by their name's pattern), newest first."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_file() and archive_time(p.name)]
    return sorted(found, key=lambda p: archive_time(p.name), reverse=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover - the loop always returns


def passphrase_from_env(variable: str = PASSPHRASE_ENV) -> str:
    return os.environ.get(variable, "")
