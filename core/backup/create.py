"""Write one backup archive: the database, the media folder, the sealing certificate
(and, when asked, the encrypted key), and a manifest describing all of it.

The archive is written under a temporary name and renamed when complete, so a
half-written file never looks like a backup (nor is pruned as one). It holds personal
data and password hashes: it is readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .common import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_DIR,
    PASSPHRASE_ENV,
    SIGNING_DIR,
    BackupRefused,
    archive_name,
    backup_dir,
)
from .database import database_dump, migration_state
from .sealkey import (
    cert_fingerprint,
    key_encrypt,
    passphrase_check,
    signing_pair,
    signing_source,
)

CERT_ENTRY = f"{SIGNING_DIR}/seal-cert.pem"
KEY_ENTRY = f"{SIGNING_DIR}/seal-key.encrypted.json"
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: dict


class _Hashing(io.RawIOBase):
    """A file read through tarfile, hashed and counted on the way."""

    def __init__(self, fh) -> None:
        self._fh = fh
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


class _Writer:
    """Adds entries to the tar stream and records each in the manifest's file list."""

    def __init__(self, tar: tarfile.TarFile, when: dt.datetime) -> None:
        self.tar = tar
        self.mtime = int(when.timestamp())
        self.files: list[dict] = []

    def _info(self, name: str, size: int, mtime: float | None = None) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(mtime if mtime is not None else self.mtime)
        return info

    def add_file(self, path: Path, name: str) -> None:
        with open(path, "rb") as fh:
            stat = os.fstat(fh.fileno())
            reader = _Hashing(fh)
            self.tar.addfile(self._info(name, stat.st_size, stat.st_mtime), reader)
        self.files.append({"path": name, "sha256": reader.digest.hexdigest(), "size": reader.size})

    def add_bytes(self, data: bytes, name: str, *, listed: bool = True) -> None:
        self.tar.addfile(self._info(name, len(data)), io.BytesIO(data))
        if listed:
            digest = hashlib.sha256(data).hexdigest()
            self.files.append({"path": name, "sha256": digest, "size": len(data)})


def _git_commit() -> str | None:
    base = Path(settings.BASE_DIR)
    git = shutil.which("git")
    if not git or not (base / ".git").exists():
        return None
    result = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        [git, "-C", str(base), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return result.stdout.strip() or None if result.returncode == 0 else None


def _media_files(media_root: Path, skip: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT (symbolic links are not followed), sorted;
    nothing under ``skip`` (the backups, should they live inside the media folder)."""
    if not media_root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(media_root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() != skip)
        found += [here / f for f in sorted(files) if (here / f).is_file()]
    return found


def _signing_entries(writer: _Writer, *, with_private_key: bool, passphrase: str) -> dict:
    cert, key = signing_pair()
    entry: dict = {"source": signing_source(), "certificate": None, "private_key": None}
    if cert is not None:
        writer.add_bytes(cert, CERT_ENTRY)
        entry["certificate"] = CERT_ENTRY
        entry["certificate_sha256"] = cert_fingerprint(cert)
    if with_private_key:
        writer.add_bytes(key_encrypt(key, passphrase), KEY_ENTRY)
        entry["private_key"] = KEY_ENTRY
        entry["private_key_encryption"] = "scrypt+fernet (see core/backup/sealkey.py)"
    return entry


def _key_check(*, with_private_key: bool, passphrase: str, variable: str) -> None:
    if not with_private_key:
        return
    passphrase_check(passphrase, variable=variable)
    if signing_pair()[1] is None:
        raise BackupRefused(
            "--with-private-key: there is no sealing key to back up yet (nothing was sealed)."
        )


def _manifest(when: dt.datetime, database: dict, signing: dict, writer: _Writer) -> dict:
    media = [f for f in writer.files if f["path"].startswith(f"{MEDIA_DIR}/")]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "app_version": getattr(settings, "VERSION", ""),
        "git_commit": _git_commit(),
        "database": database,
        "migrations": migration_state(),
        "media_root": str(settings.MEDIA_ROOT),
        "media": {"files": len(media), "bytes": sum(f["size"] for f in media)},
        "signing": signing,
        "files": writer.files,
    }


def _write(
    partial: Path, staging: Path, when: dt.datetime, with_private_key: bool, passphrase: str
) -> dict:
    database = database_dump(directory=staging)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        writer = _Writer(tar, when)
        writer.add_file(staging / database["file"], database["file"])
        media_root = Path(settings.MEDIA_ROOT)
        for path in _media_files(media_root, partial.parent.resolve()):
            writer.add_file(path, f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}")
        signing = _signing_entries(writer, with_private_key=with_private_key, passphrase=passphrase)
        manifest = _manifest(when, database, signing, writer)
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
        writer.add_bytes(data, MANIFEST, listed=False)
    return manifest


def backup_create(
    *,
    output_dir: Path | None = None,
    with_private_key: bool = False,
    passphrase: str = "",
    passphrase_variable: str = PASSPHRASE_ENV,
    now: dt.datetime | None = None,
) -> BackupResult:
    """Write khruakhai-backup-<UTC time>.tar.gz into ``output_dir`` (default:
    backup_dir()) and return where, how big, and its manifest."""
    _key_check(
        with_private_key=with_private_key, passphrase=passphrase, variable=passphrase_variable
    )
    when = now or timezone.now()
    directory = Path(output_dir) if output_dir else backup_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    final = directory / archive_name(when)
    if final.exists():
        raise BackupRefused(f"{final} already exists.")
    partial = directory / f".{final.name}.partial"
    try:
        with tempfile.TemporaryDirectory(dir=directory, prefix=".staging-") as staging:
            manifest = _write(partial, Path(staging), when, with_private_key, passphrase)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=final, size=final.stat().st_size, manifest=manifest)
