from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


def heartbeat_record(*, name: str = "worker") -> WorkerHeartbeat:
    """Count one beat; a conditional UPDATE keeps two workers from losing a count."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(beat_at=now, count=F("count") + 1)
    if not updated:
        WorkerHeartbeat.objects.get_or_create(name=name, defaults={"beat_at": now, "count": 1})
    return WorkerHeartbeat.objects.get(name=name)
