from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Roadmap")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from network.tasks_registry import provider_register

        from . import receivers  # noqa: F401 — connects the signal receivers
        from .owed import owed

        provider_register("roadmap", owed)  # My tasks: what this app says a person owes
