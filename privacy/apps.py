from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .registry import load


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Both need the models, so they load here: the receiver connects itself, and
        # the tasks register with Celery (services start them by name only).
        from . import receivers, tasks  # noqa: F401, PLC0415

        # Every installed app's personal_data module (its HOLDINGS), read once.
        load()
