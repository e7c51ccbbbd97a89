"""Backups that restore (issue 18): a populated installation is backed up, restored into
a fresh database and media folder by ``manage.py restore`` in its own process, and then
answers exactly as before: every page, every evidence download byte for byte, and every
sealed PDF on the public verify page.

It runs on the suite's database: PostgreSQL when DATABASE_URL is set (the fresh
database is created from the same template as the test database; the dump is pg_dump's),
SQLite otherwise (a new file; the online backup API). The backup is taken in this
process, from the test database; the restore and the check after it run as real
commands in processes of their own, with the fresh installation's environment, as an
operator would run them. It ends with what a restore refuses (an installation with
data: in this process, nothing changed) and what ``--force`` does with an archive from
older code: replaces the database and migrates it up.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from PIL import Image

from agreements.models import AgreementVersion
from core.models import SealedDocument
from reports.models import ProgressReport
from roadmap.models import Evidence
from tests.agreements.factories import draft_for
from tests.factories import PASSWORD
from tests.reports.factories import PeriodFactory, ScheduleFactory
from tests.roadmap.factories import MINIMAL_PDF, ActivityFactory

from . import backup_probe

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "a passphrase kept away from the backups"
TIMEOUT = 180


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- a populated installation -------------------------------------------------------


def _agreement_signed(cast) -> AgreementVersion:
    """Sent and signed by every party through the pages; the last signature renders
    and seals the Thai and English PDFs (Celery runs eagerly here)."""
    version = draft_for(cast)
    base = f"/networks/{cast.network.slug}/agreement/v{version.number}/"
    assert cast.client("coordinator").post(f"{base}send/").status_code == 302
    for who in ("coordinator", "partner"):
        user = cast.user(who)
        response = cast.client(who).post(
            f"{base}sign/",
            {"password": PASSWORD, "typed_name": user.person.full_name, "confirm": "on"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert version.status == AgreementVersion.Status.SIGNED
    assert version.sealed_document.file
    assert version.sealed_document_en.file
    return version


def _evidence(cast) -> list[Evidence]:
    activity = ActivityFactory(network=cast.network, owners=[cast.partner_org])
    response = cast.client("partner").post(
        f"/networks/{cast.network.slug}/roadmap/activities/{activity.pk}/progress/",
        {
            "percent": 40,
            "status": "in_progress",
            "narrative": "อบรมครูแล้ว 2 รุ่น แนบรายงานและภาพ",
            "version": activity.version,
            "files": [
                SimpleUploadedFile("รายงานการอบรม.pdf", MINIMAL_PDF, "application/pdf"),
                SimpleUploadedFile("ภาพกิจกรรม.png", _png(), "image/png"),
            ],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    evidence = list(Evidence.objects.filter(update__activity=activity).order_by("pk"))
    assert len(evidence) == 2
    return evidence


def _reports(cast) -> ProgressReport:
    ScheduleFactory(network=cast.network)
    period = PeriodFactory(network=cast.network)
    for membership in cast.network.memberships.filter(left_on__isnull=True):
        ProgressReport.objects.create(period=period, organisation=membership.organisation)
    report = ProgressReport.objects.get(period=period, organisation=cast.partner_org)
    response = cast.client("partner").post(
        f"/networks/{cast.network.slug}/reports/{report.pk}/",
        {
            "problems": "งบประมาณมาช้า",
            "help_needed": "วิทยากรด้านการอ่าน",
            "action": "submit",
            "confirm_submit": "on",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    return report


def _plan(cast, version, evidence, report) -> dict:
    slug = cast.network.slug
    coordinator, partner, chair = (cast.user(w).email for w in ("coordinator", "partner", "chair"))
    network = f"/networks/{slug}/"
    agreement = f"{network}agreement/v{version.number}/"
    activity = evidence[0].update.activity
    everything = (
        "/networks/",
        network,
        f"{network}people/",
        f"{network}agreement/",
        agreement,
        f"{network}roadmap/",
        f"{network}roadmap/activities/{activity.pk}/",
        f"{network}reports/",
        f"{network}reports/{report.pk}/",
        f"{network}dashboard/",
        "/my/tasks/",
        "/notifications/",
    )
    pages = [(coordinator, url) for url in everything]
    pages += [(partner, url) for url in (agreement, f"{network}reports/{report.pk}/", "/my/tasks/")]
    pages.append((partner, f"{network}dashboard/"))  # refused: the same 403 after
    th, en = version.sealed_document, version.sealed_document_en
    pages += [(None, f"/verify/{th.code}/"), (None, f"/verify/{en.code}/")]
    downloads = [(chair, f"{network}roadmap/evidence/{e.pk}/") for e in evidence]
    downloads += [(partner, f"{agreement}pdf/"), (partner, f"{agreement}pdf/?lang=en")]
    verify = [
        (partner, f"{agreement}pdf/", th.code),
        # The English copy on the Thai document's page: the same record's sibling.
        (partner, f"{agreement}pdf/?lang=en", th.code),
    ]
    return {"pages": pages, "downloads": downloads, "verify": verify}


# --- a fresh installation to restore into -------------------------------------------


def _database_url(settings_dict: dict, name: str) -> str:
    from urllib.parse import quote

    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{name}"


class _Postgres:
    """A new, empty database on the test database's server, from its template."""

    def __init__(self) -> None:
        import psycopg

        self.settings = connection.settings_dict
        self.name = f"kk_restore_{uuid.uuid4().hex[:12]}"
        self._connect = lambda: psycopg.connect(
            host=self.settings.get("HOST") or None,
            port=self.settings.get("PORT") or None,
            user=self.settings.get("USER") or None,
            password=self.settings.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )
        template = (self.settings.get("TEST") or {}).get("TEMPLATE")
        clause = f' TEMPLATE "{template}"' if template else ""
        with self._connect() as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"{clause}')
        self.url = _database_url(self.settings, self.name)

    def drop(self) -> None:
        with self._connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def target(tmp_path):
    """The environment of a fresh installation: an empty database (none of its tables
    exist yet), an empty var folder and media folder, and the passphrase."""
    var = tmp_path / "restored-var"
    postgres = _Postgres() if connection.vendor == "postgresql" else None
    url = postgres.url if postgres else f"sqlite:///{var / 'db.sqlite3'}"
    drop = {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "PDF_SIGNING_KEY", "PDF_SIGNING_CERT"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DATABASE_URL": url,
            "KHRUAKHAI_VAR_DIR": str(var),
            "DEBUG": "true",
            "BACKUP_PASSPHRASE": PASSPHRASE,
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    yield env
    if postgres:
        postgres.drop()


def _rows(env: dict, sql: str) -> set[tuple]:
    """Rows of the fresh installation's database, read directly."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            return {tuple(row) for row in db.execute(sql)}
    import psycopg

    with psycopg.connect(url) as db:
        return {tuple(row) for row in db.execute(sql)}


def _session_keys(env: dict) -> set[str]:
    return {key for (key,) in _rows(env, "SELECT session_key FROM django_session")}


def _applied(env: dict) -> set[tuple]:
    return _rows(env, "SELECT app, name FROM django_migrations")


def _run(env: dict, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _probe(env: dict, plan: dict, tmp_path: Path) -> dict:
    plan_path, out = tmp_path / "plan.json", tmp_path / f"probe-{uuid.uuid4().hex}.json"
    plan_path.write_text(json.dumps(plan))
    result = _run(env, "-m", "tests.core.backup_probe", str(plan_path), str(out))
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(out.read_text())


def _same(before: dict, after: dict) -> None:
    """Equal, or a readable account of the first difference."""
    for section in ("pages", "files", "verify"):
        assert before[section].keys() == after[section].keys(), section
        for key, was in before[section].items():
            now = after[section][key]
            if was == now:
                continue
            if "content" in was and was["content"] != now["content"]:
                diff = difflib.unified_diff(
                    was["content"].splitlines(),
                    now["content"].splitlines(),
                    "before",
                    "after",
                    lineterm="",
                    n=2,
                )
                pytest.fail(f"{section} {key} changed:\n" + "\n".join(list(diff)[:80]))
            assert now == was, f"{section} {key}"
    assert after["certificate_sha256"] == before["certificate_sha256"]


# --- an archive from older code ------------------------------------------------------


def _code_migrations() -> dict[str, list[str]]:
    from core.backup.database import migration_state

    return migration_state()


def _older_archive(folder: Path) -> tuple[Path, set[str]]:
    """A backup of the test database as older code would have left it: the record of
    one migration (one that changes no SQL) missing. Returns it and its sessions."""
    from django.db.migrations.recorder import MigrationRecorder

    app_label, name = _no_sql_leaf()
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied(app_label, name)
    try:
        call_command("backup", output=folder, stdout=io.StringIO())
        [archive] = folder.glob("khruakhai-backup-*.tar.gz")
    finally:
        recorder.record_applied(app_label, name)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert name not in manifest["migrations"][app_label]
    return archive, set(Session.objects.values_list("session_key", flat=True))


def _no_sql_leaf() -> tuple[str, str]:
    """The newest migration of a project app that changes no SQL (options, verbose
    names): deleting its record makes a database look one migration older without
    changing its tables."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    for app_label, name in sorted(executor.loader.graph.leaf_nodes()):
        if app_label not in {"core", "network", "agreements", "roadmap", "reports", "accounts"}:
            continue
        migration = executor.loader.graph.nodes[(app_label, name)]
        statements = executor.loader.collect_sql([(migration, False)])
        if not [s for s in statements if s.strip() and not s.lstrip().startswith("--")]:
            return app_label, name
    pytest.skip("no project migration without SQL to play an older archive with")


# --- the proof ----------------------------------------------------------------------


def test_a_backup_restores_into_a_fresh_installation_and_answers_as_before(
    cast, settings, tmp_path, target, monkeypatch
):
    settings.PDF_SIGNING_DIR = tmp_path / "signing"  # a seal key of this test's own
    settings.PDF_SIGNING_KEY = settings.PDF_SIGNING_CERT = ""
    version = _agreement_signed(cast)
    evidence = _evidence(cast)
    report = _reports(cast)
    plan = _plan(cast, version, evidence, report)

    monkeypatch.setenv("BACKUP_PASSPHRASE", PASSPHRASE)
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", with_private_key=True, stdout=out)
    [archive] = (tmp_path / "backups").glob("khruakhai-backup-*.tar.gz")
    assert str(archive) in out.getvalue()
    sessions = set(Session.objects.values_list("session_key", flat=True))
    before = backup_probe.record(plan)

    # What the installation holds, known independently of the pages.
    for item in evidence:
        served = before["files"][f"/networks/{cast.network.slug}/roadmap/evidence/{item.pk}/"]
        assert served["status"] == 200
        assert served["sha256"] == item.sha256
    sealed = {d.code: d.sha256 for d in SealedDocument.objects.exclude(sha256="")}
    assert set(sealed) == {version.sealed_document.code, version.sealed_document_en.code}
    for key, answer in before["verify"].items():
        assert answer["status"] == 200, key
        assert answer["identical"], key
        assert answer["seal_intact"], key
        assert answer["seal_checked"], key
        assert answer["matched"] in sealed
    # Every page answers the coordinator; the partner is refused the dashboard (403),
    # an answer that must come back the same too.
    statuses = {key: page["status"] for key, page in before["pages"].items()}
    refused = {k: v for k, v in statuses.items() if v != 200}
    assert refused == {f"{cast.partner.email} /networks/{cast.network.slug}/dashboard/": 403}

    # Over an installation that holds data, restore refuses and changes nothing.
    media = sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    with pytest.raises(CommandError, match=r"already holds Khruakhai data.*--force"):
        call_command("restore", str(archive))
    assert sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == media
    assert set(Session.objects.values_list("session_key", flat=True)) >= sessions
    assert SealedDocument.objects.count() == len(sealed)

    # Restored by the real command into the fresh installation, then asked again.
    restored = _run(target, "manage.py", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr[-4000:]
    assert "sealing key restored" in restored.stdout
    after = _probe(target, plan, tmp_path)
    _same(before, after)
    signing = Path(target["KHRUAKHAI_VAR_DIR"]) / "signing"
    key = signing / "seal-key.pem"
    assert key.read_bytes() == (settings.PDF_SIGNING_DIR / "seal-key.pem").read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600

    # Browsing there logged people in. An archive from older code (a migration behind
    # this one), forced over that installation: it replaces the whole database
    # (PostgreSQL: over existing tables), so those sessions are gone, and restore
    # migrates it up to this code.
    assert _session_keys(target) > sessions
    older, older_sessions = _older_archive(tmp_path / "older")
    forced = _run(target, "manage.py", "restore", str(older), "--force")
    assert forced.returncode == 0, forced.stderr[-4000:]
    assert "migrated to this code's schema" in forced.stdout
    assert _session_keys(target) == older_sessions
    assert _applied(target) >= {(a, n) for a, names in _code_migrations().items() for n in names}
