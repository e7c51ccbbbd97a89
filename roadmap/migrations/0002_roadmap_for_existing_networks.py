"""Networks created before the roadmap app get their 8 steps and 14 register rows."""

from __future__ import annotations

from django.db import migrations

STEP_CODES = (
    "urgency",
    "core_group",
    "vision",
    "communicate",
    "action",
    "wins",
    "consolidate",
    "culture",
)
OBSTACLE_CODES = (
    "obstacle_hard",
    "obstacle_no_steps",
    "obstacle_perseverance",
    "obstacle_culture",
    "obstacle_credit",
    "obstacle_complacency",
    "obstacle_leadership",
    "obstacle_vision",
    "obstacle_communication",
)
DISADVANTAGE_CODES = (
    "disadvantage_rigid",
    "disadvantage_drift",
    "disadvantage_no_vision",
    "disadvantage_roles",
    "disadvantage_dominance",
)


def forwards(apps, schema_editor):
    # Codes are frozen here rather than imported: a migration must not change meaning
    # when the catalogue module changes later.
    Network = apps.get_model("network", "Network")
    Step = apps.get_model("roadmap", "Step")
    ObstacleEntry = apps.get_model("roadmap", "ObstacleEntry")
    for network in Network.objects.all():
        have = set(Step.objects.filter(network=network).values_list("number", flat=True))
        Step.objects.bulk_create(
            Step(network=network, number=n, code=code)
            for n, code in enumerate(STEP_CODES, start=1)
            if n not in have
        )
        codes = set(ObstacleEntry.objects.filter(network=network).values_list("code", flat=True))
        rows = [(c, "obstacle") for c in OBSTACLE_CODES]
        rows += [(c, "disadvantage") for c in DISADVANTAGE_CODES]
        ObstacleEntry.objects.bulk_create(
            ObstacleEntry(network=network, code=code, kind=kind)
            for code, kind in rows
            if code not in codes
        )


class Migration(migrations.Migration):
    dependencies = [("roadmap", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
