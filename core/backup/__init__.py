"""Backups that restore: one dated archive holds the database, the media folder and
the sealing certificate (and, when asked, the sealing key, encrypted).

Modules:

- ``common``: the archive's name and folder, hashing, the refusal error.
- ``database``: a consistent dump and its restore, per engine (PostgreSQL:
  pg_dump/pg_restore; SQLite: the online backup API), the migration state, and
  whether a database already holds Khruakhai data.
- ``sealkey``: the sealing certificate and key in effect, and the key's encryption
  with a passphrase (scrypt, then Fernet).
- ``create``: ``backup_create`` writes an archive and its manifest.
- ``restore``: ``backup_restore`` checks an archive, then puts it back into an empty
  installation.
- ``retention``: which archives to keep (daily and weekly), pruning, and the daily
  schedule of the compose service.

The management commands ``backup`` and ``restore`` are thin wrappers around these.
This package reads models and settings only; it imports no app's services.
"""
