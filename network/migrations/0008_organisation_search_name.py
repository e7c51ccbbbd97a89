"""One stored column for the directory's name search, with one trigram index.

``Organisation.search_name`` is both names in capitals, computed by the database
(a stored generated column). The directory searches it instead of UPPER() of each
name, which PostgreSQL otherwise computes again for every row the index finds: the
site admin's search for ป่าประดู่ cost 0.78 ms of the database's CPU, 0.57 ms on
this column (docs/performance.md). The two trigram indexes of 0003 served the old
lookups only and go; this one serves the new (PostgreSQL only, as in 0003).
"""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat, Upper

OLD_INDEXES = (
    ("network_org_name_th_trgm", "UPPER(name_th::text)"),
    ("network_org_name_en_trgm", "UPPER(name_en::text)"),
)
NEW_INDEX = ("network_org_search_name_trgm", "search_name")


def _create(schema_editor, indexes) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in indexes:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON network_organisation "
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def _drop(schema_editor, indexes) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in indexes:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def forwards(apps, schema_editor):
    _create(schema_editor, [NEW_INDEX])
    _drop(schema_editor, OLD_INDEXES)
    if schema_editor.connection.vendor == "postgresql":
        # The new column's statistics now, not at autovacuum's next analyze: without
        # them a coordinator's search for a common word (โรงเรียน) was planned from
        # the index and took 24 ms instead of 0.6.
        schema_editor.execute("ANALYZE network_organisation")


def backwards(apps, schema_editor):
    _create(schema_editor, OLD_INDEXES)
    _drop(schema_editor, [NEW_INDEX])


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0007_one_chair_per_network"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=Concat(Upper("name_th"), Value("\n"), Upper("name_en")),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
