"""Obstacle scores become empty until someone scores the row.

Rows that were never changed after they were made (no history record other than
their creation: ``roadmap_create`` made them with a 3 × 3 placeholder) become not
yet scored, and so do their creation records in the history, so that the trend's
past no longer counts the placeholder either.
"""

import django.core.validators
from django.db import migrations, models


def _placeholders_unscored(apps, schema_editor):
    Entry = apps.get_model("roadmap", "ObstacleEntry")
    History = apps.get_model("roadmap", "HistoricalObstacleEntry")
    changed = History.objects.filter(history_type="~").values("id")
    never_changed = Entry.objects.exclude(id__in=changed)
    # update(), not save(): the audit history should not record a change nobody made.
    History.objects.filter(history_type="+", id__in=never_changed.values("id")).update(
        likelihood=None, impact=None
    )
    never_changed.update(likelihood=None, impact=None)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0007_one_chair_per_network"),
        ("roadmap", "0003_progressupdate_notified_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="obstacleentry",
            name="obstacle_scores_1_to_5",
        ),
        migrations.AlterField(
            model_name="historicalobstacleentry",
            name="impact",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="impact",
            ),
        ),
        migrations.AlterField(
            model_name="historicalobstacleentry",
            name="likelihood",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="likelihood",
            ),
        ),
        migrations.AlterField(
            model_name="obstacleentry",
            name="impact",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="impact",
            ),
        ),
        migrations.AlterField(
            model_name="obstacleentry",
            name="likelihood",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(5),
                ],
                verbose_name="likelihood",
            ),
        ),
        migrations.RunPython(_placeholders_unscored, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="obstacleentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("impact__gte", 1),
                        ("impact__isnull", False),
                        ("impact__lte", 5),
                        ("likelihood__gte", 1),
                        ("likelihood__isnull", False),
                        ("likelihood__lte", 5),
                    ),
                    models.Q(("impact__isnull", True), ("likelihood__isnull", True)),
                    _connector="OR",
                ),
                name="obstacle_scores_1_to_5_or_unscored",
            ),
        ),
    ]
