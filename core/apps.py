from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# SQLite tuned for web, worker and beat at once (WAL, busy timeout, IMMEDIATE): importing
# core.db connects its receiver. It imports no model, so it may load with the app config.
from . import db  # noqa: F401


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site services")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers core's tasks (the LINE push and sweep) where they are started by name.
        from . import tasks  # noqa: F401, PLC0415 - needs the models loaded

        # kombu's filesystem transport needs its folders before the first message.
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            for key in ("data_folder_in", "processed_folder"):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
