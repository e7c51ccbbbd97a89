"""Reusable filters of reports' tables (``ProgressReport.objects.open()`` …).

Kept apart from the models so ``models.py`` stays fields, choices and constraints.
The statuses are read from the model the queryset serves (``self.model``), so this
module imports no model.
"""

from __future__ import annotations

import datetime as dt

from django.db import models


class ProgressReportQuerySet(models.QuerySet):
    def open(self) -> ProgressReportQuerySet:
        """Not yet submitted (a returned report is open again)."""
        status = self.model.Status
        return self.filter(status__in=(status.DRAFT, status.RETURNED))

    def due_on(self, day: dt.date) -> ProgressReportQuerySet:
        return self.filter(period__due_on=day)

    def late(self, today: dt.date) -> ProgressReportQuerySet:
        return self.open().filter(period__due_on__lt=today)

    def for_network(self, network) -> ProgressReportQuerySet:
        return self.filter(period__network=network)
