"""Trigram GIN indexes for finding people by name (issue 14 item 3).

As for organisations (0003): Thai is written without spaces between words, so a
person is found by a fragment anywhere in the name (ILIKE '%ใจงาม%'), which
pg_trgm's GIN operator class serves from an index. Title, position and email are
searched in the same OR, and an OR can use indexes only when every branch has one.
PostgreSQL only: SQLite scans. The indexes live outside the model state because
SQLite has no GIN.
"""

from django.db import migrations

# Django's icontains on PostgreSQL is UPPER(col::text) LIKE UPPER(%s): index that
# same expression, or the planner cannot use it.
INDEXES = (
    ("network_person_full_name_trgm", "full_name"),
    ("network_person_title_trgm", "title"),
    ("network_person_position_trgm", "position"),
    ("network_person_email_trgm", "email"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON network_person "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0005_join_request"),
    ]

    # pg_trgm itself comes from 0003 (not repeated here: reversing this migration
    # would then drop the extension under the organisations' indexes).
    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
