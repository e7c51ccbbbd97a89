"""Name the periods made before periods had names, from their network's schedule.

A period whose dates are one of its schedule's periods (or a first period clipped to
the schedule's first day) gets that period's name; a period left from an earlier
schedule gets the name its dates have under any frequency ("ไตรมาส 3/2569"); any
other keeps its dates as its name. Reversing leaves the names (the columns go with
the previous migration).
"""

from __future__ import annotations

from django.db import migrations


def name_periods(apps, schema_editor):
    from reports.periods import DEFAULT_TERMS, Terms, TermsError, name_existing

    Period = apps.get_model("reports", "ReportingPeriod")
    Schedule = apps.get_model("reports", "ReportingSchedule")
    schedules = {s.network_id: s for s in Schedule.objects.all()}
    unnamed = Period.objects.filter(name_th="").order_by("id")
    batch = []
    for period in unnamed.iterator(chunk_size=2000):
        schedule = schedules.get(period.network_id)
        terms = DEFAULT_TERMS
        if schedule is not None:
            try:
                terms = Terms.from_strings(
                    schedule.semester1_starts,
                    schedule.semester1_ends,
                    schedule.semester2_starts,
                    schedule.semester2_ends,
                )
            except TermsError:
                terms = DEFAULT_TERMS
        period.name_th, period.name_en = name_existing(
            period.starts_on,
            period.ends_on,
            frequency=schedule.frequency if schedule else "",
            terms=terms,
            custom_end_dates=schedule.custom_end_dates if schedule else (),
            custom_names=schedule.custom_names if schedule else None,
        )
        batch.append(period)
        if len(batch) >= 2000:
            Period.objects.bulk_update(batch, ["name_th", "name_en"])
            batch = []
    if batch:
        Period.objects.bulk_update(batch, ["name_th", "name_en"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_period_names_terms_pending")]

    operations = [migrations.RunPython(name_periods, migrations.RunPython.noop)]
