"""What backup and restore refuse, each before anything changes (core.backup).

The archives here are real ones (``manage.py backup`` of the test database), then
opened and changed the way damage or a mistake would change them. The database step
of the restore is replaced by a tripwire: none of these may reach it.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.backup import restore as restore_module
from core.backup.common import BackupRefused
from core.backup.create import backup_create
from core.backup.sealkey import key_decrypt, key_encrypt

PASSPHRASE = "a passphrase kept away from the backups"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _key_pair(tmp_path_factory) -> Path:
    """One seal key pair for the module, generated as the app does on first use."""
    from django.test import override_settings

    from core.pdf.seal import seal_certificate

    folder = tmp_path_factory.mktemp("signing")
    with override_settings(PDF_SIGNING_DIR=folder, PDF_SIGNING_KEY="", PDF_SIGNING_CERT=""):
        seal_certificate()
    return folder


@pytest.fixture
def seal_key(settings, tmp_path, _key_pair):
    """The module's key pair, in this test's own signing folder."""
    settings.PDF_SIGNING_DIR = tmp_path / "signing"
    settings.PDF_SIGNING_KEY = settings.PDF_SIGNING_CERT = ""
    shutil.copytree(_key_pair, settings.PDF_SIGNING_DIR)
    return settings.PDF_SIGNING_DIR


@pytest.fixture
def archive(settings, tmp_path, seal_key) -> Path:
    media = Path(settings.MEDIA_ROOT)
    (media / "evidence").mkdir(parents=True)
    (media / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 evidence")
    result = backup_create(
        output_dir=tmp_path / "backups", with_private_key=True, passphrase=PASSPHRASE
    )
    # Restores below go into an empty media folder.
    (media / "evidence" / "a.pdf").unlink()
    return result.path


@pytest.fixture(autouse=True)
def _tripwire(monkeypatch):
    def reached(**kwargs):
        raise AssertionError("the restore reached the database")

    monkeypatch.setattr(restore_module, "database_restore", reached)


def _rewrite(archive: Path, change) -> Path:
    """A copy of ``archive`` whose members pass through ``change(name, data)``; it
    returns the new bytes, or None to drop the member. Added: change.extra."""
    changed = archive.with_name("changed.tar.gz")
    with tarfile.open(archive) as source, tarfile.open(changed, "w:gz") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
        for name, data in getattr(change, "extra", {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return changed


def _restore(path: Path, **options):
    return call_command("restore", str(path), stdout=io.StringIO(), **options)


def test_a_changed_file_is_refused_by_its_sha256(archive, monkeypatch):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)

    def flip(name, data):
        return data.replace(b"evidence", b"evidencE") if name == "media/evidence/a.pdf" else data

    with pytest.raises(CommandError, match=r"differ from the manifest's SHA-256: media/evidence"):
        _restore(_rewrite(archive, flip))


def test_a_file_the_manifest_does_not_list_is_refused(archive, monkeypatch, settings):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)

    def same(name, data):
        return data

    same.extra = {"media/planted.html": b"<script>"}
    with pytest.raises(CommandError, match=r"not listed: media/planted\.html"):
        _restore(_rewrite(archive, same))
    assert not (Path(settings.MEDIA_ROOT) / "planted.html").exists()


def _manifest_change(archive: Path, edit) -> Path:
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    return _rewrite(archive, change)


def test_an_archive_from_newer_code_is_refused_and_migrate_never_runs(archive, monkeypatch):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    migrated = []
    monkeypatch.setattr(restore_module, "call_command", lambda *a, **k: migrated.append(a))

    def future(manifest):
        manifest["migrations"].setdefault("roadmap", []).append("9999_from_the_future")

    with pytest.raises(CommandError, match=r"newer code.*roadmap\.9999_from_the_future"):
        _restore(_manifest_change(archive, future))
    assert migrated == []


def test_another_engine_is_refused(archive, monkeypatch):
    from django.db import connection

    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def engine(manifest):
        manifest["database"]["engine"] = other

    with pytest.raises(CommandError, match=f"holds a {other} database"):
        _restore(_manifest_change(archive, engine))


def test_the_key_needs_its_passphrase(archive, monkeypatch):
    monkeypatch.delenv("BACKUP_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="BACKUP_PASSPHRASE is empty"):
        _restore(archive)
    monkeypatch.setenv("BACKUP_PASSPHRASE", "not the passphrase at all")
    with pytest.raises(CommandError, match="wrong passphrase"):
        _restore(archive)
    # Another variable may hold it.
    monkeypatch.setenv("KK_KEY_PASSPHRASE", "still not the passphrase")
    with pytest.raises(CommandError, match="wrong passphrase"):
        _restore(archive, passphrase_env="KK_KEY_PASSPHRASE")


def test_a_different_certificate_here_is_not_overwritten(archive, monkeypatch, seal_key):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    cert = seal_key / "seal-cert.pem"
    cert.write_bytes(cert.read_bytes().replace(b"-----END", b"\n-----END"))
    with pytest.raises(CommandError, match="different sealing certificate"):
        _restore(archive)


def test_an_installation_with_data_is_refused(archive, monkeypatch):
    from tests.factories import OrganisationFactory

    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    OrganisationFactory()
    with pytest.raises(CommandError, match=r"already holds Khruakhai data \(rows in network_"):
        _restore(archive)


def test_media_files_already_here_are_refused(archive, monkeypatch, settings):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    (Path(settings.MEDIA_ROOT) / "kept.pdf").write_bytes(b"%PDF")
    with pytest.raises(CommandError, match=r"media folder .* already holds files"):
        _restore(archive)


def test_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "khruakhai-backup-20261128T051203Z.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        _restore(junk)
    with pytest.raises(CommandError, match="does not exist"):
        _restore(tmp_path / "missing.tar.gz")


def test_the_private_key_is_backed_up_only_with_a_passphrase(tmp_path, monkeypatch, seal_key):
    monkeypatch.delenv("BACKUP_PASSPHRASE", raising=False)
    with pytest.raises(CommandError, match="BACKUP_PASSPHRASE is empty"):
        call_command("backup", output=tmp_path, with_private_key=True, stdout=io.StringIO())
    monkeypatch.setenv("BACKUP_PASSPHRASE", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("backup", output=tmp_path, with_private_key=True, stdout=io.StringIO())
    assert not list(tmp_path.glob("khruakhai-backup-*"))


def test_without_the_flag_the_key_stays_out(tmp_path, seal_key):
    result = backup_create(output_dir=tmp_path)
    with tarfile.open(result.path) as tar:
        names = tar.getnames()
    assert "signing/seal-cert.pem" in names
    assert not [n for n in names if "key" in n]
    assert result.manifest["signing"]["private_key"] is None
    assert result.path.stat().st_mode & 0o777 == 0o600


def test_the_encrypted_key_opens_with_its_passphrase_only():
    pem = b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"
    blob = key_encrypt(pem, PASSPHRASE)
    assert b"PRIVATE KEY" not in blob
    assert json.loads(blob)["kdf"] == "scrypt"
    assert key_decrypt(blob, PASSPHRASE) == pem
    with pytest.raises(BackupRefused, match="wrong passphrase"):
        key_decrypt(blob, PASSPHRASE + "!")


def test_pg_dump_older_than_the_server_is_refused_with_the_fix(monkeypatch, tmp_path):
    from core.backup import database

    assert database._major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == (15, "15.20")
    assert database._major("pg_restore (PostgreSQL) 16.4") == (16, "16.4")
    monkeypatch.setattr(database, "_binary", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(database, "client_version", lambda binary: (15, "15.20"))
    monkeypatch.setattr(database, "server_version", lambda: (16, "16.4"))
    with pytest.raises(
        BackupRefused,
        match=r"pg_dump is version 15\.20 but the server runs PostgreSQL 16\.4.*"
        r"postgresql-client-16",
    ):
        database._pg_dump(tmp_path)
    assert not list(tmp_path.iterdir())
    # Nor can an older pg_restore read a newer pg_dump's archive.
    with pytest.raises(BackupRefused, match=r"dumped by pg_dump 16\.4.*postgresql-client-16"):
        database._pg_restore_binary({"pg_dump_version": "16.4"})


def _with_member(
    archive: Path, info: tarfile.TarInfo, data: bytes = b"", *, tar_format=tarfile.DEFAULT_FORMAT
) -> Path:
    """A copy of ``archive`` with one more member, as a hand-made archive could hold."""
    changed = archive.with_name("planted.tar.gz")
    with (
        tarfile.open(archive) as source,
        tarfile.open(changed, "w:gz", format=tar_format) as target,
    ):
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member))
        info.size = len(data)
        target.addfile(info, io.BytesIO(data))
    return changed


OUTSIDE = ["../escaped.txt", "media/../../escaped.txt", "/khruakhai-escaped.txt"]


@pytest.mark.parametrize("name", OUTSIDE)
def test_a_name_outside_the_folder_is_refused_and_nothing_is_written(archive, monkeypatch, name):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    planted = _with_member(archive, tarfile.TarInfo(name), b"planted")
    with pytest.raises(CommandError, match=r"names outside its folder"):
        _restore(planted)
    assert not (archive.parent.parent / "escaped.txt").exists()
    assert not Path("/khruakhai-escaped.txt").exists()


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.FIFOTYPE])
def test_links_and_devices_are_refused(archive, monkeypatch, kind):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    info = tarfile.TarInfo("media/evidence/link")
    info.type, info.linkname = kind, "/etc/passwd"
    with pytest.raises(CommandError, match=r"links, devices or sparse files: media/evidence/link"):
        _restore(_with_member(archive, info))


def test_a_sparse_file_is_refused(archive, monkeypatch):
    """A GNU sparse member: a few bytes in the archive that would unpack to gigabytes."""
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    info = tarfile.TarInfo("media/evidence/huge.bin")
    info.type = tarfile.GNUTYPE_SPARSE
    planted = _with_member(archive, info, tar_format=tarfile.GNU_FORMAT)
    with tarfile.open(planted) as check:
        assert check.getmember("media/evidence/huge.bin").isfile()  # why isfile() is not enough
    with pytest.raises(CommandError, match=r"sparse files: media/evidence/huge\.bin"):
        _restore(planted)


def test_a_pax_sparse_member_is_refused(archive, monkeypatch):
    """PAX's sparse headers leave the member a plain file ('0'): only its ``sparse`` map
    tells that 10 bytes in the archive would unpack to 100 MB."""
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    info = tarfile.TarInfo("media/evidence/huge.bin")
    info.pax_headers = {"GNU.sparse.size": "100000000", "GNU.sparse.map": "0,1"}
    planted = _with_member(archive, info, b"x", tar_format=tarfile.PAX_FORMAT)
    with tarfile.open(planted) as check:
        member = check.getmember("media/evidence/huge.bin")
        assert member.type == tarfile.REGTYPE
        assert member.sparse is not None
    with pytest.raises(CommandError, match=r"sparse files: media/evidence/huge\.bin"):
        _restore(planted)


def test_an_archive_larger_than_the_free_space_is_refused_before_writing(
    archive, monkeypatch, tmp_path
):
    staging = tmp_path / "staging"
    staging.mkdir()
    free = shutil.disk_usage(staging)
    monkeypatch.setattr(restore_module.shutil, "disk_usage", lambda path: free._replace(free=10))
    with pytest.raises(BackupRefused, match=r"MB are free beside it"):
        restore_module._extract(archive, staging)
    assert not list(staging.iterdir())


def test_a_name_thousands_of_folders_deep_is_refused_with_a_message(archive, monkeypatch):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    # Under PATH_MAX (4,096 bytes) but deeper than the recursion limit.
    info = tarfile.TarInfo("media/" + "a/" * 1800 + "x")
    planted = _with_member(archive, info, b"deep", tar_format=tarfile.PAX_FORMAT)
    with pytest.raises(CommandError, match="not a readable backup archive"):
        _restore(planted)


def test_a_name_with_a_nul_is_refused_with_a_message(archive, monkeypatch):
    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    info = tarfile.TarInfo("media/x")
    info.pax_headers = {"path": "media/a\x00b"}
    planted = _with_member(archive, info, tar_format=tarfile.PAX_FORMAT)
    with pytest.raises(CommandError, match="not a readable backup archive"):
        _restore(planted)


def test_the_unpacked_files_are_the_archived_bytes(archive, tmp_path):
    """The extraction (our own, not tarfile's 3.11.4 filter) writes each file whole."""
    staging = tmp_path / "staging"
    staging.mkdir()
    restore_module._extract(archive, staging)
    with tarfile.open(archive) as tar:
        files = [m for m in tar.getmembers() if m.isfile()]
        assert files
        for member in files:
            assert (staging / member.name).read_bytes() == tar.extractfile(member).read()
