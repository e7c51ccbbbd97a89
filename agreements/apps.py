from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Agreements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: each imports models, which load only once the
        # app registry is ready (Django's documented place for signal receivers).
        # ``tasks`` registers the tasks in every process: the services start them by
        # name (core.queue.enqueue), and Celery's autodiscovery runs only in a worker.
        from network.tasks_registry import provider_register  # noqa: PLC0415 - app registry

        from . import receivers, tasks  # noqa: F401, PLC0415 - receivers and task registry
        from .owed import signatures  # noqa: PLC0415 - imports models

        provider_register("agreements", signatures)  # My tasks: what this app says a person owes
