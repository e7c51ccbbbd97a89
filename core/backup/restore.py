"""Put a backup archive back, into an empty installation.

Everything is checked before anything changes: the archive unpacks into a staging
folder, every file's SHA-256 and size must match the manifest, the database engine
must be this installation's, the archive's migrations must all be known to this code,
the database must hold no Khruakhai data (and the media folder no file), the sealing
certificate must not contend with a different one already here, and the passphrase
must open the key. Only then are the database, the media files and the sealing files
put in place, and ``migrate`` brings an older dump up to this code.
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from core.pdf.seal import CERT_FILE

from .common import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_DIR,
    PASSPHRASE_ENV,
    BackupRefused,
    sha256_file,
)
from .database import (
    database_restore,
    database_restore_check,
    migrations_pending,
    migrations_unknown_to_code,
    tables_with_data,
)
from .sealkey import key_decrypt, passphrase_check, signing_install, signing_source

_SHOWN = 8  # names listed in a refusal before "and N more"


@dataclass
class RestoreResult:
    manifest: dict
    media_files: int = 0
    migrated: bool = False
    private_key: bool = False
    warnings: list[str] = field(default_factory=list)


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")


_PLAIN = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE)


def _outside(root: Path, name: str) -> bool:
    """An absolute name, or one that climbs out of the staging folder (``../x``)."""
    target = (root / name).resolve()
    return Path(name).is_absolute() or not target.is_relative_to(root)


def _extract(archive: Path, staging: Path) -> None:
    """Unpack files and folders only, each inside ``staging``; refuse anything else.

    The checks are our own rather than tarfile's ``filter="data"``: that filter came
    in Python 3.11.4, and the optimised CPython of Debian 12 (3.11.2, the interpreter
    ``make install`` prefers; see docs/performance.md) does not have it. With links
    and devices refused first, a name is all that can point outside the folder.
    """
    root = staging.resolve()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            # Plain files and folders only: not links or devices, and not sparse files
            # (isfile() is true of those, and a few bytes could unpack to gigabytes).
            odd = [m.name for m in members if m.type not in _PLAIN or m.sparse is not None]
            if odd:
                raise BackupRefused(
                    f"{archive.name} holds links, devices or sparse files: {_listing(odd)}."
                )
            outside = [m.name for m in members if _outside(root, m.name)]
            if outside:
                raise BackupRefused(
                    f"{archive.name} holds names outside its folder: {_listing(outside)}."
                )
            # A gzip bomb is refused before it fills the disk (sparse members, which
            # unpack past their stated size, are refused above).
            needed, free = sum(m.size for m in members), shutil.disk_usage(root).free
            if needed > free:
                raise BackupRefused(
                    f"{archive.name} unpacks to {needed / 2**20:,.0f} MB; "
                    f"{free / 2**20:,.0f} MB are free beside it."
                )
            for member in members:
                target = root / member.name
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                with source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, OSError, ValueError, RecursionError) as error:
        # ValueError: a name with a NUL in it (a pax header can hold one). RecursionError:
        # a name of thousands of folders (making them recurses once per folder).
        raise BackupRefused(f"{archive} is not a readable backup archive ({error}).") from None


def _manifest(staging: Path, archive: Path) -> dict:
    try:
        manifest = json.loads((staging / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupRefused(f"{archive.name} has no readable {MANIFEST}.") from None
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"{archive.name} is not a Khruakhai backup.")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupRefused(f"{archive.name} was written by a newer Khruakhai: upgrade first.")
    return manifest


def _integrity_check(staging: Path, manifest: dict) -> None:
    """Every file the manifest lists is there, unchanged, and nothing else is."""
    expected = {entry["path"]: entry for entry in manifest.get("files", [])}
    present = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()} - {
        MANIFEST
    }
    if present != set(expected):
        missing, extra = sorted(set(expected) - present), sorted(present - set(expected))
        raise BackupRefused(
            "The archive does not match its manifest"
            + (f"; missing: {_listing(missing)}" if missing else "")
            + (f"; not listed: {_listing(extra)}" if extra else "")
            + ". Nothing was restored."
        )
    damaged = [
        name
        for name, entry in sorted(expected.items())
        if (staging / name).stat().st_size != entry["size"]
        or sha256_file(staging / name) != entry["sha256"]
    ]
    if damaged:
        raise BackupRefused(
            f"These files differ from the manifest's SHA-256: {_listing(damaged)}. "
            f"The archive is damaged or was changed; nothing was restored."
        )


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _installation_check(manifest: dict, *, force: bool) -> None:
    unknown = migrations_unknown_to_code(manifest.get("migrations", {}))
    if unknown:
        raise BackupRefused(
            f"The archive comes from newer code: its database has migrations this code "
            f"does not have ({_listing(unknown)}). Upgrade the code to that version (or "
            f"newer) first, then restore; nothing was changed."
        )
    if force:
        return
    full = tables_with_data()
    if full:
        raise BackupRefused(
            f"This installation already holds Khruakhai data (rows in {_listing(full)}). "
            f"A restore replaces the whole database: restore into an empty installation, "
            f"or pass --force to overwrite this one. Nothing was changed."
        )
    media = _media_root()
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        raise BackupRefused(
            f"The media folder {media} already holds files. Restore into an empty "
            f"installation, or pass --force to write over it. Nothing was changed."
        )


def _cert_check(staging: Path, manifest: dict, *, force: bool) -> bytes | None:
    entry = (manifest.get("signing") or {}).get("certificate")
    if not entry:
        return None
    cert = (staging / entry).read_bytes()
    here = Path(settings.PDF_SIGNING_DIR) / CERT_FILE
    if (
        not force
        and signing_source() == "directory"
        and here.is_file()
        and here.read_bytes() != cert
    ):
        raise BackupRefused(
            f"{here} holds a different sealing certificate than the archive's. Move it "
            f"away (it may have sealed documents of its own), or pass --force. Nothing "
            f"was changed."
        )
    return cert


def _key_open(
    staging: Path, manifest: dict, cert: bytes | None, passphrase: str, variable: str
) -> bytes:
    entry = (manifest.get("signing") or {})["private_key"]
    if not passphrase:
        raise BackupRefused(
            f"The archive holds the sealing key, encrypted, and {variable} is empty: set it to "
            f"the key's passphrase, or pass --without-private-key to restore without the key. "
            f"Nothing was changed."
        )
    passphrase_check(passphrase, variable=variable)
    pem = key_decrypt((staging / entry).read_bytes(), passphrase)
    key = serialization.load_pem_private_key(pem, password=None)
    if cert is not None:
        public = x509.load_pem_x509_certificate(cert).public_key()
        raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        if public.public_bytes(*raw) != key.public_key().public_bytes(*raw):
            raise BackupRefused("The archive's private key does not belong to its certificate.")
    return pem


def _media_install(staging: Path) -> int:
    source = staging / MEDIA_DIR
    if not source.is_dir():
        return 0
    media = _media_root()
    count = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = media / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        os.chmod(target, 0o644)
        count += 1
    return count


def _migrate() -> bool:
    # Content type ids come from the restored database, not from this process's cache.
    ContentType.objects.clear_cache()
    migrated = migrations_pending()
    if migrated:
        call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    return migrated


def backup_restore(
    *,
    archive: Path,
    passphrase: str = "",
    passphrase_variable: str = PASSPHRASE_ENV,
    force: bool = False,
    without_private_key: bool = False,
) -> RestoreResult:
    """Restore ``archive`` into this installation (see the module's docstring)."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupRefused(f"{archive} does not exist.")
    parent = _media_root().parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent, prefix=".khruakhai-restore-") as folder:
        staging = Path(folder)
        _extract(archive, staging)
        manifest = _manifest(staging, archive)
        _integrity_check(staging, manifest)
        database_restore_check(info=manifest["database"])
        _installation_check(manifest, force=force)
        cert = _cert_check(staging, manifest, force=force)
        key = None
        if (manifest.get("signing") or {}).get("private_key") and not without_private_key:
            key = _key_open(staging, manifest, cert, passphrase, passphrase_variable)
        # Checked: from here on, the installation changes.
        database_restore(directory=staging, info=manifest["database"])
        result = RestoreResult(manifest=manifest, private_key=key is not None)
        result.media_files = _media_install(staging)
        result.warnings += signing_install(cert=cert, key=key)
        result.migrated = _migrate()
    return result
