"""One committee chair per network.

A database made before this rule may hold two chairs of one network: the earliest
keeps the chair and each later one becomes a committee member (or loses the extra
chair row when they are a committee member already), so the constraint can be added.
"""

from django.db import migrations, models


def keep_the_first_chair(apps, schema_editor):
    Role = apps.get_model("network", "Role")
    seen: set[int] = set()
    for role in Role.objects.filter(kind="chair").order_by("network_id", "created_at", "id"):
        if role.network_id not in seen:
            seen.add(role.network_id)
            continue
        if Role.objects.filter(
            network_id=role.network_id, person_id=role.person_id, kind="committee"
        ).exists():
            role.delete()
        else:
            role.kind = "committee"
            role.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0006_person_trigram_search"),
    ]

    operations = [
        migrations.RunPython(keep_the_first_chair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="role",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "chair")),
                fields=("network",),
                name="role_one_chair_per_network",
            ),
        ),
    ]
