"""The database part of a backup: a consistent dump, its restore, and what the
database holds (its migrations; whether it has Khruakhai data).

PostgreSQL is dumped with ``pg_dump --format=custom`` (one snapshot) and restored
with ``pg_restore``; SQLite is copied with the online backup API, never as a file
(a live database in WAL mode keeps recent commits in its -wal file), and restored the
same way in the other direction.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from .common import DATABASE_DIR, BackupRefused

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
PG_DUMP_FILE = f"{DATABASE_DIR}/postgresql.dump"
SQLITE_FILE = f"{DATABASE_DIR}/db.sqlite3"
# Rows kept by the running system, not by the people using it: an installation whose
# worker already wrote its heartbeat is still empty.
OPERATIONAL_MODELS = frozenset({"core.workerheartbeat"})
# Option names of DATABASES[...]["OPTIONS"] that libpq also reads from the environment.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")
PG_TIMEOUT = 6 * 3600


def engine() -> str:
    vendor = connection.vendor
    if vendor in {POSTGRESQL, SQLITE}:
        return vendor
    raise BackupRefused(f"Backups support PostgreSQL and SQLite, not {vendor}.")


def _project_apps() -> list:
    """Khruakhai's own apps: those whose code lives in this project, not in a library."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and ".venv" not in path.relative_to(base).parts:
            found.append(config)
    return found


def _data_tables() -> list[str]:
    tables = []
    for config in _project_apps():
        for model in config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.label_lower in OPERATIONAL_MODELS:
                continue
            tables.append(meta.db_table)
    return sorted(set(tables))


def tables_with_data() -> list[str]:
    """The Khruakhai tables that hold at least one row (empty list: an empty
    installation, migrated or not)."""
    existing = set(connection.introspection.table_names())
    full = []
    with connection.cursor() as cursor:
        for table in _data_tables():
            if table not in existing:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608 - a model's own table name, quoted
            if cursor.fetchone():
                full.append(table)
    return full


def migration_state() -> dict[str, list[str]]:
    """The applied migrations, per app, as the database records them."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def migrations_unknown_to_code(state: dict[str, list[str]]) -> list[str]:
    """Migrations a database has applied that this code does not have: the database
    was written by newer code."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or ())
    return [
        f"{app_label}.{name}"
        for app_label, names in sorted(state.items())
        for name in names
        if (app_label, name) not in known
    ]


def migrations_pending() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# --- PostgreSQL ---------------------------------------------------------------------


def _binary(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupRefused(
            f"{name} is not installed. Install the PostgreSQL client tools of the "
            f"server's major version (Debian: postgresql-client-<major>)."
        )
    return found


def _major(text: str) -> tuple[int, str]:
    """The major version and the version text in a "pg_dump (PostgreSQL) 15.20" line."""
    tail = text.split(")", 1)[-1] if ")" in text else text
    match = _VERSION.search(tail)
    if not match:
        raise BackupRefused(f"Cannot read the PostgreSQL client's version from {text!r}.")
    return int(match.group(1)), match.group(0)


def client_version(binary: str) -> tuple[int, str]:
    result = subprocess.run(  # noqa: S603 - a fixed argv, no shell
        [binary, "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    return _major(result.stdout.strip())


def server_version() -> tuple[int, str]:
    connection.ensure_connection()
    number = connection.pg_version  # e.g. 160004 for 16.4
    return number // 10000, f"{number // 10000}.{number % 10000}"


def _libpq_env() -> dict[str, str]:
    options = connection.settings_dict
    env = dict(os.environ)
    if options.get("PASSWORD"):
        env["PGPASSWORD"] = str(options["PASSWORD"])
    for option, variable in _LIBPQ_OPTIONS.items():
        value = (options.get("OPTIONS") or {}).get(option)
        if value:
            env[variable] = str(value)
    return env


def _libpq_args() -> list[str]:
    options = connection.settings_dict
    args = ["--no-password"]
    if options.get("HOST"):
        args += ["--host", str(options["HOST"])]
    if options.get("PORT"):
        args += ["--port", str(options["PORT"])]
    if options.get("USER"):
        args += ["--username", str(options["USER"])]
    return [*args, "--dbname", str(options["NAME"])]


def _run(argv: list[str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - the PostgreSQL tools, a fixed argv, no shell
        argv, env=_libpq_env(), capture_output=True, text=True, timeout=PG_TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise BackupRefused(f"{what} failed (exit {result.returncode}): {result.stderr.strip()}")


def _pg_dump(directory: Path) -> dict:
    pg_dump = _binary("pg_dump")
    client, client_text = client_version(pg_dump)
    server, server_text = server_version()
    if server > client:
        raise BackupRefused(
            f"pg_dump is version {client_text} but the server runs PostgreSQL {server_text}: "
            f"pg_dump cannot dump a newer server. Install postgresql-client-{server} "
            f"(or run the backup where it is installed)."
        )
    target = directory / PG_DUMP_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    _run([pg_dump, "--format=custom", "--file", str(target), *_libpq_args()], "pg_dump")
    return {
        "engine": POSTGRESQL,
        "file": PG_DUMP_FILE,
        "server_version": server_text,
        "pg_dump_version": client_text,
    }


def _pg_tables_drop() -> None:
    """Drop every table of the target first, so that tables newer code created (and
    an older dump does not have) cannot stand in the way of migrate afterwards."""
    tables = connection.introspection.table_names()
    if not tables:
        return
    names = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")


def _pg_restore_binary(info: dict) -> str:
    """pg_restore, once it is known to read the archive's dump."""
    pg_restore = _binary("pg_restore")
    client, client_text = client_version(pg_restore)
    dumped_by = info.get("pg_dump_version", "")
    if dumped_by and _major(dumped_by)[0] > client:
        raise BackupRefused(
            f"The archive was dumped by pg_dump {dumped_by}; pg_restore {client_text} cannot "
            f"read it. Install postgresql-client-{_major(dumped_by)[0]}."
        )
    return pg_restore


def _pg_restore(directory: Path, info: dict) -> None:
    pg_restore = _pg_restore_binary(info)
    _pg_tables_drop()
    connection.close()
    argv = [
        pg_restore,
        "--no-owner",
        "--no-acl",
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        *_libpq_args(),
        str(directory / info["file"]),
    ]
    _run(argv, "pg_restore")


# --- SQLite -------------------------------------------------------------------------


def _sqlite_dump(directory: Path) -> dict:
    target = directory / SQLITE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole database under one read lock, so the copy is
        # one consistent moment even while the app writes.
        connection.connection.backup(copy)
        # A standalone file: no -wal beside it in the archive.
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
    return {"engine": SQLITE, "file": SQLITE_FILE, "sqlite_version": sqlite3.sqlite_version}


def _sqlite_restore(directory: Path, info: dict) -> None:
    source = sqlite3.connect(f"file:{directory / info['file']}?mode=ro", uri=True)
    try:
        connection.close()
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def database_dump(*, directory: Path) -> dict:
    """Dump the default database under ``directory``; returns the manifest's
    "database" entry (its file is relative to ``directory``)."""
    if engine() == POSTGRESQL:
        return _pg_dump(directory)
    return _sqlite_dump(directory)


def database_restore_check(*, info: dict) -> None:
    """Refuse, before anything changes, a dump this installation cannot take."""
    if info.get("engine") != engine():
        raise BackupRefused(
            f"The archive holds a {info.get('engine')} database and this installation "
            f"uses {engine()}: restore it into a {info.get('engine')} installation."
        )
    if engine() == POSTGRESQL:
        _pg_restore_binary(info)


def database_restore(*, directory: Path, info: dict) -> None:
    """Replace the default database's content with the dump in ``directory``."""
    database_restore_check(info=info)
    if engine() == POSTGRESQL:
        _pg_restore(directory, info)
    else:
        _sqlite_restore(directory, info)
