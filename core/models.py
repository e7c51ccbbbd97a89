from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """One row, touched by the beat-scheduled heartbeat task: proof a worker runs."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
