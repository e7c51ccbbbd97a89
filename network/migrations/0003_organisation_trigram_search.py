"""Trigram GIN indexes for the organisation directory's Thai/English name search.

Thai is written without spaces between words, so the directory searches for a
fragment anywhere in a name (ILIKE '%ป่าประดู่%'); pg_trgm's GIN operator class
serves that lookup from an index. PostgreSQL only: SQLite falls back to a scan.
The indexes live outside the model state because SQLite has no GIN.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Django's icontains on PostgreSQL is UPPER(col::text) LIKE UPPER(%s): index that
# same expression, or the planner cannot use it.
INDEXES = (
    ("network_org_name_th_trgm", "name_th"),
    ("network_org_name_en_trgm", "name_en"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON network_organisation "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_invitation"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
