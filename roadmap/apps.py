from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Roadmap")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: each imports models, which load only once the
        # app registry is ready (Django's documented place for signal receivers).
        # receivers connects the signal receivers; tasks registers the tasks in every
        # process, since the services start them by name (core.queue.enqueue) and
        # Celery's autodiscovery runs only in a worker.
        from network.tasks_registry import provider_register  # noqa: PLC0415 - needs the app registry

        from . import receivers, tasks  # noqa: F401, PLC0415 - connect receivers, register tasks
        from .owed import owed  # noqa: PLC0415 - imports models

        provider_register("roadmap", owed)  # My tasks: what this app says a person owes
